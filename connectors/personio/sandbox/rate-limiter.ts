/**
 * Owns request admission: token buckets (v1 employees, v1 per IP, v2 resources) and the
 * counting windows with a cool-down that guard the two auth endpoints. Time comes from the
 * sandbox clock, so tests move it instead of sleeping. It only says yes or no (plus the
 * `x-ratelimit-*` figures v2 reports); the server turns a no into a 429.
 */
import type { BucketLimit, RateLimitOptions, WindowLimit } from './options';
import type { SandboxClock } from './time';

export type LimitName =
  'v1Auth' | 'v2Auth' | 'v1Employees' | 'v1PerIp' | 'v2Persons' | 'v2AbsencePeriods' | 'v2Other';

export interface Admission {
  allowed: boolean;
  /** Bucket figures for the `x-ratelimit-*` headers (buckets only). */
  bucket?: { replenishRate: number; burstCapacity: number; remaining: number };
  /** Seconds until a retry can succeed (for an optional Retry-After). */
  retryAfterSeconds: number;
}

interface BucketState {
  tokens: number;
  last: number;
}

interface WindowState {
  windowStart: number;
  count: number;
  lockedUntil: number;
  lastAdmitted: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, BucketState>();
  private readonly windows = new Map<string, WindowState>();

  constructor(
    private options: RateLimitOptions,
    private readonly clock: SandboxClock,
  ) {}

  configure(options: RateLimitOptions): void {
    this.options = options;
    this.buckets.clear();
    this.windows.clear();
  }

  current(): RateLimitOptions {
    return this.options;
  }

  admit(name: LimitName, key: string): Admission {
    if (!this.options.enabled) return { allowed: true, retryAfterSeconds: 0 };
    switch (name) {
      case 'v1Auth':
        return this.window(`${name}|${key}`, this.options.v1Auth);
      case 'v2Auth':
        return this.window(`${name}|${key}`, this.options.v2Auth);
      case 'v1Employees':
        return this.bucket(`${name}|${key}`, this.options.v1Employees);
      case 'v1PerIp':
        return this.bucket(`${name}|${key}`, this.options.v1PerIp);
      case 'v2Persons':
        return this.bucket(`${name}|${key}`, this.options.v2.persons);
      case 'v2AbsencePeriods':
        return this.bucket(`${name}|${key}`, this.options.v2.absencePeriods);
      case 'v2Other':
        return this.bucket(`${name}|${key}`, this.options.v2.other);
    }
  }

  private bucket(key: string, limit: BucketLimit): Admission {
    const now = this.clock.nowMs();
    let state = this.buckets.get(key);
    if (!state) {
      state = { tokens: limit.capacity, last: now };
      this.buckets.set(key, state);
    }
    const elapsed = Math.max(0, now - state.last) / 1000;
    state.tokens = Math.min(limit.capacity, state.tokens + elapsed * limit.refillPerSecond);
    state.last = now;
    const figures = { replenishRate: limit.refillPerSecond, burstCapacity: limit.capacity };
    if (state.tokens >= 1) {
      state.tokens -= 1;
      return {
        allowed: true,
        bucket: { ...figures, remaining: Math.floor(state.tokens) },
        retryAfterSeconds: 0,
      };
    }
    const wait = (1 - state.tokens) / limit.refillPerSecond;
    return {
      allowed: false,
      bucket: { ...figures, remaining: 0 },
      retryAfterSeconds: Math.max(1, Math.ceil(wait)),
    };
  }

  private window(key: string, limit: WindowLimit): Admission {
    const now = this.clock.nowMs();
    let state = this.windows.get(key);
    if (!state) {
      state = { windowStart: now, count: 0, lockedUntil: 0, lastAdmitted: -Infinity };
      this.windows.set(key, state);
    }
    if (now < state.lockedUntil) {
      const gap = limit.perSecondDuringLock > 0 ? 1000 / limit.perSecondDuringLock : Infinity;
      if (now - state.lastAdmitted >= gap) {
        state.lastAdmitted = now;
        return { allowed: true, retryAfterSeconds: 0 };
      }
      const retry =
        limit.perSecondDuringLock > 0 ? gap - (now - state.lastAdmitted) : state.lockedUntil - now;
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(retry / 1000)) };
    }
    if (now - state.windowStart >= limit.windowMs || state.lockedUntil !== 0) {
      state.windowStart = now;
      state.count = 0;
      state.lockedUntil = 0;
    }
    state.count += 1;
    if (state.count > limit.limit) {
      // Exceeding the window starts the cool-down (v1: nothing passes; v2: 1 request/s).
      state.lockedUntil = now + limit.lockMs;
      state.lastAdmitted = now;
      return { allowed: false, retryAfterSeconds: Math.ceil(limit.lockMs / 1000) };
    }
    state.lastAdmitted = now;
    return { allowed: true, retryAfterSeconds: 0 };
  }
}
