/**
 * Owns client-side pacing primitives: a token bucket (burst + steady refill) and a sliding
 * window (at most N requests in any window), both on an injectable clock and sleep so tests and
 * benchmarks can run them on fake or real time. They only decide when a request may leave; they
 * never send anything and never look at answers.
 */

/** Milliseconds since the epoch. */
export type Clock = () => number;
export type Sleep = (ms: number) => Promise<void>;

export const realClock: Clock = () => Date.now();
export const realSleep: Sleep = (ms) =>
  new Promise((resolve) => {
    setTimeout(resolve, Math.max(0, ms));
  });

export interface Pacer {
  /** Waits until a request may go; resolves with the milliseconds waited. */
  take(): Promise<number>;
  /** After a 429 the provider's view is that we are out of tokens: adopt it. */
  drain(): void;
}

export class TokenBucket implements Pacer {
  private tokens: number;
  private last: number;

  constructor(
    private capacity: number,
    private refillPerSecond: number,
    private readonly clock: Clock,
    private readonly sleep: Sleep,
  ) {
    this.tokens = capacity;
    this.last = clock();
  }

  private refill(): void {
    const now = this.clock();
    const elapsed = Math.max(0, now - this.last) / 1000;
    this.tokens = Math.min(this.capacity, this.tokens + elapsed * this.refillPerSecond);
    this.last = now;
  }

  async take(): Promise<number> {
    let waited = 0;
    for (;;) {
      this.refill();
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return waited;
      }
      // Sleep until exactly one token has accrued; ceil so we never wake a hair too early.
      const wait = Math.max(1, Math.ceil(((1 - this.tokens) / this.refillPerSecond) * 1000));
      await this.sleep(wait);
      waited += wait;
    }
  }

  drain(): void {
    this.refill();
    this.tokens = Math.min(this.tokens, 0);
  }

  /** Adopts limits the provider announced (v2 `x-ratelimit-*`) and its count of what is left. */
  adopt(capacity: number, refillPerSecond: number, remaining?: number): void {
    this.refill();
    if (capacity > 0 && refillPerSecond > 0) {
      this.capacity = capacity;
      this.refillPerSecond = refillPerSecond;
    }
    if (remaining !== undefined && remaining >= 0) this.tokens = Math.min(this.tokens, remaining);
    this.tokens = Math.min(this.tokens, this.capacity);
  }

  available(): number {
    this.refill();
    return this.tokens;
  }
}

/** At most `limit` requests in any `windowMs` (Personio's auth limits count per minute). */
export class SlidingWindow implements Pacer {
  private readonly sent: number[] = [];
  private lockedUntil = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly clock: Clock,
    private readonly sleep: Sleep,
  ) {}

  async take(): Promise<number> {
    let waited = 0;
    for (;;) {
      const now = this.clock();
      while (this.sent.length > 0 && (this.sent[0] ?? 0) <= now - this.windowMs) this.sent.shift();
      let wait = this.lockedUntil - now;
      if (wait <= 0 && this.sent.length < this.limit) {
        this.sent.push(now);
        return waited;
      }
      if (wait <= 0) wait = (this.sent[0] ?? now) + this.windowMs - now + 1;
      await this.sleep(wait);
      waited += wait;
    }
  }

  /** A 429 from a window limit means a cool-down: nothing for a whole window. */
  drain(): void {
    this.lockedUntil = this.clock() + this.windowMs;
  }
}

/** Passes every request at once (pacing switched off). */
export const NO_PACING: Pacer = {
  take: () => Promise.resolve(0),
  drain: () => undefined,
};
