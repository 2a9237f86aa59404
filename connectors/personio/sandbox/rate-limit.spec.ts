/**
 * Rate limits as documented, on a frozen sandbox clock so time moves only when a test says so:
 * employees bucket (burst 15, 5/s = 300/min), auth windows with cool-downs, per-IP total, v2
 * buckets with x-ratelimit-* headers, 429 bodies, and the switch that turns limits off.
 */
import type { RunningSandbox, SandboxConfig } from './index';
import { startSandbox } from './index';
import { call, firstCredential, get, v1Token, v2Token } from './test-kit';

const FROZEN = new Date('2026-11-21T10:00:00Z');

async function sandbox(config: SandboxConfig = {}): Promise<RunningSandbox> {
  return startSandbox({
    seed: 5,
    employees: 20,
    referenceDate: '2026-11-21',
    clock: () => FROZEN,
    ...config,
  });
}

async function statuses(n: number, request: () => Promise<{ status: number }>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await request()).status);
  return out;
}

describe('rate limits', () => {
  it('v1 employees: a burst of 15, then 429 with the v1 error body; refills at 5 per second', async () => {
    const sb = await sandbox();
    try {
      const token = await v1Token(sb);
      const url = `${sb.url}/v1/company/employees?limit=1`;
      expect(await statuses(15, () => get(url, token))).toEqual(Array(15).fill(200));
      const limited = await get(url, token);
      expect(limited.status).toBe(429);
      expect(limited.body).toEqual({
        success: false,
        error: { code: 429, message: 'Too Many Requests' },
      });
      expect(limited.headers.get('retry-after')).toBeNull();
      // Other v1 endpoints have their own budget.
      expect((await get(`${sb.url}/v1/company/time-off-types`, token)).status).toBe(200);
      sb.control.advanceClock(1_000);
      expect(await statuses(6, () => get(url, token))).toEqual([200, 200, 200, 200, 200, 429]);
      // 300 per minute: one request every 200 ms never hits the limit.
      const steady: number[] = [];
      for (let i = 0; i < 40; i++) {
        sb.control.advanceClock(200);
        steady.push((await get(url, token)).status);
      }
      expect(steady.every((s) => s === 200)).toBe(true);
    } finally {
      await sb.close();
    }
  });

  it('v1 auth: 60 per minute, then a 60 s cool-down', async () => {
    const sb = await sandbox();
    try {
      const c = firstCredential(sb);
      const auth = () =>
        call(`${sb.url}/v1/auth`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ client_id: c.clientId, client_secret: c.clientSecret }),
        });
      expect((await statuses(60, auth)).every((s) => s === 200)).toBe(true);
      expect((await auth()).status).toBe(429);
      sb.control.advanceClock(59_000);
      expect((await auth()).status).toBe(429);
      sb.control.advanceClock(1_000);
      expect((await auth()).status).toBe(200);
    } finally {
      await sb.close();
    }
  });

  it('v2 auth: 150 per minute, then 1 request per second for 60 s', async () => {
    const sb = await sandbox();
    try {
      const c = firstCredential(sb);
      const token = () =>
        call(`${sb.url}/v2/auth/token`, {
          method: 'POST',
          body: new URLSearchParams({
            grant_type: 'client_credentials',
            client_id: c.clientId,
            client_secret: c.clientSecret,
          }),
        });
      expect((await statuses(150, token)).every((s) => s === 200)).toBe(true);
      const limited = await token();
      expect(limited.status).toBe(429);
      expect(limited.headers.get('content-type')).toBe('application/problem+json');
      sb.control.advanceClock(1_000);
      expect(await statuses(2, token)).toEqual([200, 429]);
      sb.control.advanceClock(60_000);
      expect((await statuses(5, token)).every((s) => s === 200)).toBe(true);
    } finally {
      await sb.close();
    }
  });

  it('v2 resources: token bucket with x-ratelimit-* headers and a problem+json 429', async () => {
    const sb = await sandbox({
      rateLimits: { v2: { persons: { capacity: 3, refillPerSecond: 1 } } },
    });
    try {
      const token = await v2Token(sb);
      const first = await get(`${sb.url}/v2/persons?limit=1`, token);
      expect(first.headers.get('x-ratelimit-burst-capacity')).toBe('3');
      expect(first.headers.get('x-ratelimit-replenish-rate')).toBe('1');
      expect(first.headers.get('x-ratelimit-requested-tokens')).toBe('1');
      expect(first.headers.get('x-ratelimit-remaining')).toBe('2');
      expect(await statuses(3, () => get(`${sb.url}/v2/persons?limit=1`, token))).toEqual([
        200, 200, 429,
      ]);
      const limited = await get<{ errors: Array<{ title: string }> }>(
        `${sb.url}/v2/persons?limit=1`,
        token,
      );
      expect(limited.status).toBe(429);
      expect(limited.body.errors[0]?.title).toBe('Too Many Requests');
      expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
      expect(limited.headers.get('retry-after')).toBeNull();
    } finally {
      await sb.close();
    }
  });

  it('v1 total per client IP', async () => {
    const sb = await sandbox({ rateLimits: { v1PerIp: { capacity: 5, refillPerSecond: 1 } } });
    try {
      const token = await v1Token(sb);
      expect(await statuses(5, () => get(`${sb.url}/v1/company/time-off-types`, token))).toEqual([
        200, 200, 200, 200, 429,
      ]);
    } finally {
      await sb.close();
    }
  });

  it('Retry-After can be switched on, and limits switched off entirely', async () => {
    const sb = await sandbox({
      rateLimits: { retryAfterHeader: true, v1Employees: { capacity: 1, refillPerSecond: 0.5 } },
    });
    try {
      const token = await v1Token(sb);
      await get(`${sb.url}/v1/company/employees?limit=1`, token);
      const limited = await get(`${sb.url}/v1/company/employees?limit=1`, token);
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('2');
      sb.control.setRateLimits(false);
      expect(
        (await statuses(30, () => get(`${sb.url}/v1/company/employees?limit=1`, token))).every(
          (s) => s === 200,
        ),
      ).toBe(true);
    } finally {
      await sb.close();
    }
  });
});
