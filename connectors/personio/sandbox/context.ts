/**
 * Owns the two objects every route receives: the sandbox state (store, auth, limiter, faults,
 * options) and the facts of one request (path, query, body, caller address, base URL).
 */
import type { IncomingMessage } from 'node:http';
import type { AuthService } from './auth';
import type { FaultInjector } from './faults';
import type { SandboxOptions } from './options';
import type { RateLimiter } from './rate-limiter';
import type { SandboxStore } from './store';
import type { SandboxClock } from './time';
import type { AttributeCatalog } from './v1-attributes';

export interface SandboxState {
  store: SandboxStore;
  auth: AuthService;
  catalog: AttributeCatalog;
  options: SandboxOptions;
  clock: SandboxClock;
  limiter: RateLimiter;
  faults: FaultInjector;
}

export interface RequestContext {
  req: IncomingMessage;
  method: string;
  path: string;
  query: URLSearchParams;
  /** Raw body of POST/PUT/PATCH/DELETE requests ('' otherwise). */
  body: string;
  /** `http://host:port` as the caller addressed us; used in links. */
  baseUrl: string;
  ip: string;
}

/** Small cache for filtered lists, valid while the store version is unchanged. */
export class ResultCache<T> {
  private readonly entries = new Map<string, { version: number; value: T }>();

  constructor(private readonly max = 16) {}

  get(key: string, version: number, build: () => T): T {
    const hit = this.entries.get(key);
    if (hit && hit.version === version) return hit.value;
    const value = build();
    this.entries.delete(key);
    this.entries.set(key, { version, value });
    if (this.entries.size > this.max) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return value;
  }
}
