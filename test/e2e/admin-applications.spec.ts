import request from 'supertest';
import { Client } from 'pg';
import { expectContract } from '../support/contract';
import { startTestGateway, type TestGateway } from '../support/gateway';

const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef-xyz';

describe('admin API: applications (e2e)', () => {
  let gateway: TestGateway;
  const admin = (): { Authorization: string } => ({ Authorization: `Bearer ${ADMIN_TOKEN}` });

  const countApplications = async (): Promise<number> => {
    const db = new Client({ connectionString: gateway.database.url });
    await db.connect();
    const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM applications');
    await db.end();
    return Number(rows[0]?.n);
  };

  beforeAll(async () => {
    gateway = await startTestGateway({ ADMIN_TOKEN });
  });
  afterAll(async () => {
    await gateway.close();
  });

  it('refuses a missing or wrong admin token with 401 problem+json', async () => {
    const missing = await request(gateway.url).get('/v1/admin/applications').expect(401);
    expectContract(missing);
    expect(missing.headers['www-authenticate']).toContain('Bearer');
    const wrong = await request(gateway.url)
      .get('/v1/admin/applications')
      .set('Authorization', `Bearer ${ADMIN_TOKEN}x`)
      .expect(401);
    expectContract(wrong);
    expect(wrong.body.code).toBe('unauthorized');
  });

  it('answers a validation failure with every invalid field, and stores nothing', async () => {
    const res = await request(gateway.url)
      .post('/v1/admin/applications')
      .set(admin())
      .send({ name: '', scopes: ['hris.employees:read', 'root:all'], owner: 'mallory' })
      .expect(400);
    expectContract(res);
    expect(res.body.code).toBe('validation_failed');
    const fields = (res.body.errors as Array<{ in: string; field: string }>).map(
      (e) => `${e.in}:${e.field}`,
    );
    expect(fields).toEqual(expect.arrayContaining(['body:name', 'body:scopes', 'body:owner']));

    const page = await request(gateway.url).get('/v1/admin/applications').set(admin()).expect(200);
    expect(page.body.data).toEqual([]);
  });

  it('requires name and scopes on create and refuses nulls on update', async () => {
    const empty = await request(gateway.url)
      .post('/v1/admin/applications')
      .set(admin())
      .send({})
      .expect(400);
    expectContract(empty);
    const fields = (empty.body.errors as Array<{ field: string }>).map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['name', 'scopes']));
    const created = await request(gateway.url)
      .post('/v1/admin/applications')
      .set(admin())
      .send({ name: 'Nullable', scopes: [] })
      .expect(201);
    for (const field of [
      'name',
      'scopes',
      'required_attributes',
      'redirect_urls',
      'default_settings',
      'status',
    ]) {
      const res = await request(gateway.url)
        .patch(`/v1/admin/applications/${created.body.id as string}`)
        .set(admin())
        .send({ [field]: null })
        .expect(400);
      expectContract(res);
      expect(res.body.errors[0].field).toBe(field);
    }
  });

  it('answers an out-of-range limit with a 400 naming the query field', async () => {
    const res = await request(gateway.url)
      .get('/v1/admin/applications?limit=501')
      .set(admin())
      .expect(400);
    expectContract(res);
    expect(res.body.errors).toEqual([expect.objectContaining({ in: 'query', field: 'limit' })]);
  });

  it('creates an application whose secret is shown once and stored only as a hash', async () => {
    const created = await request(gateway.url)
      .post('/v1/admin/applications')
      .set(admin())
      .send({ name: 'Expense tool', scopes: ['webhooks:write', 'hris.employees:read'] })
      .expect(201);
    expectContract(created);
    const {
      id,
      client_id: clientId,
      client_secret: secret,
    } = created.body as Record<string, string>;
    expect(secret).toMatch(/^cs_[A-Za-z0-9_-]{43}$/);
    expect(created.body.scopes).toEqual(['hris.employees:read', 'webhooks:write']);

    const fetched = await request(gateway.url)
      .get(`/v1/admin/applications/${id}`)
      .set(admin())
      .expect(200);
    expectContract(fetched);
    expect(fetched.body).toMatchObject({ id, client_id: clientId, status: 'active' });
    expect(fetched.body).not.toHaveProperty('client_secret');

    const db = new Client({ connectionString: gateway.database.url });
    await db.connect();
    const dump = await db.query('SELECT * FROM applications');
    await db.end();
    expect(JSON.stringify(dump.rows)).not.toContain(secret);
    expect(JSON.stringify(gateway.logs)).not.toContain(secret);
    expect(JSON.stringify(gateway.logs)).not.toContain(ADMIN_TOKEN);
  });

  it('answers 404 for an unknown or malformed id alike', async () => {
    const unknown = await request(gateway.url)
      .get('/v1/admin/applications/00000000-0000-4000-8000-000000000000')
      .set(admin())
      .expect(404);
    expectContract(unknown);
    const malformed = await request(gateway.url)
      .get('/v1/admin/applications/not-a-uuid')
      .set(admin())
      .expect(404);
    expectContract(malformed);
  });

  it('pages with an opaque cursor and refuses a forged one', async () => {
    for (const name of ['A', 'B', 'C']) {
      await request(gateway.url)
        .post('/v1/admin/applications')
        .set(admin())
        .send({ name, scopes: [] })
        .expect(201);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: request.Response = await request(gateway.url)
        .get('/v1/admin/applications')
        .query({ limit: 2, ...(cursor ? { cursor } : {}) })
        .set(admin())
        .expect(200);
      expectContract(res);
      seen.push(...(res.body.data as Array<{ id: string }>).map((a) => a.id));
      cursor = res.body.next_cursor as string | null;
    } while (cursor);
    const stored = await countApplications();
    expect(stored).toBeGreaterThanOrEqual(4);
    expect(seen).toHaveLength(stored);
    expect(new Set(seen).size).toBe(stored);

    // Rows created in the same millisecond are ordered by id: none skipped, none repeated.
    const db = new Client({ connectionString: gateway.database.url });
    await db.connect();
    await db.query(
      `INSERT INTO applications (name, client_id, client_secret_hash, created_at)
       SELECT 'tie ' || n, 'app_tie_' || n, 'x', '2020-01-01T00:00:00.123Z' FROM generate_series(1, 5) n`,
    );
    await db.end();
    const all: string[] = [];
    cursor = null;
    do {
      const res: request.Response = await request(gateway.url)
        .get('/v1/admin/applications')
        .query({ limit: 1, ...(cursor ? { cursor } : {}) })
        .set(admin())
        .expect(200);
      all.push(...(res.body.data as Array<{ id: string }>).map((a) => a.id));
      cursor = res.body.next_cursor as string | null;
    } while (cursor);
    expect(all).toHaveLength(stored + 5);
    expect(new Set(all).size).toBe(stored + 5);

    const forged = await request(gateway.url)
      .get('/v1/admin/applications')
      .query({ cursor: Buffer.from('{"t":"x","id":"1 OR 1=1"}').toString('base64url') })
      .set(admin())
      .expect(400);
    expectContract(forged);
    expect(forged.body.errors[0].field).toBe('cursor');
  });
});
