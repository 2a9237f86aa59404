/**
 * Owns Personio authentication: `POST /v1/auth` and `POST /v2/auth/token`, a token cache per
 * credential and generation with expiry (refreshed an hour early, as Personio advises), one
 * request in flight per credential however many readers ask, adoption of a token rotated through
 * the `Authorization` response header (legacy one-time tokens), and pacing of the auth endpoints
 * under their own limits. It must never log, return in an error, or expose a secret or token.
 */
import { createHash } from 'node:crypto';
import { ConnectorError } from '../connector';
import type { Clock, Pacer } from '../pacing';
import type { BearerAuth, PersonioHttpClient, RunContext } from './personio-http.client';

export interface PersonioCredentials {
  clientId: string;
  clientSecret: string;
}

export type Generation = 'v1' | 'v2';

interface CachedToken {
  token: string;
  expiresAt: number;
  scopes: string[];
}

/** Tokens by credential; shareable between connector instances of one process. */
export class TokenCache {
  private readonly entries = new Map<string, CachedToken>();

  get(key: string): CachedToken | undefined {
    return this.entries.get(key);
  }

  set(key: string, value: CachedToken): void {
    this.entries.set(key, value);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}

export interface AuthPacers {
  v1: readonly Pacer[];
  v2: readonly Pacer[];
}

export interface TokenGrant {
  token: string;
  scopes: string[];
}

const REFRESH_EARLY_MS = 3_600_000;

function secretFingerprint(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export class PersonioAuth {
  private readonly inflight = new Map<string, Promise<TokenGrant>>();

  constructor(
    private readonly http: PersonioHttpClient,
    private readonly cache: TokenCache,
    private readonly pacers: AuthPacers,
    private readonly clock: Clock,
  ) {}

  private key(generation: Generation, credentials: PersonioCredentials): string {
    // The secret's fingerprint is part of the key, so new credentials never reuse old tokens.
    return `${this.http.baseUrl}|${generation}|${credentials.clientId}|${secretFingerprint(credentials.clientSecret)}`;
  }

  /** A valid token, from cache or a fresh authentication. */
  async grant(
    generation: Generation,
    credentials: PersonioCredentials,
    run: RunContext,
  ): Promise<TokenGrant> {
    const key = this.key(generation, credentials);
    const cached = this.cache.get(key);
    if (cached && this.clock() < cached.expiresAt) {
      return { token: cached.token, scopes: cached.scopes };
    }
    let pending = this.inflight.get(key);
    if (!pending) {
      pending = (
        generation === 'v1' ? this.authV1(credentials, run) : this.authV2(credentials, run)
      ).then(
        (fresh) => {
          this.cache.set(key, fresh);
          this.inflight.delete(key);
          return { token: fresh.token, scopes: fresh.scopes };
        },
        (error: unknown) => {
          this.inflight.delete(key);
          throw error;
        },
      );
      this.inflight.set(key, pending);
    }
    return pending;
  }

  /** Bearer auth for resource calls of one generation. */
  bearer(generation: Generation, credentials: PersonioCredentials): BearerAuth {
    const key = this.key(generation, credentials);
    return {
      token: async (run) => (await this.grant(generation, credentials, run)).token,
      invalidate: (token) => {
        if (this.cache.get(key)?.token === token) this.cache.delete(key);
      },
      adopt: (previous, next) => {
        const entry = this.cache.get(key);
        if (entry && entry.token === previous) this.cache.set(key, { ...entry, token: next });
      },
    };
  }

  private expiry(expiresIn: unknown): number {
    const seconds = typeof expiresIn === 'number' && expiresIn > 0 ? expiresIn : 86_400;
    const ttl = seconds * 1000;
    return this.clock() + Math.max(ttl / 2, ttl - REFRESH_EARLY_MS);
  }

  private async authV1(credentials: PersonioCredentials, run: RunContext): Promise<CachedToken> {
    const answer = await this.http.send({
      method: 'POST',
      path: '/v1/auth',
      // JSON body: query-string credentials are refused since the 2026 deprecation.
      json: { client_id: credentials.clientId, client_secret: credentials.clientSecret },
      pacers: this.pacers.v1,
      run,
      accept: [400, 401, 403],
      isAuth: true,
    });
    const body = (answer.body ?? {}) as {
      success?: boolean;
      data?: { token?: unknown; expires_in?: unknown; scope?: unknown };
    };
    if (answer.status !== 200 || body.success === false) {
      throw new ConnectorError('AUTH_INVALID', 'Personio refused the client id and secret (v1)', {
        status: answer.status,
        endpoint: '/v1/auth',
      });
    }
    const token = body.data?.token;
    if (typeof token !== 'string' || token === '') {
      throw new ConnectorError('BAD_RESPONSE', 'v1 auth answer without a token', {
        endpoint: '/v1/auth',
        reason: 'no token',
      });
    }
    const scope = typeof body.data?.scope === 'string' ? body.data.scope : '';
    return {
      token,
      expiresAt: this.expiry(body.data?.expires_in),
      scopes: scope.split(/\s+/).filter((s) => s !== ''),
    };
  }

  private async authV2(credentials: PersonioCredentials, run: RunContext): Promise<CachedToken> {
    const answer = await this.http.send({
      method: 'POST',
      path: '/v2/auth/token',
      form: {
        grant_type: 'client_credentials',
        client_id: credentials.clientId,
        client_secret: credentials.clientSecret,
      },
      pacers: this.pacers.v2,
      run,
      accept: [400, 401, 403],
      isAuth: true,
    });
    const body = (answer.body ?? {}) as {
      access_token?: unknown;
      expires_in?: unknown;
      scope?: unknown;
      error?: unknown;
    };
    if (answer.status !== 200) {
      const error = typeof body.error === 'string' ? body.error : '';
      // invalid_request / unsupported_grant_type mean our request is wrong, not the credentials.
      const ours = error === 'invalid_request' || error === 'unsupported_grant_type';
      throw new ConnectorError(
        ours ? 'BAD_RESPONSE' : 'AUTH_INVALID',
        `Personio refused the token request (v2${error ? `, ${error}` : ''})`,
        { status: answer.status, endpoint: '/v2/auth/token', ...(ours ? { reason: error } : {}) },
      );
    }
    if (typeof body.access_token !== 'string' || body.access_token === '') {
      throw new ConnectorError('BAD_RESPONSE', 'v2 token answer without access_token', {
        endpoint: '/v2/auth/token',
        reason: 'no token',
      });
    }
    const scope = typeof body.scope === 'string' ? body.scope : '';
    return {
      token: body.access_token,
      expiresAt: this.expiry(body.expires_in),
      scopes: scope.split(/\s+/).filter((s) => s !== ''),
    };
  }
}
