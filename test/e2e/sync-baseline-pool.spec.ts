/**
 * A first sync written straight into the tables holds one pool connection and an open
 * transaction for its whole read. With a pool of three, a process keeps two for everything else,
 * so of two first syncs running at once one writes directly and the other stages; both finish
 * with the sandbox's data. And deleting the connection meanwhile does not wait for that
 * transaction: the run finds the connection gone and stores nothing.
 */
import request from 'supertest';
import { type RunningSandbox } from '../../connectors/personio/sandbox';
import { accessToken, createApplication, TEST_ADMIN_TOKEN } from '../support/auth';
import { waitFor } from '../support/gateway-processes';
import { startTestGateway, type TestGateway } from '../support/gateway';
import { startTestSandbox } from '../support/sandbox';
import { expectContract } from '../support/contract';
import {
  connectThroughLink,
  FIRST_SYNC_WRITERS_SQL,
  query,
  waitForLatestRun,
} from '../support/sync';

describe('first syncs, the database pool and the connection row (e2e)', () => {
  let sandbox: RunningSandbox;
  let gateway: TestGateway;

  beforeAll(async () => {
    // More than one COPY batch (500) of employees before the absence read stalls.
    sandbox = await startTestSandbox({ employees: 600, absencesPerEmployee: 1 });
    gateway = await startTestGateway({
      ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      PERSONIO_BASE_URL: sandbox.url,
      SYNC_TICK_MS: '100',
      SYNC_CONCURRENCY: '2',
      DATABASE_POOL_SIZE: '3',
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await sandbox?.close();
  });

  /**
   * The next `runs` v1 absence reads stall for 3 s, after the employees are written; the
   * returned wait resolves once every one of them is stalled.
   */
  const stallAbsenceReads = (runs: number): (() => Promise<true>) => {
    const stall = sandbox.control.addFault({
      kind: 'latency',
      path: '/v1/company/time-offs',
      delayMs: 3_000,
      times: runs,
    });
    return () =>
      waitFor(
        `${runs} first sync(s) to stall in the absence read`,
        () => Promise.resolve(stall.fired === runs ? true : undefined),
        30_000,
        50,
      );
  };

  it('lets one first sync hold a connection of a pool of three and stages the other', async () => {
    const stalled = stallAbsenceReads(2);
    const app = await createApplication(gateway, { name: 'Two first syncs' });
    const token = await accessToken(gateway, app);
    const settings = { settings: { personio_api_version: 'v1' } };
    const [first, second] = await Promise.all([
      connectThroughLink(gateway, token, sandbox.credentials[0]!, settings),
      connectThroughLink(gateway, token, sandbox.credentials[0]!, settings),
    ]);
    await stalled();

    // One open transaction writing employees, and one run whose employees went to staging.
    const [state] = await query<{ writers: number; staged_runs: number }>(
      gateway,
      `SELECT (${FIRST_SYNC_WRITERS_SQL}) AS writers,
              (SELECT count(DISTINCT s.run_id)::int FROM sync_staging s
               JOIN sync_runs r ON r.id = s.run_id
               WHERE r.connection_id = ANY($1::uuid[])) AS staged_runs`,
      [[first, second]],
    );
    expect(state).toEqual({ writers: 1, staged_runs: 1 });

    const people = sandbox.state.store
      .employees()
      .map((e) => String(e.id))
      .sort();
    for (const connectionId of [first, second]) {
      const run = await waitForLatestRun(gateway, token, connectionId);
      expect(run).toMatchObject({ trigger: 'connect', status: 'succeeded', error: null });
      const stored = await query<{ remote_id: string }>(
        gateway,
        `SELECT remote_id FROM employees WHERE connection_id = $1 AND remote_deleted_at IS NULL`,
        [connectionId],
      );
      expect(stored.map((r) => r.remote_id).sort()).toEqual(people);
    }
  }, 60_000);

  it('deletes a connection during its first sync without waiting for it; the run stores nothing', async () => {
    const stalled = stallAbsenceReads(1);
    const app = await createApplication(gateway, { name: 'Deleted mid-baseline' });
    const token = await accessToken(gateway, app);
    const connectionId = await connectThroughLink(gateway, token, sandbox.credentials[0]!, {
      settings: { personio_api_version: 'v1' },
    });
    await stalled();
    const [before] = await query<{ n: number }>(gateway, FIRST_SYNC_WRITERS_SQL);
    expect(before!.n).toBe(1);

    const removed = await request(gateway.url)
      .delete(`/v1/connections/${connectionId}`)
      .set('Authorization', `Bearer ${token}`);
    expectContract(removed);
    expect(removed.status).toBe(204);
    // Answered while the first sync's transaction is still open: it did not wait for it.
    const [during] = await query<{ n: number }>(gateway, FIRST_SYNC_WRITERS_SQL);
    expect(during!.n).toBe(1);

    const run = await waitForLatestRun(gateway, token, connectionId);
    expect({ status: run.status, code: run.error?.code }).toEqual({
      status: 'failed',
      code: 'interrupted',
    });
    const [stored] = await query<{ n: number }>(
      gateway,
      `SELECT ((SELECT count(*) FROM employees WHERE connection_id = $1)
             + (SELECT count(*) FROM reporting_lines WHERE connection_id = $1))::int AS n`,
      [connectionId],
    );
    expect(stored!.n).toBe(0);
  }, 60_000);
});
