/**
 * The console's login and its tokens, without HTTP. A session is opaque to the browser and
 * stateless on the server: `v1.<expires>.<id>.<mac>`, a MAC under a key derived from ADMIN_TOKEN,
 * so every replica accepts it, rotating ADMIN_TOKEN ends every session, and the cookie never
 * holds the admin token or anything it could be recovered from. Form tokens (CSRF) are MACs of
 * the session id, so a token is only good with the session it was issued to.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Sessions last a working day; then the operator logs in again. */
export const SESSION_TTL_MS = 8 * 3_600_000;

/** Logged-out ids remembered per process at most (stateless sessions cannot be deleted). */
const MAX_REVOKED = 10_000;

export interface ConsoleSession {
  id: string;
  expiresAt: number;
}

const sha256 = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** Equal strings, compared in constant time whatever their lengths. */
export function sameSecret(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  return timingSafeEqual(sha256(a), sha256(b));
}

export class ConsoleSessions {
  private readonly expectedToken?: Buffer;
  private readonly key?: Buffer;
  private readonly revoked = new Map<string, number>();

  constructor(
    adminToken: string | undefined,
    private readonly now: () => number = Date.now,
  ) {
    if (adminToken) {
      this.expectedToken = sha256(adminToken);
      this.key = createHmac('sha256', adminToken).update('hris-gateway console v1').digest();
    }
  }

  /** Without ADMIN_TOKEN there is no one to log in: the console is closed, never open. */
  get open(): boolean {
    return this.key !== undefined;
  }

  /** Both sides hashed first, so neither timing nor length tells anything about the token. */
  checkAdminToken(presented: string): boolean {
    if (!this.expectedToken || !presented) return false;
    return timingSafeEqual(sha256(presented), this.expectedToken);
  }

  /** A new session's cookie value. */
  issue(): string {
    const expiresAt = this.now() + SESSION_TTL_MS;
    const id = randomBytes(18).toString('base64url');
    const payload = `v1.${expiresAt}.${id}`;
    return `${payload}.${this.mac(`session|${payload}`)}`;
  }

  /** The session a cookie value stands for, or null (forged, expired, logged out, closed). */
  verify(cookie: string | undefined): ConsoleSession | null {
    if (!this.key || !cookie) return null;
    const parts = cookie.split('.');
    if (parts.length !== 4 || parts[0] !== 'v1') return null;
    const [, expires, id, mac] = parts as [string, string, string, string];
    if (!sameSecret(mac, this.mac(`session|v1.${expires}.${id}`))) return null;
    const expiresAt = Number(expires);
    if (!Number.isSafeInteger(expiresAt) || expiresAt <= this.now()) return null;
    if (this.revoked.has(id)) return null;
    return { id, expiresAt };
  }

  /** Logging out: this process refuses the session from now on (others until it expires). */
  revoke(session: ConsoleSession): void {
    const now = this.now();
    for (const [id, expiresAt] of this.revoked) if (expiresAt <= now) this.revoked.delete(id);
    if (this.revoked.size < MAX_REVOKED) this.revoked.set(session.id, session.expiresAt);
  }

  /** The hidden form field every POST of this session must carry. */
  formToken(session: ConsoleSession): string {
    return this.mac(`csrf|${session.id}`);
  }

  checkFormToken(session: ConsoleSession, presented: unknown): boolean {
    return typeof presented === 'string' && sameSecret(presented, this.formToken(session));
  }

  /** A value signed for a short-lived cookie (the message shown after a redirect). */
  sign(value: string): string {
    const encoded = Buffer.from(value, 'utf8').toString('base64url');
    return `${encoded}.${this.mac(`flash|${encoded}`)}`;
  }

  unsign(signed: string | undefined): string | null {
    if (!this.key || !signed) return null;
    const [encoded, mac, extra] = signed.split('.');
    if (!encoded || !mac || extra !== undefined) return null;
    if (!sameSecret(mac, this.mac(`flash|${encoded}`))) return null;
    return Buffer.from(encoded, 'base64url').toString('utf8');
  }

  private mac(data: string): string {
    if (!this.key) throw new Error('the console is closed: ADMIN_TOKEN is not set');
    return createHmac('sha256', this.key).update(data, 'utf8').digest('base64url');
  }
}
