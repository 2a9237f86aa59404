/**
 * Guards every application route: a valid access token (see AccessTokensService), an
 * application that still exists, is enabled and has not rotated its secret since the token was
 * issued, and every scope the route requires. Connection-scoped routes also need a token bound
 * to a connection (`cid`); that connection, never one named by the caller, is what they serve.
 */
import {
  type CanActivate,
  createParamDecorator,
  type ExecutionContext,
  Injectable,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type Request, type Response } from 'express';
import { ProblemException } from '../common/errors/problem';
import { AccessTokensService, InvalidTokenError } from '../tokens/access-tokens.service';
import { ApplicationRateLimiter, rateLimitHeaders } from './application-rate-limiter';
import { type Scope } from './scopes';

const SCOPES_KEY = 'hris:required-scopes';
const CONNECTION_SCOPED_KEY = 'hris:connection-scoped';

/** The scopes a route needs; all of them must be in the token. */
export const RequireScopes = (...scopes: Scope[]): MethodDecorator & ClassDecorator =>
  SetMetadata(SCOPES_KEY, scopes);

/** The route serves the token's connection (`cid`), so the token must carry one. */
export const ConnectionScoped = (): MethodDecorator & ClassDecorator =>
  SetMetadata(CONNECTION_SCOPED_KEY, true);

export interface AuthContext {
  applicationId: string;
  connectionId?: string;
  scopes: Scope[];
}

type AuthenticatedRequest = Request & { auth?: AuthContext };

/** The verified caller of the current request. */
export const Auth = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthContext => {
    const auth = context.switchToHttp().getRequest<AuthenticatedRequest>().auth;
    if (!auth) throw new Error('Auth used on a route without AccessTokenGuard');
    return auth;
  },
);

/** The connection a connection-scoped route serves, taken from the token. */
export const TokenConnection = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string => {
    const connectionId = context.switchToHttp().getRequest<AuthenticatedRequest>()
      .auth?.connectionId;
    if (!connectionId)
      throw new Error('TokenConnection used on a route that is not @ConnectionScoped()');
    return connectionId;
  },
);

const unauthorized = (detail: string, error = 'invalid_token'): ProblemException =>
  new ProblemException('unauthorized', detail, {
    headers: { 'WWW-Authenticate': `Bearer realm="hris-gateway", error="${error}"` },
  });

@Injectable()
export class AccessTokenGuard implements CanActivate {
  constructor(
    private readonly tokens: AccessTokensService,
    private readonly reflector: Reflector,
    /** Per application, shared by every replica: one noisy application cannot starve others. */
    private readonly limiter: ApplicationRateLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    if (!token)
      throw unauthorized(
        'An access token is required (Authorization: Bearer <token>).',
        'invalid_request',
      );

    let claims;
    try {
      claims = await this.tokens.verify(token);
    } catch (error) {
      if (error instanceof InvalidTokenError)
        throw unauthorized(`Invalid access token: ${error.message}.`);
      throw error;
    }
    const budget = await this.limiter.hit(claims.applicationId);
    const headers = rateLimitHeaders(budget);
    if (budget.exceeded) {
      throw new ProblemException(
        'rate_limited',
        `Too many requests for this application: retry in ${budget.resetSeconds} s.`,
        { headers: { ...headers, 'Retry-After': String(budget.resetSeconds) } },
      );
    }
    const response = context.switchToHttp().getResponse<Response>();
    for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
    const application = budget.application;
    if (!application || application.disabled || application.tokenVersion !== claims.tokenVersion) {
      throw unauthorized('Invalid access token: it has been revoked.');
    }

    const targets = [context.getHandler(), context.getClass()];
    const required =
      this.reflector.getAllAndOverride<Scope[] | undefined>(SCOPES_KEY, targets) ?? [];
    const missing = required.filter((scope) => !claims.scopes.includes(scope));
    if (missing.length > 0) {
      throw new ProblemException(
        'forbidden',
        `The access token lacks the scope ${missing.join(', ')}.`,
        {
          headers: {
            'WWW-Authenticate': `Bearer realm="hris-gateway", error="insufficient_scope", scope="${required.join(' ')}"`,
          },
        },
      );
    }
    if (
      this.reflector.getAllAndOverride<boolean>(CONNECTION_SCOPED_KEY, targets) &&
      !claims.connectionId
    ) {
      throw new ProblemException(
        'forbidden',
        'This route serves one connection: request a token with connection_id.',
      );
    }
    request.auth = {
      applicationId: claims.applicationId,
      connectionId: claims.connectionId,
      scopes: claims.scopes,
    };
    return true;
  }
}
