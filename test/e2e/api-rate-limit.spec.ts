import request from 'supertest';
import { accessToken, createApplication, TEST_ADMIN_TOKEN } from '../support/auth';
import { expectContract } from '../support/contract';
import { startTestGateway, type TestGateway } from '../support/gateway';

/** The budget is per clock minute: start a burst early in a minute, so it cannot straddle two. */
async function awayFromMinuteEdge(): Promise<void> {
  const second = new Date().getUTCSeconds();
  if (second >= 50) await new Promise((resolve) => setTimeout(resolve, (61 - second) * 1000));
}

describe('API rate limit per application (e2e)', () => {
  let gateway: TestGateway;
  let replica: TestGateway;

  beforeAll(async () => {
    gateway = await startTestGateway({
      ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      API_RATE_LIMIT_PER_MINUTE: '3',
    });
    replica = await startTestGateway(
      // Same issuer as the first replica: tokens from one are valid on the other.
      { ADMIN_TOKEN: TEST_ADMIN_TOKEN, API_RATE_LIMIT_PER_MINUTE: '3', PUBLIC_URL: gateway.url },
      { database: gateway.database },
    );
  });
  afterAll(async () => {
    await replica?.close();
    await gateway?.close();
  });

  const list = (target: TestGateway, token: string): request.Test =>
    request(target.url).get('/v1/connections').set('Authorization', `Bearer ${token}`);

  it('answers 429 with Retry-After past the limit, for that application only', async () => {
    const noisy = await accessToken(gateway, await createApplication(gateway, { name: 'Noisy' }));
    const quiet = await accessToken(gateway, await createApplication(gateway, { name: 'Quiet' }));
    await awayFromMinuteEdge();
    const first = await list(gateway, noisy).expect(200);
    expect(first.headers['ratelimit-policy']).toBe('3;w=60');
    expect(first.headers.ratelimit).toMatch(/^limit=3, remaining=2, reset=\d+$/);
    for (let i = 0; i < 2; i++) await list(gateway, noisy).expect(200);
    const limited = await list(gateway, noisy).expect(429);
    expectContract(limited);
    expect(limited.body.code).toBe('rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.headers.ratelimit).toMatch(/^limit=3, remaining=0, reset=\d+$/);
    await list(gateway, quiet).expect(200);
  });

  it('is one budget across replicas sharing the database', async () => {
    const app = await createApplication(gateway, { name: 'Spread out' });
    const token = await accessToken(gateway, app);
    await awayFromMinuteEdge();
    await list(gateway, token).expect(200);
    await list(replica, token).expect(200);
    await list(gateway, token).expect(200);
    const limited = await list(replica, token).expect(429);
    expectContract(limited);
  });
});
