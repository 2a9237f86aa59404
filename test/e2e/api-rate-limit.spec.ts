import request from 'supertest';
import { accessToken, createApplication, TEST_ADMIN_TOKEN } from '../support/auth';
import { expectContract } from '../support/contract';
import { startTestGateway, type TestGateway } from '../support/gateway';

describe('API rate limit per application (e2e)', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startTestGateway({
      ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      API_RATE_LIMIT_PER_MINUTE: '3',
    });
  });
  afterAll(async () => {
    await gateway.close();
  });

  it('answers 429 with Retry-After past the limit, for that application only', async () => {
    const noisy = await accessToken(gateway, await createApplication(gateway, { name: 'Noisy' }));
    const quiet = await accessToken(gateway, await createApplication(gateway, { name: 'Quiet' }));
    const list = (token: string): request.Test =>
      request(gateway.url).get('/v1/connections').set('Authorization', `Bearer ${token}`);
    for (let i = 0; i < 3; i++) await list(noisy).expect(200);
    const limited = await list(noisy).expect(429);
    expectContract(limited);
    expect(limited.body.code).toBe('rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    await list(quiet).expect(200);
  });
});
