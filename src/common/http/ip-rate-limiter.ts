/**
 * A per-client fixed-window limit for routes open to anyone (the connect link). In memory, per
 * process: it slows guessing and hammering from one address; it is not a global quota.
 * IPv6 clients are keyed by their /64 (one subscriber usually owns a whole /64), and the table
 * is bounded: expired windows are swept once per window, and when full, unknown clients share
 * one overflow window rather than growing memory.
 */
import { isIPv6 } from 'node:net';

const MAX_TRACKED = 50_000;
const OVERFLOW_KEY = '*overflow*';

export function clientKey(ip: string): string {
  const address = ip.startsWith('::ffff:') ? ip.slice('::ffff:'.length) : ip;
  if (!isIPv6(address)) return address;
  const [head = '', tail = ''] = address.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const groups = address.includes('::')
    ? [
        ...headGroups,
        ...Array<string>(8 - headGroups.length - tailGroups.length).fill('0'),
        ...tailGroups,
      ]
    : headGroups;
  return `${groups
    .slice(0, 4)
    .map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

export class IpRateLimiter {
  private windows = new Map<string, { startedAt: number; count: number }>();
  private lastSweep = 0;

  constructor(
    private readonly limitPerWindow: number,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
    private readonly maxTracked = MAX_TRACKED,
  ) {}

  /** Counts a request from a client address; the seconds to wait when over the limit, else 0. */
  hit(ip: string): number {
    return this.hitKey(clientKey(ip));
  }

  /** The same for any other key (an application id). */
  hitKey(clientOrApplication: string): number {
    const now = this.now();
    if (now - this.lastSweep >= this.windowMs) this.sweep(now);
    let key = clientOrApplication;
    if (!this.windows.has(key) && this.windows.size >= this.maxTracked) key = OVERFLOW_KEY;
    const current = this.windows.get(key);
    if (!current || now - current.startedAt >= this.windowMs) {
      this.windows.set(key, { startedAt: now, count: 1 });
      return 0;
    }
    current.count++;
    return current.count > this.limitPerWindow
      ? Math.ceil((current.startedAt + this.windowMs - now) / 1000)
      : 0;
  }

  private sweep(now: number): void {
    this.lastSweep = now;
    for (const [key, window] of this.windows) {
      if (now - window.startedAt >= this.windowMs) this.windows.delete(key);
    }
  }
}
