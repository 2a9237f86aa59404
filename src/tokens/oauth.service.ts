/**
 * The client-credentials grant: authenticates an application by client id and secret, narrows
 * the requested scopes to what it was granted, and binds the token to one of its connections
 * when asked. Unknown clients and wrong secrets answer alike.
 */
import { Injectable } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { hashClientSecret } from '../applications/applications.service';
import { ApplicationsRepository } from '../applications/applications.repository';
import { type Scope } from '../auth/scopes';
import { ConnectionsRepository } from '../connections/connections.repository';
import { AccessTokensService } from './access-tokens.service';
import { OAuthError } from './oauth-error';
import { isUuid } from '../common/validation/uuid';

export interface TokenRequest {
  grantType?: string;
  clientId?: string;
  clientSecret?: string;
  scope?: string;
  connectionId?: string;
}

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
  connection_id?: string;
}

// Compared against when the client id is unknown, so both failures take the same time.
const DUMMY_HASH = hashClientSecret('no such client');

@Injectable()
export class OAuthService {
  constructor(
    private readonly applications: ApplicationsRepository,
    private readonly connections: ConnectionsRepository,
    private readonly tokens: AccessTokensService,
  ) {}

  async token(request: TokenRequest): Promise<TokenResponse> {
    if (request.grantType !== 'client_credentials') {
      throw new OAuthError(
        request.grantType ? 'unsupported_grant_type' : 'invalid_request',
        'grant_type must be client_credentials',
      );
    }
    if (!request.clientId || !request.clientSecret) {
      throw new OAuthError('invalid_client', 'client authentication failed');
    }
    const application = await this.applications.findByClientId(request.clientId);
    const presented = Buffer.from(hashClientSecret(request.clientSecret), 'hex');
    const expected = Buffer.from(application?.clientSecretHash ?? DUMMY_HASH, 'hex');
    const secretMatches =
      presented.length === expected.length && timingSafeEqual(presented, expected);
    if (!application || !secretMatches || application.disabledAt) {
      throw new OAuthError('invalid_client', 'client authentication failed');
    }

    const granted = application.scopes as Scope[];
    const requested = request.scope?.split(' ').filter(Boolean) ?? granted;
    const notGranted = requested.filter((s) => !granted.includes(s as Scope));
    if (notGranted.length > 0) {
      throw new OAuthError(
        'invalid_scope',
        `scope not granted to this application: ${notGranted.join(' ')}`,
      );
    }
    const scopes = [...new Set(requested)].sort() as Scope[];

    let connectionId: string | undefined;
    if (request.connectionId !== undefined) {
      const connection = isUuid(request.connectionId)
        ? await this.connections.findOne(application.id, request.connectionId)
        : null;
      if (!connection)
        throw new OAuthError(
          'invalid_request',
          'connection_id does not name a connection of this application',
        );
      connectionId = connection.id;
    }

    const issued = await this.tokens.issue({
      applicationId: application.id,
      connectionId,
      scopes,
      tokenVersion: application.tokenVersion,
    });
    return {
      access_token: issued.token,
      token_type: 'Bearer',
      expires_in: issued.expiresIn,
      scope: scopes.join(' '),
      ...(connectionId ? { connection_id: connectionId } : {}),
    };
  }
}
