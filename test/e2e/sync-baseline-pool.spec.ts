/**
 * A first sync written straight into the tables holds one pool connection and an open
 * transaction for its whole read. With a pool of three, a process keeps two for everything else,
 * so of two first syncs running at once one writes directly and the other stages; both finish
 * with the sandbox's data. Deleting the connection meanwhile does not wait for that
 * transaction: the run finds the connection gone and stores nothing. And a first sync taken over
 * as lost while its transaction is open stops and rolls back; the run that takes over stores the
 * company once.
 */
import request from 'supertest';
import { type RunningSandbox } from '../../connectors/personio/sandbox';
import { accessToken, createApplication, TEST_ADMIN_TOKEN } from '../support/auth';
import { waitFor } from '../support/gateway-processes';
import { startTestGateway, type TestGateway } from '../support/gateway';
import { startTestSandbox } from '../support/sandbox';
import { expectContract } from '../support/contract';
import { RunAborted, SyncRunner } from '../../src/sync/engine/sync-runner';
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

  /** The sandbox's people by remote id, sorted: what every first sync here must store. */
  const people = (): string[] =>
    sandbox.state.store
      .employees()
      .map((e) => String(e.id))
      .sort();

  /** A new connection whose first sync has written its employees, uncommitted, and stalls. */
  const firstSyncStalled = async (
    name: string,
  ): Promise<{ token: string; connectionId: string }> => {
    const stalled = stallAbsenceReads(1);
    const app = await createApplication(gateway, { name });
    const token = await accessToken(gateway, app);
    const connectionId = await connectThroughLink(gateway, token, sandbox.credentials[0]!, {
      settings: { personio_api_version: 'v1' },
    });
    await stalled();
    const [writers] = await query<{ n: number }>(gateway, FIRST_SYNC_WRITERS_SQL);
    expect(writers!.n).toBe(1);
    return { token, connectionId };
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

    for (const connectionId of [first, second]) {
      const run = await waitForLatestRun(gateway, token, connectionId);
      expect(run).toMatchObject({ trigger: 'connect', status: 'succeeded', error: null });
      const stored = await query<{ remote_id: string }>(
        gateway,
        `SELECT remote_id FROM employees WHERE connection_id = $1 AND remote_deleted_at IS NULL`,
        [connectionId],
      );
      expect(stored.map((r) => r.remote_id).sort()).toEqual(people());
    }
  }, 60_000);

  it('deletes a connection during its first sync without waiting for it; the run stores nothing', async () => {
    const { token, connectionId } = await firstSyncStalled('Deleted mid-baseline');

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

  it('stops a first sync taken over as lost mid-transaction; the next run stores everyone once', async () => {
    const { connectionId } = await firstSyncStalled('Lost mid-baseline');
    const [lost] = await query<{ id: string }>(
      gateway,
      `SELECT id FROM sync_runs WHERE connection_id = $1 AND status = 'running'`,
      [connectionId],
    );

    // What another process's reaper does once this run's heartbeats stop (sync-scheduler.ts):
    // here the process is alive, its read stalled, and its rows are written but uncommitted.
    await gateway.app
      .get(SyncRunner)
      .fail(
        { id: lost!.id, connectionId },
        new RunAborted('worker_lost', 'taken over by the test'),
        null,
      );

    // The run that takes over (the failure makes the connection due at once) finds nothing
    // committed; the lost run finds its run failed at its next progress write (a page, or the one
    // before its apply) and rolls back.
    const rerun = await waitFor(
      'a succeeded run after the lost one',
      async () => {
        const [run] = await query<{ id: string; status: string; created: number }>(
          gateway,
          `SELECT id, status, (counts->'employees'->>'created')::int AS created FROM sync_runs
           WHERE connection_id = $1 AND id <> $2 AND status IN ('succeeded', 'failed')`,
          [connectionId, lost!.id],
        );
        return run;
      },
      30_000,
      50,
    );
    expect(rerun).toMatchObject({ status: 'succeeded', created: people().length });
    const [first] = await query<{ status: string; code: string }>(
      gateway,
      `SELECT status, error->>'code' AS code FROM sync_runs WHERE id = $1`,
      [lost!.id],
    );
    expect(first).toEqual({ status: 'failed', code: 'worker_lost' });
    // It stopped by itself, seeing its run taken over, and not by an error such as PostgreSQL's
    // deadlock detector ending it (the order of the locks, test/medium/baseline-sink.spec.ts).
    const errors = gateway.logs.filter((l) => l.run === lost!.id && l.level === 'error');
    expect(errors.map((l) => l.err)).toEqual([]);
    await waitFor(
      'the lost run to roll back',
      async () => {
        const [writers] = await query<{ n: number }>(gateway, FIRST_SYNC_WRITERS_SQL);
        return writers!.n === 0 ? true : undefined;
      },
      10_000,
      50,
    );
    const stored = await query<{ remote_id: string }>(
      gateway,
      `SELECT remote_id FROM employees WHERE connection_id = $1`,
      [connectionId],
    );
    expect(stored.map((r) => r.remote_id).sort()).toEqual(people());
    const events = await query<{ type: string; baseline: boolean | null }>(
      gateway,
      `SELECT type, (data->'object'->>'baseline')::boolean AS baseline FROM events
       WHERE connection_id = $1 AND (type LIKE 'employee.%' OR type = 'connection.sync_completed')`,
      [connectionId],
    );
    expect(events).toEqual([{ type: 'connection.sync_completed', baseline: true }]);
  }, 60_000);
});
