import { Client } from 'pg';
import request from 'supertest';
import { type RunningSandbox } from '../../connectors/personio/sandbox';
import {
  accessToken,
  createApplication,
  createConnectSession,
  TEST_ADMIN_TOKEN,
  type TestApplication,
} from '../support/auth';
import { openLink, submitLink } from '../support/connect-page';
import { expectContract } from '../support/contract';
import { startTestGateway, type TestGateway } from '../support/gateway';
import { startTestSandbox } from '../support/sandbox';

const CONCURRENT = 50;

describe('connect link and page (e2e, Personio sandbox over HTTP)', () => {
  let sandbox: RunningSandbox;
  let gateway: TestGateway;
  let app: TestApplication;
  let token: string;
  let full: { clientId: string; clientSecret: string };

  const db = async <T>(sql: string, params: unknown[] = []): Promise<T[]> => {
    const client = new Client({ connectionString: gateway.database.url });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  };
  const newLink = async (
    body: Record<string, unknown> = {},
  ): Promise<{ url: string; connection_id: string }> =>
    createConnectSession(gateway, token, {
      customer_ref: `customer-${Math.random().toString(36).slice(2)}`,
      ...body,
    });

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    full = sandbox.credentials[0] as { clientId: string; clientSecret: string };
    gateway = await startTestGateway({
      ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      PERSONIO_BASE_URL: sandbox.url,
      CONNECT_RATE_LIMIT_PER_MINUTE: '10000',
    });
    app = await createApplication(gateway, {
      name: 'Learning platform',
      logo_text: 'LP',
      required_attributes: ['email', 'team_id', 'department_id'],
      redirect_urls: ['https://learning.example/personio/callback'],
    });
    token = await accessToken(gateway, app);
  });
  afterAll(async () => {
    await gateway.close();
    await sandbox.close();
  });

  it('shows the application, the Personio steps and the needed attributes, with strict headers', async () => {
    const link = await newLink();
    const res = await request(gateway.url).get(new URL(link.url).pathname).expect(200);
    expectContract(res);
    expect(res.text).toContain('Learning platform');
    expect(res.text).toContain('Settings &rsaquo; Integrations &rsaquo; API credentials');
    expect(res.text).toContain('Create custom integration');
    for (const field of ['Email', 'Team', 'Department'])
      expect(res.text).toContain(`<li>${field}</li>`);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.text).not.toMatch(/<script|https?:\/\/(?!learning\.example)/);
    const css = await request(gateway.url).get('/assets/connect.css').expect(200);
    expectContract(css);
  });

  it('stays valid after a scanner GETs and HEADs it, and answers every unusable link alike (410)', async () => {
    const link = await newLink();
    const path = new URL(link.url).pathname;
    await request(gateway.url).get(path).expect(200);
    await request(gateway.url).head(path).expect(200);
    await request(gateway.url).get(path).expect(200);

    const unknown = await request(gateway.url)
      .get(`/connect/${'A'.repeat(43)}`)
      .expect(410);
    expectContract(unknown);
    const junk = await request(gateway.url).get('/connect/not-a-token').expect(410);

    const expired = await newLink();
    await db(
      `UPDATE connect_sessions SET expires_at = now() - interval '1 second' WHERE connection_id = $1`,
      [expired.connection_id],
    );
    const expiredPage = await request(gateway.url).get(new URL(expired.url).pathname).expect(410);

    const used = await newLink();
    const form = await openLink(used.url);
    expect((await submitLink(used.url, form, full)).status).toBe(200);
    const usedPage = await request(gateway.url).get(new URL(used.url).pathname).expect(410);
    const usedPost = await submitLink(used.url, form, full);
    expect(usedPost.status).toBe(410);

    for (const page of [junk, expiredPage, usedPage, usedPost])
      expect(page.text).toBe(unknown.text);
  });

  it('refuses a submit without the CSRF cookie or from another origin, and keeps the link', async () => {
    const link = await newLink();
    const form = await openLink(link.url);
    const noCookie = await submitLink(link.url, { ...form, cookie: undefined }, full);
    expect(noCookie.status).toBe(403);
    expectContract(noCookie);
    const url = new URL(link.url);
    const foreign = await request(url.origin)
      .post(url.pathname)
      .type('form')
      .set('Cookie', form.cookie as string)
      .set('Origin', 'https://evil.example')
      .send({ csrf: form.csrf, client_id: full.clientId, client_secret: full.clientSecret });
    expect(foreign.status).toBe(403);
    const crossSite = await request(url.origin)
      .post(url.pathname)
      .type('form')
      .set('Cookie', form.cookie as string)
      .set('Sec-Fetch-Site', 'cross-site')
      .send({ csrf: form.csrf, client_id: full.clientId, client_secret: full.clientSecret });
    expect(crossSite.status).toBe(403);
    // Under our no-referrer policy a browser's own form post says `Origin: null`.
    const nullOrigin = await request(url.origin)
      .post(url.pathname)
      .type('form')
      .set('Cookie', form.cookie as string)
      .set('Origin', 'null')
      .set('Sec-Fetch-Site', 'same-origin')
      .send({ csrf: form.csrf, client_id: full.clientId, client_secret: 'wrong' });
    expect(nullOrigin.status).toBe(400);
    expect((await openLink(link.url)).status).toBe(200);
  });

  it('says when Personio refuses the credentials, keeps the link for more tries, then locks it', async () => {
    const link = await newLink();
    const form = await openLink(link.url);
    const wrong = await submitLink(link.url, form, {
      clientId: full.clientId,
      clientSecret: 'wrong-secret',
    });
    expect(wrong.status).toBe(400);
    expectContract(wrong);
    expect(wrong.text).toContain('Personio did not accept these credentials');
    expect(wrong.text).toContain('9 tries left');
    expect(wrong.text).not.toContain('wrong-secret');
    for (let i = 2; i <= 9; i++) {
      expect(
        (await submitLink(link.url, form, { clientId: full.clientId, clientSecret: `wrong-${i}` }))
          .status,
      ).toBe(400);
    }
    const tenth = await submitLink(link.url, form, {
      clientId: full.clientId,
      clientSecret: 'wrong-10',
    });
    expect(tenth.status).toBe(410);
    expect((await submitLink(link.url, form, full)).status).toBe(410);
    const [connection] = await db<{ status: string; credentials: string | null }>(
      'SELECT status, credentials FROM connections WHERE id = $1',
      [link.connection_id],
    );
    expect(connection).toEqual({ status: 'pending', credentials: null });
  });

  it('names the attributes the credentials cannot read, with where to enable them', async () => {
    const restricted = sandbox.control.createCredential({
      name: 'No org data',
      readableAttributes: ['first_name', 'last_name', 'email', 'status'],
    });
    const link = await newLink();
    const form = await openLink(link.url);
    const res = await submitLink(link.url, form, restricted);
    expect(res.status).toBe(400);
    expect(res.text).toContain('Some data is not readable with these credentials');
    expect(res.text).toMatch(/[Tt]eam/);
    expect(res.text).toMatch(/[Dd]epartment/);
    expect(res.text).toMatch(/Readable employee attributes|readable attributes/i);
    expect((await openLink(link.url)).status).toBe(200);
  });

  it('connects: vaults the credentials, consumes the link, emits connection.connected, and sends the admin back', async () => {
    const link = await newLink({
      redirect_url: 'https://learning.example/personio/callback',
      state: 'xyz 1',
    });
    const form = await openLink(link.url);
    const res = await submitLink(link.url, form, full);
    expect(res.status).toBe(200);
    expectContract(res);
    expect(res.text).toContain('Personio is connected');
    const employees = sandbox.company.employees.length;
    expect(res.text).toContain(`${employees} employees found`);
    const continueUrl = new URL(
      (/id="continue" href="([^"]+)"/.exec(res.text)?.[1] ?? '').replace(/&amp;/g, '&'),
    );
    expect(continueUrl.origin + continueUrl.pathname).toBe(
      'https://learning.example/personio/callback',
    );
    expect(continueUrl.searchParams.get('connection_id')).toBe(link.connection_id);
    expect(continueUrl.searchParams.get('state')).toBe('xyz 1');

    const [row] = await db<{ status: string; credentials: string; connected_at: Date | null }>(
      'SELECT status, credentials, connected_at FROM connections WHERE id = $1',
      [link.connection_id],
    );
    expect(row?.status).toBe('connected');
    expect(row?.connected_at).not.toBeNull();
    expect(row?.credentials).toMatch(/^sv1\./);
    expect(row?.credentials).not.toContain(full.clientSecret);
    const events = await db<{
      type: string;
      sequence: string;
      data: { object: Record<string, unknown> };
    }>('SELECT type, sequence, data FROM events WHERE connection_id = $1 ORDER BY sequence', [
      link.connection_id,
    ]);
    expect(events).toEqual([
      {
        type: 'connection.connected',
        sequence: '1',
        data: { object: expect.objectContaining({ employees_found: employees }) },
      },
    ]);
    const api = await request(gateway.url)
      .get(`/v1/connections/${link.connection_id}`)
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect(api.body).toMatchObject({ status: 'connected', has_credentials: true });
    expect(JSON.stringify(api.body)).not.toContain(full.clientSecret);
  });

  it('lets exactly one of 50 concurrent valid submits win', async () => {
    const link = await newLink();
    const form = await openLink(link.url);
    const results = await Promise.all(
      Array.from({ length: CONCURRENT }, () => submitLink(link.url, form, full)),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 410)).toHaveLength(CONCURRENT - 1);
    const events = await db<{ n: string }>(
      `SELECT count(*) AS n FROM events WHERE connection_id = $1 AND type = 'connection.connected'`,
      [link.connection_id],
    );
    expect(events[0]?.n).toBe('1');
    const [session] = await db<{ consumed_at: Date | null }>(
      'SELECT consumed_at FROM connect_sessions WHERE connection_id = $1',
      [link.connection_id],
    );
    expect(session?.consumed_at).not.toBeNull();
  }, 120_000);

  it('closes older open links of a connection once one of them connects it', async () => {
    const older = await newLink({ customer_ref: 'two-links-co' });
    const newer = await newLink({ customer_ref: 'two-links-co' });
    expect(newer.connection_id).toBe(older.connection_id);
    expect((await submitLink(newer.url, await openLink(newer.url), full)).status).toBe(200);
    expect((await openLink(older.url)).status).toBe(410);
  });

  it('counts concurrent wrong tries exactly: never more than 10 reach Personio', async () => {
    const link = await newLink();
    const form = await openLink(link.url);
    const results = await Promise.all(
      Array.from({ length: 15 }, (_, i) =>
        submitLink(link.url, form, { clientId: full.clientId, clientSecret: `bad-${i}` }),
      ),
    );
    expect(results.filter((r) => r.status === 400)).toHaveLength(9);
    expect(results.filter((r) => r.status === 410)).toHaveLength(6);
    const [row] = await db<{ failed_attempts: number }>(
      'SELECT failed_attempts FROM connect_sessions WHERE connection_id = $1',
      [link.connection_id],
    );
    expect(row?.failed_attempts).toBe(10);
  });

  it('re-entering credentials through a new link keeps the connection and its id', async () => {
    const first = await newLink({ customer_ref: 'reentry-co' });
    expect((await submitLink(first.url, await openLink(first.url), full)).status).toBe(200);
    const again = await newLink({ customer_ref: 'reentry-co' });
    expect(again.connection_id).toBe(first.connection_id);
    expect((await submitLink(again.url, await openLink(again.url), full)).status).toBe(200);
    const events = await db<{ type: string }>(
      'SELECT type FROM events WHERE connection_id = $1 ORDER BY sequence',
      [first.connection_id],
    );
    expect(events.map((e) => e.type)).toEqual(['connection.connected', 'connection.connected']);
  });

  it('tells the admin when Personio is unreachable, saves nothing, and keeps the link', async () => {
    const link = await newLink();
    const form = await openLink(link.url);
    sandbox.control.addFault({
      kind: 'status',
      status: 503,
      path: '/v1/company/employees*',
      times: 0,
    });
    try {
      const res = await submitLink(link.url, form, full);
      expect(res.status).toBe(503);
      expect(res.text).toContain('Personio could not be reached');
    } finally {
      sandbox.control.clearFaults();
    }
    expect((await submitLink(link.url, form, full)).status).toBe(200);
  }, 60_000);
});
