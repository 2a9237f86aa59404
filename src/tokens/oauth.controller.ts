import { Body, Controller, Get, Headers, Header, HttpCode, Post, UseFilters } from '@nestjs/common';
import { OAuthError, OAuthErrorFilter } from './oauth-error';
import { OAuthService, type TokenResponse } from './oauth.service';
import { SigningKeysService } from './signing-keys.service';

type TokenBody = Record<string, unknown>;

const field = (body: TokenBody, name: string): string | undefined => {
  const value = body[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string')
    throw new OAuthError('invalid_request', `${name} must be a string`);
  // PostgreSQL text cannot hold NUL: refuse it here rather than fail in the database.
  if (value.includes('\u0000'))
    throw new OAuthError('invalid_request', `${name} must not contain NUL characters`);
  return value;
};

/** Parses HTTP Basic client authentication (RFC 6749 2.3.1: form-encoded id and secret). */
function basicCredentials(authorization?: string): { id: string; secret: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(authorization ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new OAuthError('invalid_client', 'client authentication failed');
  try {
    const id = decodeURIComponent(decoded.slice(0, colon));
    const secret = decodeURIComponent(decoded.slice(colon + 1));
    if (id.includes('\u0000') || secret.includes('\u0000')) throw new Error('NUL');
    return { id, secret };
  } catch {
    throw new OAuthError('invalid_client', 'client authentication failed');
  }
}

@Controller()
export class OAuthController {
  constructor(
    private readonly oauth: OAuthService,
    private readonly keys: SigningKeysService,
  ) {}

  /** Form-encoded (RFC 6749) or JSON; unvalidated body on purpose: errors must be RFC 6749's. */
  @Post('v1/oauth/token')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @UseFilters(OAuthErrorFilter)
  token(
    @Body() body: TokenBody | undefined,
    @Headers('authorization') authorization?: string,
  ): Promise<TokenResponse> {
    const params = body ?? {};
    const basic = basicCredentials(authorization);
    const bodyId = field(params, 'client_id');
    const bodySecret = field(params, 'client_secret');
    if (basic && (bodyId !== undefined || bodySecret !== undefined)) {
      throw new OAuthError('invalid_request', 'use one client authentication method, not both');
    }
    return this.oauth.token({
      grantType: field(params, 'grant_type'),
      clientId: basic?.id ?? bodyId,
      clientSecret: basic?.secret ?? bodySecret,
      scope: field(params, 'scope'),
      connectionId: field(params, 'connection_id'),
    });
  }

  @Get('.well-known/jwks.json')
  @Header('Cache-Control', 'public, max-age=300')
  jwks(): Promise<{ keys: object[] }> {
    return this.keys.jwks();
  }
}
