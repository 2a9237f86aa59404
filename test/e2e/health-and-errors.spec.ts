import request from 'supertest';
import { expectContract } from '../support/contract';
import { startTestGateway, type TestGateway } from '../support/gateway';

describe('health, docs and error answers (e2e)', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startTestGateway();
  });
  afterAll(async () => {
    await gateway.close();
  });

  it('is live and ready with its database checked', async () => {
    const live = await request(gateway.url).get('/health/live').expect(200);
    expectContract(live);
    const ready = await request(gateway.url).get('/health/ready').expect(200);
    expectContract(ready);
    expect(ready.body).toEqual({ status: 'ok', checks: { database: { status: 'up' } } });
  });

  it('echoes an acceptable X-Request-Id and logs the request under it', async () => {
    const res = await request(gateway.url)
      .get('/health/live')
      .set('X-Request-Id', 'trace-abc.123')
      .expect(200);
    expect(res.headers['x-request-id']).toBe('trace-abc.123');
    const line = gateway.logs.find(
      (l) => (l.req as { id?: string } | undefined)?.id === 'trace-abc.123',
    );
    expect(line).toMatchObject({ msg: 'request completed', res: { statusCode: 200 } });
  });

  it('replaces an unsafe X-Request-Id with its own', async () => {
    const res = await request(gateway.url)
      .get('/health/live')
      .set('X-Request-Id', 'x'.repeat(300))
      .expect(200);
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers an unknown route with problem+json', async () => {
    const res = await request(gateway.url).get('/v1/nothing-here?x=1').expect(404);
    expectContract(res);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      type: 'urn:hris-gateway:problem:route_not_found',
      status: 404,
      code: 'route_not_found',
      instance: '/v1/nothing-here',
      request_id: res.headers['x-request-id'],
    });
  });

  it('answers a malformed JSON body with a 400 problem that carries the request id', async () => {
    const res = await request(gateway.url)
      .post('/health/live')
      .set('Content-Type', 'application/json')
      .send('{"not json')
      .expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'malformed_request', status: 400 });
    expect(res.body.request_id).toBe(res.headers['x-request-id']);
  });

  it('serves the contract and a reference page that loads nothing from elsewhere', async () => {
    const doc = await request(gateway.url).get('/openapi.yaml').expect(200);
    expectContract(doc);
    expect(doc.text).toMatch(/^openapi: 3\.1\.0/);

    const page = await request(gateway.url).get('/docs').expect(200);
    expectContract(page);
    const sources = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) expect(source.startsWith('/')).toBe(true);
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    for (const source of sources.filter((s) => s.startsWith('/docs/assets/'))) {
      const asset = await request(gateway.url).get(source).expect(200);
      expectContract(asset);
    }

    const missing = await request(gateway.url).get('/docs/assets/..%2Fpackage.json').expect(404);
    expectContract(missing);
  });
});
