/**
 * Issues and verifies the gateway's access tokens: EdDSA JWTs (RFC 9068 `at+jwt`) that name
 * the application (`sub`), optionally one of its connections (`cid`), the scopes granted and
 * the application's token version (`ver`, bumped by a secret rotation).
 *
 * Verification trusts only our own keys, looked up by `kid`: embedded `jwk`/`jku`/`x5u`
 * headers are ignored, the algorithm is pinned, and `exp`, `iat`, `jti` and `sub` are required
 * (jose does not require `exp` unless told to).
 */
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { AppConfig } from '../config/app-config';
import { type Scope, SCOPES } from '../auth/scopes';
import { SigningKeysService } from './signing-keys.service';
import {
  ACCESS_TOKEN_TTL_SECONDS,
  CLOCK_SKEW_SECONDS,
  TOKEN_ALGORITHM,
  TOKEN_AUDIENCE,
  TOKEN_TYPE,
} from './token-policy';

export interface AccessTokenClaims {
  applicationId: string;
  connectionId?: string;
  scopes: Scope[];
  tokenVersion: number;
  jti: string;
}

export interface IssuedToken {
  token: string;
  expiresIn: number;
}

export class InvalidTokenError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'InvalidTokenError';
  }
}

const SCOPE_SET: ReadonlySet<string> = new Set(SCOPES);

/**
 * Tokens verified lately, by their exact text. EdDSA verification was the largest single cost
 * of a read request in a profile (~0.2 ms of main thread each), and a client sends the same token
 * for up to 15 minutes. An entry only ever comes from a full verification and is used until the
 * token's `exp`, never past it (verification itself tolerates 30 s more), so the cache accepts
 * nothing verification would refuse: a retired signing key keeps verifying until every token it
 * signed has expired (signing-keys.service.ts), and revocation (a rotated secret, a disabled
 * application) is the guard's per-request check of the application, not the signature.
 * Bounded: cleared when full (at most a few MB).
 */
const VERIFIED_MAX = 5_000;

interface VerifiedToken {
  claims: AccessTokenClaims;
  expiresAtMs: number;
}

@Injectable()
export class AccessTokensService {
  private readonly verified = new Map<string, VerifiedToken>();

  constructor(
    private readonly keys: SigningKeysService,
    private readonly config: AppConfig,
  ) {}

  async issue(claims: Omit<AccessTokenClaims, 'jti'>): Promise<IssuedToken> {
    const { kid, privateKey } = await this.keys.signingKey();
    const token = await new SignJWT({
      scope: claims.scopes.join(' '),
      ver: claims.tokenVersion,
      ...(claims.connectionId ? { cid: claims.connectionId } : {}),
    })
      .setProtectedHeader({ alg: TOKEN_ALGORITHM, kid, typ: TOKEN_TYPE })
      .setIssuer(this.config.publicUrl)
      .setAudience(TOKEN_AUDIENCE)
      .setSubject(claims.applicationId)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(`${ACCESS_TOKEN_TTL_SECONDS}s`)
      .sign(privateKey);
    return { token, expiresIn: ACCESS_TOKEN_TTL_SECONDS };
  }

  /** Verified claims, or InvalidTokenError with a reason safe to show. */
  async verify(token: string): Promise<AccessTokenClaims> {
    const known = this.verified.get(token);
    if (known !== undefined) {
      if (Date.now() < known.expiresAtMs) return copyOf(known.claims);
      this.verified.delete(token);
    }
    const { claims, expiresAtMs } = await this.verifyFully(token);
    if (Date.now() < expiresAtMs) {
      if (this.verified.size >= VERIFIED_MAX) this.verified.clear();
      this.verified.set(token, { claims: copyOf(claims), expiresAtMs });
    }
    return claims;
  }

  private async verifyFully(token: string): Promise<VerifiedToken> {
    let payload;
    try {
      ({ payload } = await jwtVerify(
        token,
        async (header) => {
          const key = header.kid ? await this.keys.verificationKey(header.kid) : undefined;
          if (!key) throw new InvalidTokenError('unknown signing key');
          return key;
        },
        {
          algorithms: [TOKEN_ALGORITHM],
          issuer: this.config.publicUrl,
          audience: TOKEN_AUDIENCE,
          typ: TOKEN_TYPE,
          requiredClaims: ['exp', 'iat', 'jti', 'sub'],
          clockTolerance: CLOCK_SKEW_SECONDS,
          maxTokenAge: `${ACCESS_TOKEN_TTL_SECONDS + CLOCK_SKEW_SECONDS}s`,
        },
      ));
    } catch (error) {
      if (error instanceof InvalidTokenError) throw error;
      if (error instanceof joseErrors.JWTExpired)
        throw new InvalidTokenError('the token has expired');
      if (error instanceof joseErrors.JOSEError)
        throw new InvalidTokenError('the token is not valid');
      throw error;
    }
    const scopes =
      typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [];
    if (
      typeof payload.sub !== 'string' ||
      typeof payload.jti !== 'string' ||
      typeof payload.ver !== 'number' ||
      (payload.cid !== undefined && typeof payload.cid !== 'string') ||
      !scopes.every((s) => SCOPE_SET.has(s))
    ) {
      throw new InvalidTokenError('the token is not valid');
    }
    return {
      claims: {
        applicationId: payload.sub,
        connectionId: payload.cid,
        scopes: scopes as Scope[],
        tokenVersion: payload.ver,
        jti: payload.jti,
      },
      // `exp` is required above; jose has checked it is a number.
      expiresAtMs: (payload.exp ?? 0) * 1000,
    };
  }
}

/** Callers get their own copy: nothing they change reaches the cache. */
function copyOf(claims: AccessTokenClaims): AccessTokenClaims {
  return { ...claims, scopes: [...claims.scopes] };
}
