/**
 * A canary secret goes through the whole connect flow, failures included, and must then appear
 * nowhere: not in a log line, not in a response, not in any database column (except inside
 * vault ciphertext, where it cannot be read as such). The link token is held to the same rule.
 */
import { Client } from 'pg';
import request from 'supertest';
import { type RunningSandbox } from '../../connectors/personio/sandbox';
import {
  accessToken,
  createApplication,
  createConnectSession,
  TEST_ADMIN_TOKEN,
} from '../support/auth';
import { openLink, submitLink } from '../support/connect-page';
import { startTestGateway, type TestGateway } from '../support/gateway';
import { startTestSandbox } from '../support/sandbox';

const CANARY = 'CANARY-7f3c9e1d-secret-do-not-print';

describe('secret canary (e2e)', () => {
  let sandbox: RunningSandbox;
  let gateway: TestGateway;
  const responses: string[] = [];

  const keep = (res: request.Response): request.Response => {
    responses.push(JSON.stringify(res.headers), res.text ?? '');
    return res;
  };

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    gateway = await startTestGateway({
      ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      PERSONIO_BASE_URL: sandbox.url,
      CONNECT_RATE_LIMIT_PER_MINUTE: '10000',
      LOG_LEVEL: 'trace',
    });
  });
  afterAll(async () => {
    await gateway.close();
    await sandbox.close();
  });

  it('never shows, logs or stores the Personio secret or the link token in clear', async () => {
    const credential = sandbox.control.createCredential({ name: 'Canary', clientSecret: CANARY });
    const app = await createApplication(gateway, { required_attributes: ['email'] });
    const link = await createConnectSession(gateway, await accessToken(gateway, app), {
      customer_ref: 'canary-co',
    });
    const linkToken = new URL(link.url).pathname.split('/').pop() as string;
    const form = await openLink(link.url);

    // Failures first: wrong id with the canary secret, missing id, Personio down, bad CSRF.
    expect(
      keep(await submitLink(link.url, form, { clientId: 'papi-wrong', clientSecret: CANARY }))
        .status,
    ).toBe(400);
    expect(
      keep(await submitLink(link.url, form, { clientId: '', clientSecret: CANARY })).status,
    ).toBe(400);
    sandbox.control.addFault({ kind: 'status', status: 500, path: '/v1/*', times: 0 });
    sandbox.control.addFault({ kind: 'status', status: 500, path: '/v2/*', times: 0 });
    try {
      expect(
        keep(
          await submitLink(link.url, form, { clientId: credential.clientId, clientSecret: CANARY }),
        ).status,
      ).toBe(503);
    } finally {
      sandbox.control.clearFaults();
    }
    expect(
      keep(
        await submitLink(
          link.url,
          { ...form, csrf: 'forged' },
          { clientId: credential.clientId, clientSecret: CANARY },
        ),
      ).status,
    ).toBe(403);
    // Then success.
    expect(
      keep(
        await submitLink(link.url, form, { clientId: credential.clientId, clientSecret: CANARY }),
      ).status,
    ).toBe(200);
    keep(
      await request(gateway.url)
        .get(`/v1/connections/${link.connection_id}`)
        .set('Authorization', `Bearer ${await accessToken(gateway, app)}`)
        .expect(200),
    );

    const logs = JSON.stringify(gateway.logs);
    expect(gateway.logs.length).toBeGreaterThan(10);
    expect(logs).toContain('/connect/[redacted]');
    expect(logs).not.toContain(CANARY);
    expect(logs).not.toContain(linkToken);
    for (const text of responses) {
      expect(text).not.toContain(CANARY);
      expect(text).not.toContain(linkToken);
    }

    const db = new Client({ connectionString: gateway.database.url });
    await db.connect();
    try {
      const tables = await db.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`,
      );
      let rows = 0;
      for (const { table_name: table } of tables.rows) {
        const dump = await db.query<{ row: string }>(
          `SELECT row_to_json(t)::text AS row FROM ${db.escapeIdentifier(table)} t`,
        );
        rows += dump.rowCount ?? 0;
        for (const { row } of dump.rows) {
          expect({ table, leaks: row.includes(CANARY) || row.includes(linkToken) }).toEqual({
            table,
            leaks: false,
          });
        }
      }
      expect(rows).toBeGreaterThan(3);
      const sealed = await db.query<{ credentials: string }>(
        'SELECT credentials FROM connections WHERE id = $1',
        [link.connection_id],
      );
      expect(sealed.rows[0]?.credentials).toMatch(/^sv1\./);
    } finally {
      await db.end();
    }
  });
});
