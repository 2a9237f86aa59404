/**
 * The webhook endpoint API: what it accepts, what it refuses (RFC 9457, field by field), who may
 * use it, and that the secret is shown exactly once and stored only sealed.
 */
import request from 'supertest';
import {
  accessToken,
  createApplication,
  createConnectSession,
  TEST_ADMIN_TOKEN,
  type TestApplication,
} from '../support/auth';
import { expectContract } from '../support/contract';
import { startTestGateway, type TestGateway } from '../support/gateway';
import { MAX_ENDPOINTS_PER_APPLICATION } from '../../src/webhooks/webhooks.service';
import { query } from '../support/sync';

describe('webhook endpoints API (e2e)', () => {
  let gateway: TestGateway;
  let app: TestApplication;
  let token: string;
  let connectionId: string;

  beforeAll(async () => {
    gateway = await startTestGateway({
      ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      WEBHOOK_ALLOW_INSECURE_URLS: 'true',
      LOG_LEVEL: 'trace',
    });
    app = await createApplication(gateway, { name: 'Webhook owner' });
    token = await accessToken(gateway, app);
    connectionId = (await createConnectSession(gateway, token, { customer_ref: 'acme' }))
      .connection_id;
  });
  afterAll(async () => {
    await gateway?.close();
  });

  const api = (method: 'get' | 'post' | 'patch' | 'delete', path: string, bearer = token) =>
    request(gateway.url)[method](path).set('Authorization', `Bearer ${bearer}`);

  it('creates, reads, lists, changes and deletes an endpoint; the secret is shown once', async () => {
    const created = await api('post', '/v1/webhooks')
      .send({
        url: 'http://127.0.0.1:9/hooks',
        event_types: ['employee.*', 'connection.paused', 'employee.*'],
        connection_ids: [connectionId],
        description: 'HR sync',
      })
      .expect(201);
    expectContract(created);
    const { id, secret } = created.body as { id: string; secret: string };
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(created.body).toMatchObject({
      event_types: ['employee.*', 'connection.paused'],
      connection_ids: [connectionId],
      enabled: true,
      disabled_reason: null,
    });

    const got = await api('get', `/v1/webhooks/${id}`).expect(200);
    expectContract(got);
    expect(got.body).not.toHaveProperty('secret');
    const listed = await api('get', '/v1/webhooks').expect(200);
    expectContract(listed);
    expect((listed.body.data as Array<{ id: string }>).map((w) => w.id)).toEqual([id]);
    expect(JSON.stringify(listed.body)).not.toContain(secret);

    const paused = await api('patch', `/v1/webhooks/${id}`)
      .send({ enabled: false, connection_ids: null, description: null })
      .expect(200);
    expectContract(paused);
    expect(paused.body).toMatchObject({
      enabled: false,
      disabled_reason: 'manual',
      connection_ids: null,
      description: null,
    });
    const resumed = await api('patch', `/v1/webhooks/${id}`).send({ enabled: true }).expect(200);
    expect(resumed.body).toMatchObject({ enabled: true, disabled_reason: null, disabled_at: null });

    // Stored only sealed, and never logged.
    const rows = await query<Record<string, unknown>>(gateway, 'SELECT * FROM webhook_endpoints');
    expect(JSON.stringify(rows)).not.toContain(secret.slice('whsec_'.length));
    expect(JSON.stringify(gateway.logs)).not.toContain(secret.slice('whsec_'.length));

    await api('delete', `/v1/webhooks/${id}`).expect(204);
    const gone = await api('get', `/v1/webhooks/${id}`).expect(404);
    expectContract(gone);
  });

  it('refuses bad input field by field, and changes nothing', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ event_types: ['*'] }, 'url'],
      [{ url: 'http://127.0.0.1:9/', event_types: [] }, 'event_types'],
      [{ url: 'http://127.0.0.1:9/', event_types: ['employee.hired'] }, 'event_types'],
      [{ url: 'http://127.0.0.1:9/', event_types: ['nope.*'] }, 'event_types'],
      [{ url: 'http://127.0.0.1:9/', event_types: 'employee.*' }, 'event_types'],
      [{ url: 'http://10.0.0.1/', event_types: ['*'] }, 'url'],
      [{ url: 'ftp://127.0.0.1/', event_types: ['*'] }, 'url'],
      [
        { url: 'http://127.0.0.1:9/', event_types: ['*'], connection_ids: ['not-a-uuid'] },
        'connection_ids',
      ],
      [
        {
          url: 'http://127.0.0.1:9/',
          event_types: ['*'],
          connection_ids: ['00000000-0000-4000-8000-000000000000'],
        },
        'connection_ids',
      ],
      [{ url: 'http://127.0.0.1:9/', event_types: ['*'], enabled: 'yes' }, 'enabled'],
      [{ url: 'http://127.0.0.1:9/', event_types: ['*'], extra: 1 }, 'extra'],
    ];
    for (const [body, field] of cases) {
      const res = await api('post', '/v1/webhooks').send(body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expectContract(res);
      expect((res.body.errors as Array<{ field: string }>).map((e) => e.field)).toContain(field);
    }
    const listed = await api('get', '/v1/webhooks').expect(200);
    expect(listed.body.data).toEqual([]);

    const created = await api('post', '/v1/webhooks')
      .send({ url: 'http://127.0.0.1:9/', event_types: ['*'] })
      .expect(201);
    const id = created.body.id as string;
    for (const body of [
      { url: 'http://169.254.169.254/' },
      { event_types: [] },
      { enabled: null },
    ]) {
      const res = await api('patch', `/v1/webhooks/${id}`).send(body).expect(400);
      expectContract(res);
    }
    const rotated = await api('post', `/v1/webhooks/${id}/rotate-secret`)
      .send({ grace_period_seconds: 999_999_999 })
      .expect(400);
    expectContract(rotated);
    const replay = await api('post', `/v1/webhooks/${id}/replay`)
      .send({ after_sequence: -1, connection_id: connectionId })
      .expect(400);
    expectContract(replay);
    const after = await api('get', `/v1/webhooks/${id}`).expect(200);
    expect(after.body).toMatchObject({
      url: 'http://127.0.0.1:9/',
      event_types: ['*'],
      enabled: true,
    });
    await api('delete', `/v1/webhooks/${id}`).expect(204);
  });

  it('needs a token of the application alone, with webhooks:write', async () => {
    const bound = await accessToken(gateway, app, { connectionId });
    const res = await api('get', '/v1/webhooks', bound).expect(403);
    expectContract(res);
    expect(res.body.detail).toMatch(/without connection_id/);
    const narrow = await accessToken(gateway, app, { scope: 'events:read' });
    await api('get', '/v1/webhooks', narrow).expect(403);
    await request(gateway.url).get('/v1/webhooks').expect(401);
  });

  it('caps the endpoints of one application, even when created all at once', async () => {
    const capped = await createApplication(gateway, { name: 'Many endpoints' });
    const bearer = await accessToken(gateway, capped);
    const create = (i: number) =>
      api('post', '/v1/webhooks', bearer).send({
        url: `http://127.0.0.1:9/hook-${i}`,
        event_types: ['*'],
      });

    // Concurrent creates: the application row lock lets exactly the cap through.
    const answers = await Promise.all(
      Array.from({ length: MAX_ENDPOINTS_PER_APPLICATION + 3 }, (_, i) => create(i)),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(MAX_ENDPOINTS_PER_APPLICATION);
    expect(statuses.filter((s) => s === 409)).toHaveLength(3);
    const refused = answers.find((a) => a.status === 409)!;
    expectContract(refused);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body.detail).toMatch(/already has 25 webhook endpoints/);
    const [stored] = await query<{ n: number }>(
      gateway,
      'SELECT count(*)::int AS n FROM webhook_endpoints WHERE application_id = $1',
      [capped.id],
    );
    expect(stored!.n).toBe(MAX_ENDPOINTS_PER_APPLICATION);

    // Deleting one makes room for one.
    const some = answers.find((a) => a.status === 201)!.body.id as string;
    await api('delete', `/v1/webhooks/${some}`, bearer).expect(204);
    await create(100).expect(201);
    await create(101).expect(409);
  });

  it("never shows another application's endpoints or deliveries", async () => {
    const created = await api('post', '/v1/webhooks')
      .send({ url: 'http://127.0.0.1:9/', event_types: ['*'] })
      .expect(201);
    const other = await createApplication(gateway, { name: 'Someone else' });
    const theirs = await accessToken(gateway, other);
    const id = created.body.id as string;
    await api('get', `/v1/webhooks/${id}`, theirs).expect(404);
    await api('get', `/v1/webhooks/${id}/deliveries`, theirs).expect(404);
    await api('patch', `/v1/webhooks/${id}`, theirs).send({ enabled: false }).expect(404);
    await api('delete', `/v1/webhooks/${id}`, theirs).expect(404);
    const listed = await api('get', '/v1/webhooks', theirs).expect(200);
    expect(listed.body.data).toEqual([]);
    const still = await api('get', `/v1/webhooks/${id}`).expect(200);
    expect(still.body.enabled).toBe(true);
  });
});
