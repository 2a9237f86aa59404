import { MAX_RETRY_AFTER_MS, parseRetryAfter, RETRY_DELAYS_MS, retryDelayMs } from './retry-policy';

describe('retry policy', () => {
  it('spreads seven retries over about a day (5 s to 10 h)', () => {
    const total = RETRY_DELAYS_MS.reduce((a, b) => a + b, 0);
    expect(total / 3_600_000).toBeGreaterThan(24);
    expect(total / 3_600_000).toBeLessThan(30);
    for (let i = 1; i < RETRY_DELAYS_MS.length; i += 1) {
      expect(RETRY_DELAYS_MS[i]).toBeGreaterThanOrEqual(RETRY_DELAYS_MS[i - 1]!);
    }
  });

  it('jitters each step by at most 10% either way', () => {
    RETRY_DELAYS_MS.forEach((step, i) => {
      expect(retryDelayMs(i + 1, null, 0)).toBe(Math.round(step * 0.9));
      expect(retryDelayMs(i + 1, null, 0.999999)).toBeLessThanOrEqual(Math.round(step * 1.1));
      expect(retryDelayMs(i + 1, null, 0.5)).toBe(step);
    });
  });

  it("waits at least a 429's Retry-After, capped at a day", () => {
    expect(retryDelayMs(1, 3_600_000, 0.5)).toBe(3_600_000);
    expect(retryDelayMs(6, 1_000, 0.5)).toBe(RETRY_DELAYS_MS[5]);
    expect(retryDelayMs(1, 30 * 24 * 3_600_000, 0.5)).toBe(MAX_RETRY_AFTER_MS);
  });

  it('reads Retry-After as seconds or as an HTTP date, and ignores garbage', () => {
    const now = new Date('2026-12-06T12:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Sun, 06 Dec 2026 12:10:00 GMT', now)).toBe(600_000);
    expect(parseRetryAfter('Sun, 06 Dec 2026 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter('-5', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });
});
