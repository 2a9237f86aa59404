/**
 * Owns credentials and tokens: several credentials per company, each with its own scopes and
 * readable-attribute whitelist; v1 tokens (stable 24 h `papi-` tokens, re-issued for the same
 * credentials, or legacy one-time tokens rotated per request) and v2 OAuth2 client-credential
 * tokens with revocation. It decides who is calling; the routes decide what they may see.
 */
import { randomBytes } from 'node:crypto';
import type { SandboxOptions } from './options';
import { Random } from './random';
import type { SandboxClock } from './time';

/** Scopes as v2 names them; v1 token responses print the v1 names of the same rights. */
export const SCOPES = {
  persons: 'personio:persons:read',
  absences: 'personio:absences:read',
  orgUnits: 'personio:org-units:read',
} as const;
export type Scope = (typeof SCOPES)[keyof typeof SCOPES];
export const ALL_SCOPES: readonly Scope[] = Object.values(SCOPES);

const V1_SCOPE_NAMES: Record<Scope, string> = {
  'personio:persons:read': 'employees:read',
  'personio:absences:read': 'absences:read',
  'personio:org-units:read': 'org-units:read',
};

export function isScope(value: string): value is Scope {
  return (ALL_SCOPES as readonly string[]).includes(value);
}

export interface Credential {
  clientId: string;
  clientSecret: string;
  name: string;
  scopes: Set<Scope>;
  /** Readable employee attributes (v1 keys); null means every attribute. */
  readable: Set<string> | null;
  revoked: boolean;
}

export interface CredentialInput {
  name?: string;
  scopes?: readonly Scope[];
  readableAttributes?: readonly string[] | null;
  clientId?: string;
  clientSecret?: string;
}

export interface TokenRecord {
  token: string;
  clientId: string;
  generation: 'v1' | 'v2';
  scopes: Set<Scope>;
  issuedAt: number;
  expiresAt: number;
  /** Legacy one-time tokens are spent by their first use. */
  oneTime: boolean;
  spent: boolean;
  revoked: boolean;
}

export type TokenCheck =
  | { ok: true; credential: Credential; record: TokenRecord }
  | { ok: false; reason: 'missing' | 'invalid' | 'spent' };

export class AuthService {
  private readonly credentials = new Map<string, Credential>();
  private readonly tokens = new Map<string, TokenRecord>();
  /** Stable tokens by credential (v1) or credential + scope set (v2). */
  private readonly stable = new Map<string, TokenRecord>();
  private readonly rnd: Random;

  constructor(
    private readonly options: SandboxOptions,
    private readonly clock: SandboxClock,
    seed: number,
  ) {
    this.rnd = new Random(seed ^ 0xc0ffee);
  }

  createCredential(input: CredentialInput = {}): Credential {
    const credential: Credential = {
      clientId: input.clientId ?? `papi-${this.rnd.uuid()}`,
      clientSecret:
        input.clientSecret ??
        `papi-${this.rnd.uuid().replace(/-/g, '')}${this.rnd.uuid().replace(/-/g, '')}`,
      name: input.name ?? 'API credential',
      scopes: new Set(input.scopes ?? ALL_SCOPES),
      readable: input.readableAttributes ? new Set(input.readableAttributes) : null,
      revoked: false,
    };
    this.credentials.set(credential.clientId, credential);
    return credential;
  }

  credential(clientId: string): Credential | undefined {
    return this.credentials.get(clientId);
  }

  list(): Credential[] {
    return Array.from(this.credentials.values());
  }

  /** Revoking a credential kills its tokens as well. */
  revokeCredential(clientId: string): boolean {
    const credential = this.credentials.get(clientId);
    if (!credential) return false;
    credential.revoked = true;
    for (const record of this.tokens.values())
      if (record.clientId === clientId) record.revoked = true;
    return true;
  }

  setReadable(clientId: string, attributes: readonly string[] | null): boolean {
    const credential = this.credentials.get(clientId);
    if (!credential) return false;
    credential.readable = attributes ? new Set(attributes) : null;
    return true;
  }

  setScopes(clientId: string, scopes: readonly Scope[]): boolean {
    const credential = this.credentials.get(clientId);
    if (!credential) return false;
    credential.scopes = new Set(scopes);
    return true;
  }

  /** Looks up a live credential by id and secret. */
  authenticate(
    clientId: string,
    clientSecret: string,
  ): { credential?: Credential; knownClient: boolean } {
    const credential = this.credentials.get(clientId);
    if (!credential || credential.revoked) return { knownClient: false };
    if (credential.clientSecret !== clientSecret) return { knownClient: true };
    return { credential, knownClient: true };
  }

  /** v1: the same token for the same credential within its 24 h, unless in legacy mode. */
  issueV1(credential: Credential): TokenRecord {
    if (this.options.quirks.v1LegacyOneTimeTokens)
      return this.issue(credential, 'v1', credential.scopes, true);
    const key = `v1|${credential.clientId}`;
    const existing = this.stable.get(key);
    if (existing && this.live(existing)) return existing;
    const record = this.issue(credential, 'v1', credential.scopes, false);
    this.stable.set(key, record);
    return record;
  }

  issueV2(credential: Credential, scopes: Set<Scope>): TokenRecord {
    const key = `v2|${credential.clientId}|${Array.from(scopes).sort().join(' ')}`;
    const existing = this.stable.get(key);
    if (existing && this.live(existing)) return existing;
    const record = this.issue(credential, 'v2', scopes, false);
    this.stable.set(key, record);
    return record;
  }

  revokeToken(token: string): void {
    const record = this.tokens.get(token);
    if (record) record.revoked = true;
  }

  /** Validates a bearer token for an API generation; legacy tokens are spent here. */
  check(token: string | null, generation: 'v1' | 'v2'): TokenCheck {
    if (token === null) return { ok: false, reason: 'missing' };
    const record = this.tokens.get(token);
    if (!record || !this.live(record)) return { ok: false, reason: 'invalid' };
    if (record.generation !== generation && !this.options.quirks.crossGenerationTokens) {
      return { ok: false, reason: 'invalid' };
    }
    if (record.spent) return { ok: false, reason: 'spent' };
    const credential = this.credentials.get(record.clientId);
    if (!credential || credential.revoked) return { ok: false, reason: 'invalid' };
    if (record.oneTime) record.spent = true;
    return { ok: true, credential, record };
  }

  /** In legacy mode each successful call hands out the next one-time token. */
  rotate(record: TokenRecord): TokenRecord {
    const credential = this.credentials.get(record.clientId);
    if (!record.oneTime || !credential) return record;
    return this.issue(credential, record.generation, record.scopes, true);
  }

  v1ScopeString(scopes: Iterable<Scope>): string {
    return Array.from(scopes, (s) => V1_SCOPE_NAMES[s]).join(' ');
  }

  ttlSeconds(): number {
    return this.options.tokenTtlSeconds;
  }

  private live(record: TokenRecord): boolean {
    return !record.revoked && this.clock.nowMs() < record.expiresAt;
  }

  private issue(
    credential: Credential,
    generation: 'v1' | 'v2',
    scopes: Set<Scope>,
    oneTime: boolean,
  ): TokenRecord {
    const now = this.clock.nowMs();
    const token = oneTime
      ? legacyJwt(credential.clientId, now)
      : `papi-${randomBytes(16)
          .toString('hex')
          .replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-')}`;
    const record: TokenRecord = {
      token,
      clientId: credential.clientId,
      generation,
      scopes: new Set(scopes),
      issuedAt: now,
      expiresAt: now + this.options.tokenTtlSeconds * 1000,
      oneTime,
      spent: false,
      revoked: false,
    };
    this.tokens.set(token, record);
    return record;
  }
}

/** Legacy tokens looked like JWTs (`eyJ...`); only their shape matters to clients. */
function legacyJwt(clientId: string, now: number): string {
  const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
  const header = b64({ typ: 'JWT', alg: 'HS256' });
  const payload = b64({
    iss: 'personio-sandbox',
    iat: Math.floor(now / 1000),
    sub: clientId,
    jti: randomBytes(8).toString('hex'),
  });
  return `${header}.${payload}.${randomBytes(24).toString('base64url')}`;
}
