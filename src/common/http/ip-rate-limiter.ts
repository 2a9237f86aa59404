/**
 * A per-client-IP fixed-window limit for routes open to anyone (the connect link). In memory,
 * per process: it slows guessing and hammering from one address; it is not a global quota.
 */
export class IpRateLimiter {
  private windows = new Map<string, { startedAt: number; count: number }>();

  constructor(
    private readonly limitPerWindow: number,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts a request; returns the seconds to wait when over the limit, else 0. */
  hit(ip: string): number {
    const now = this.now();
    if (this.windows.size > 10_000) this.sweep(now);
    const current = this.windows.get(ip);
    if (!current || now - current.startedAt >= this.windowMs) {
      this.windows.set(ip, { startedAt: now, count: 1 });
      return 0;
    }
    current.count++;
    return current.count > this.limitPerWindow
      ? Math.ceil((current.startedAt + this.windowMs - now) / 1000)
      : 0;
  }

  private sweep(now: number): void {
    for (const [ip, window] of this.windows) {
      if (now - window.startedAt >= this.windowMs) this.windows.delete(ip);
    }
  }
}
