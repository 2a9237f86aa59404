/**
 * Pacing on a fake clock: the token bucket lets a burst through then one request per refill
 * interval and never more than burst + rate x time; the sliding window never lets more than
 * its limit into any window; drain() adopts the provider's "you are out" after a 429.
 */
import fc from 'fast-check';
import { SlidingWindow, TokenBucket } from './pacing';

function fakeTime() {
  let now = 1_000_000;
  return {
    clock: () => now,
    sleep: (ms: number) => {
      now += ms;
      return Promise.resolve();
    },
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('TokenBucket', () => {
  it('passes a burst of 15 at once, then one request every 200 ms (300/min)', async () => {
    const t = fakeTime();
    const bucket = new TokenBucket(15, 5, t.clock, t.sleep);
    const start = t.now();
    const sentAt: number[] = [];
    for (let i = 0; i < 45; i++) {
      await bucket.take();
      sentAt.push(t.now() - start);
    }
    expect(sentAt.slice(0, 15).every((ms) => ms === 0)).toBe(true);
    expect(sentAt[15]).toBe(200);
    expect(sentAt[44]).toBe(30 * 200);
  });

  it('never admits more than capacity + rate x elapsed in any run of requests (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 1, maxLength: 60 }),
        async (capacity, rate, gaps) => {
          const t = fakeTime();
          const bucket = new TokenBucket(capacity, rate, t.clock, t.sleep);
          const times: number[] = [];
          for (const gap of gaps) {
            t.advance(gap);
            await bucket.take();
            times.push(t.now());
          }
          for (let i = 0; i < times.length; i++) {
            for (let j = i; j < times.length; j++) {
              const elapsed = ((times[j] ?? 0) - (times[i] ?? 0)) / 1000;
              expect(j - i + 1).toBeLessThanOrEqual(capacity + rate * elapsed + 1e-9);
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('drain() empties it, and adopt() follows the limits a provider announces', async () => {
    const t = fakeTime();
    const bucket = new TokenBucket(10, 10, t.clock, t.sleep);
    bucket.drain();
    expect(await bucket.take()).toBe(100);
    bucket.adopt(2, 1, 0);
    expect(await bucket.take()).toBe(1000);
  });
});

describe('SlidingWindow', () => {
  it('lets 60 auth requests through, then waits for the window to move', async () => {
    const t = fakeTime();
    const window = new SlidingWindow(60, 60_000, t.clock, t.sleep);
    const start = t.now();
    for (let i = 0; i < 60; i++) expect(await window.take()).toBe(0);
    await window.take();
    expect(t.now() - start).toBeGreaterThanOrEqual(60_000);
  });

  it('after drain() (a 429 cool-down) nothing passes for a whole window', async () => {
    const t = fakeTime();
    const window = new SlidingWindow(60, 60_000, t.clock, t.sleep);
    window.drain();
    expect(await window.take()).toBeGreaterThanOrEqual(60_000);
  });
});
