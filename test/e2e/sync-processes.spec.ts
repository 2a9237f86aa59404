/**
 * The sync engine across real gateway processes (src/main.ts, as `npm start` runs it) on one
 * PostgreSQL database:
 *  1. three processes tick over the same 50 due connections: each due sync is queued and run
 *     exactly once, and the work is spread over more than one process;
 *  2. a process killed with SIGKILL in the middle of a run (after it staged changed records)
 *     leaves the stored data and the event feed untouched; the next process fails the lost run
 *     as `worker_lost`, drops what it staged, syncs again, and the data is then the sandbox's.
 * Processes listen on 127.0.0.1 only; every one of them is stopped in afterAll.
 */
import { Client } from 'pg';
import request from 'supertest';
import { type RunningSandbox } from '../../connectors/personio/sandbox';
import { accessToken, createApplication } from '../support/auth';
import { expectContract } from '../support/contract';
import { createMigratedDatabase, type TestDatabase } from '../support/database';
import {
  asGateway,
  startGatewayProcesses,
  stopGatewayProcess,
  waitFor,
  type StartedProcess,
} from '../support/gateway-processes';
import { type GatewayProcess } from '../support/process';
import { startTestSandbox } from '../support/sandbox';
import { connectThroughLink, FIRST_SYNC_WRITERS_SQL } from '../support/sync';

const TERMINAL = ['succeeded', 'failed', 'needs_confirmation'];

const running: GatewayProcess[] = [];
const databases: TestDatabase[] = [];
const sandboxes: RunningSandbox[] = [];

const startProcesses = (
  count: number,
  database: TestDatabase,
  sandbox: RunningSandbox,
  env: Record<string, string> = {},
  publicUrl?: string,
): Promise<StartedProcess[]> =>
  startGatewayProcesses(count, {
    database,
    sandbox,
    running,
    env: env,
    publicUrl,
  });
const stop = (process: GatewayProcess): Promise<void> => stopGatewayProcess(process, 15_000);

afterAll(async () => {
  await Promise.all(running.map(stop));
  await Promise.all(sandboxes.map((s) => s.close()));
  await Promise.all(databases.map((d) => d.drop()));
});

describe('sync across gateway processes (e2e: real processes, one PostgreSQL)', () => {
  it('three processes on one database run each of 50 due syncs exactly once, spread over more than one process', async () => {
    const database = await createMigratedDatabase();
    databases.push(database);
    const sandbox = await startTestSandbox({ employees: 5, absencesPerEmployee: 1 });
    sandboxes.push(sandbox);
    const processes = await startProcesses(3, database, sandbox);
    const db = new Client({ connectionString: database.url });
    await db.connect();
    try {
      const api = asGateway(processes[0]!.url, database);
      const app = await createApplication(api, { name: 'Replicas' });
      const token = await accessToken(api, app);
      const ids: string[] = [];
      for (let batch = 0; batch < 5; batch++) {
        ids.push(
          ...(await Promise.all(
            Array.from({ length: 10 }, () =>
              connectThroughLink(api, token, sandbox.credentials[0]!),
            ),
          )),
        );
      }
      expect(new Set(ids).size).toBe(50);

      // Every connect run ends (whichever process claimed it) before the schedule is due.
      const connectRuns = await waitFor(
        '50 finished connect runs',
        async () => {
          const { rows } = await db.query<{ status: string; n: string }>(
            `SELECT status, count(*) AS n FROM sync_runs
             WHERE trigger = 'connect' AND connection_id = ANY($1::uuid[]) GROUP BY status`,
            [ids],
          );
          const done = rows
            .filter((r) => TERMINAL.includes(r.status))
            .reduce((n, r) => n + Number(r.n), 0);
          return done === 50 ? rows : undefined;
        },
        60_000,
      );
      expect(connectRuns).toEqual([{ status: 'succeeded', n: '50' }]);
      const { rows: early } = await db.query<{ n: string }>(
        `SELECT count(*) AS n FROM sync_runs WHERE trigger = 'schedule'`,
      );
      expect(early[0]!.n).toBe('0');

      // All 50 fall due at the same moment, in front of three ticking schedulers.
      await db.query(`UPDATE connections SET next_sync_at = now() WHERE id = ANY($1::uuid[])`, [
        ids,
      ]);
      await waitFor(
        'a finished schedule run for each connection, and nothing queued or running',
        async () => {
          const { rows } = await db.query<{ done: string; open: string }>(
            `SELECT count(DISTINCT connection_id) FILTER (WHERE status = ANY($2::text[])) AS done,
                    count(*) FILTER (WHERE status IN ('queued', 'running')) AS open
             FROM sync_runs WHERE trigger = 'schedule' AND connection_id = ANY($1::uuid[])`,
            [ids, TERMINAL],
          );
          return rows[0]!.done === '50' && rows[0]!.open === '0' ? true : undefined;
        },
        60_000,
      );
      // A few more ticks of all three processes: a duplicate would have time to appear.
      await new Promise((resolve) => setTimeout(resolve, 1_000));

      const { rows: perConnection } = await db.query<{
        connection_id: string;
        n: string;
        statuses: string[];
      }>(
        `SELECT c.id AS connection_id, count(r.id) AS n,
                array_remove(array_agg(r.status), NULL) AS statuses
         FROM connections c LEFT JOIN sync_runs r ON r.connection_id = c.id AND r.trigger = 'schedule'
         WHERE c.id = ANY($1::uuid[]) GROUP BY c.id`,
        [ids],
      );
      expect(perConnection).toHaveLength(50);
      for (const row of perConnection) {
        expect({ connection: row.connection_id, runs: row.n, statuses: row.statuses }).toEqual({
          connection: row.connection_id,
          runs: '1',
          statuses: ['succeeded'],
        });
      }
      // Each connection was queued once and moved to its next due time (the default PT1H).
      const { rows: next } = await db.query<{ n: string }>(
        `SELECT count(*) AS n FROM connections
         WHERE id = ANY($1::uuid[]) AND next_sync_at > now() + interval '50 minutes'`,
        [ids],
      );
      expect(next[0]!.n).toBe('50');
      // The claims came from more than one process (worker ids name host, pid and a nonce).
      const { rows: workers } = await db.query<{ worker_id: string }>(
        `SELECT DISTINCT worker_id FROM sync_runs
         WHERE trigger = 'schedule' AND connection_id = ANY($1::uuid[])`,
        [ids],
      );
      const pids = new Set(processes.map((p) => String(p.process.child.pid)));
      for (const { worker_id } of workers) expect(pids).toContain(worker_id.split(':')[1]);
      expect(workers.length).toBeGreaterThan(1);
    } finally {
      await db.end();
      await Promise.all(processes.map((p) => stop(p.process)));
    }
  }, 120_000);

  it('a process killed mid-run changes nothing; the next process fails the run as worker_lost and syncs again', async () => {
    const database = await createMigratedDatabase();
    databases.push(database);
    // Enough people that the read stages changed employees (in batches of 500) before the kill.
    const sandbox = await startTestSandbox({ employees: 600, absencesPerEmployee: 1 });
    sandboxes.push(sandbox);
    const env = { SYNC_STALE_AFTER_MS: '3000' };
    const [first] = await startProcesses(1, database, sandbox, env);
    const db = new Client({ connectionString: database.url });
    await db.connect();
    const snapshot = async (connectionId: string): Promise<string[]> => {
      const { rows } = await db.query<{ row: string }>(
        ['employees', 'teams', 'positions', 'reporting_lines', 'absence_types', 'absences']
          .map(
            (t) =>
              `SELECT '${t}:' || remote_id || '|' || hash || '|' ||
                 coalesce(remote_deleted_at::text, '') || '|' || updated_at::text AS row
               FROM ${t} WHERE connection_id = $1`,
          )
          .join(' UNION ALL '),
        [connectionId],
      );
      return rows.map((r) => r.row).sort();
    };
    const lastSequence = async (connectionId: string): Promise<number> => {
      const { rows } = await db.query<{ s: string }>(
        `SELECT last_event_sequence AS s FROM connections WHERE id = $1`,
        [connectionId],
      );
      return Number(rows[0]!.s);
    };
    try {
      const api = asGateway(first!.url, database);
      const app = await createApplication(api, { name: 'Crash' });
      const token = await accessToken(api, app);
      const connectionId = await connectThroughLink(api, token, sandbox.credentials[0]!, {
        settings: { personio_api_version: 'v1' },
      });
      const baseline = await waitFor(
        'the baseline run',
        async () => {
          const { rows } = await db.query<{ status: string }>(
            `SELECT status FROM sync_runs WHERE connection_id = $1 AND trigger = 'connect'`,
            [connectionId],
          );
          return rows[0] && TERMINAL.includes(rows[0].status) ? rows[0].status : undefined;
        },
        60_000,
      );
      expect(baseline).toBe('succeeded');

      // Changes for the next run: 520 new titles (staged before the absences are read), a hire,
      // a deletion.
      const employees = sandbox.state.store.employees();
      for (const e of employees.slice(0, 520)) {
        sandbox.control.updateEmployee(e.id, { position: `Title ${e.id}` });
      }
      const hired = sandbox.control.hire({ first_name: 'Ada', last_name: 'Restart' });
      const gone = employees[employees.length - 1]!;
      sandbox.control.deleteEmployee(gone.id);
      // The run sits in the absence read (5 s) until the process is killed, in a few ms.
      const stall = sandbox.control.addFault({
        kind: 'latency',
        path: '/v1/company/time-offs',
        delayMs: 5_000,
        times: 1,
      });

      const before = await snapshot(connectionId);
      const sequenceBefore = await lastSequence(connectionId);
      const started = await request(first!.url)
        .post('/v1/sync-runs')
        .set('Authorization', `Bearer ${token}`)
        .send({ connection_id: connectionId })
        .expect(202);
      expectContract(started);
      const runId = started.body.id as string;
      await waitFor(
        'the run to be running and stalled in the absence read',
        async () => {
          const { rows } = await db.query<{ status: string }>(
            `SELECT status FROM sync_runs WHERE id = $1`,
            [runId],
          );
          return rows[0]?.status === 'running' && stall.fired === 1 ? true : undefined;
        },
        30_000,
        50,
      );
      const { rows: staged } = await db.query<{ n: string }>(
        `SELECT count(*) AS n FROM sync_staging WHERE run_id = $1`,
        [runId],
      );
      expect(Number(staged[0]!.n)).toBeGreaterThanOrEqual(500);

      first!.process.child.kill('SIGKILL');
      await first!.process.exited;
      expect(first!.process.child.signalCode).toBe('SIGKILL');

      // Nothing the dead process read reached the data or the feed; the run looks alive still.
      expect(await snapshot(connectionId)).toEqual(before);
      expect(await lastSequence(connectionId)).toBe(sequenceBefore);
      const { rows: orphan } = await db.query<{ status: string }>(
        `SELECT status FROM sync_runs WHERE id = $1`,
        [runId],
      );
      expect(orphan[0]!.status).toBe('running');

      // A new process finds the run without heartbeat, fails it, and runs the sync again.
      const [second] = await startProcesses(1, database, sandbox, env, first!.url);
      const rerun = await waitFor(
        'a succeeded run after the lost one',
        async () => {
          const { rows } = await db.query<{ id: string; trigger: string; worker_id: string }>(
            `SELECT id, trigger, worker_id FROM sync_runs
             WHERE connection_id = $1 AND status = 'succeeded'
               AND queued_at > (SELECT queued_at FROM sync_runs WHERE id = $2)`,
            [connectionId, runId],
          );
          return rows[0];
        },
        60_000,
      );
      // Run again by the new process, as soon as it failed the lost one (not an hour later).
      expect(rerun.trigger).toBe('schedule');
      expect(rerun.worker_id.split(':')[1]).toBe(String(second!.process.child.pid));

      const lost = await request(second!.url)
        .get(`/v1/sync-runs/${runId}`)
        .set('Authorization', `Bearer ${token}`)
        .expect(200);
      expectContract(lost);
      expect(lost.body).toMatchObject({ status: 'failed', error: { code: 'worker_lost' } });

      // The feed: the failure, then exactly the changes, in one gapless sequence.
      const { rows: events } = await db.query<{
        sequence: string;
        type: string;
        data: { object: Record<string, unknown>; reason?: string };
      }>(
        `SELECT sequence, type, data FROM events WHERE connection_id = $1 AND sequence > $2
         ORDER BY sequence`,
        [connectionId, sequenceBefore],
      );
      expect(events.map((e) => Number(e.sequence))).toEqual(
        events.map((_, i) => sequenceBefore + 1 + i),
      );
      expect(events[0]).toMatchObject({
        type: 'connection.sync_failed',
        data: { object: { run_id: runId, error: { code: 'worker_lost' } } },
      });
      const count = (type: string): number => events.filter((e) => e.type === type).length;
      expect(count('employee.created')).toBe(1);
      expect(count('employee.deleted')).toBe(1);
      expect(count('employee.updated')).toBeGreaterThanOrEqual(520);
      expect(events.find((e) => e.type === 'employee.created')?.data.object.remote_id).toBe(
        String(hired.id),
      );

      // The data is the sandbox's.
      const { rows: live } = await db.query<{ remote_id: string; title: string | null }>(
        `SELECT e.remote_id, p.title FROM employees e LEFT JOIN positions p ON p.id = e.position_id
         WHERE e.connection_id = $1 AND e.remote_deleted_at IS NULL`,
        [connectionId],
      );
      expect(live.map((r) => r.remote_id).sort()).toEqual(
        sandbox.state.store
          .employees()
          .map((e) => String(e.id))
          .sort(),
      );
      const titles = new Map(live.map((r) => [r.remote_id, r.title]));
      for (const e of employees.slice(0, 520)) {
        expect([e.id, titles.get(String(e.id))]).toEqual([e.id, `Title ${e.id}`]);
      }

      // What the dead run staged went with it: the run that takes a lost run over clears it.
      const { rows: leftover } = await db.query<{ n: string }>(
        `SELECT count(*) AS n FROM sync_staging WHERE run_id = $1`,
        [runId],
      );
      expect({ run: 'lost', staged: Number(leftover[0]!.n) }).toEqual({ run: 'lost', staged: 0 });
      await stop(second!.process);
    } finally {
      await db.end();
    }
  }, 120_000);

  it('a process killed in the middle of a first sync leaves no row; the next process runs it again', async () => {
    const database = await createMigratedDatabase();
    databases.push(database);
    // More than one COPY batch (500) of employees written before the read stalls.
    const sandbox = await startTestSandbox({ employees: 600, absencesPerEmployee: 1 });
    sandboxes.push(sandbox);
    const stall = sandbox.control.addFault({
      kind: 'latency',
      path: '/v1/company/time-offs',
      delayMs: 5_000,
      times: 1,
    });
    const env = { SYNC_STALE_AFTER_MS: '3000' };
    const [first] = await startProcesses(1, database, sandbox, env);
    const db = new Client({ connectionString: database.url });
    await db.connect();
    const stored = async (connectionId: string): Promise<number> => {
      const { rows } = await db.query<{ n: number }>(
        `SELECT ((SELECT count(*) FROM employees WHERE connection_id = $1)
               + (SELECT count(*) FROM reporting_lines WHERE connection_id = $1)
               + (SELECT count(*) FROM teams WHERE connection_id = $1))::int AS n`,
        [connectionId],
      );
      return rows[0]!.n;
    };
    /** Backends of this database holding an insert lock on employees: an open baseline. */
    const writers = async (): Promise<number> =>
      (await db.query<{ n: number }>(FIRST_SYNC_WRITERS_SQL)).rows[0]!.n;
    try {
      const api = asGateway(first!.url, database);
      const app = await createApplication(api, { name: 'Crash in baseline' });
      const token = await accessToken(api, app);
      const connectionId = await connectThroughLink(api, token, sandbox.credentials[0]!, {
        settings: { personio_api_version: 'v1' },
      });
      const { rows: runs } = await db.query<{ id: string }>(
        `SELECT id FROM sync_runs WHERE connection_id = $1 AND trigger = 'connect'`,
        [connectionId],
      );
      const runId = runs[0]!.id;
      await waitFor(
        'the first sync to stall in the absence read',
        () => Promise.resolve(stall.fired === 1 ? true : undefined),
        30_000,
        50,
      );
      // The employees are in the table, uncommitted: written, locked, invisible.
      expect(await writers()).toBeGreaterThanOrEqual(1);
      expect(await stored(connectionId)).toBe(0);

      first!.process.child.kill('SIGKILL');
      await first!.process.exited;
      expect(first!.process.child.signalCode).toBe('SIGKILL');
      // PostgreSQL sees the connection die and rolls the transaction back.
      await waitFor(
        'the dead transaction to end',
        async () => ((await writers()) === 0 ? true : undefined),
        15_000,
      );
      expect(await stored(connectionId)).toBe(0);

      const [second] = await startProcesses(1, database, sandbox, env, first!.url);
      const rerun = await waitFor(
        'a succeeded first sync after the lost one',
        async () => {
          const { rows } = await db.query<{
            counts: Record<string, { created: number }>;
            worker_id: string;
          }>(
            `SELECT counts, worker_id FROM sync_runs
             WHERE connection_id = $1 AND status = 'succeeded'
               AND queued_at > (SELECT queued_at FROM sync_runs WHERE id = $2)`,
            [connectionId, runId],
          );
          return rows[0];
        },
        60_000,
      );
      expect(rerun.worker_id.split(':')[1]).toBe(String(second!.process.child.pid));
      const { rows: lost } = await db.query<{ status: string; code: string }>(
        `SELECT status, error->>'code' AS code FROM sync_runs WHERE id = $1`,
        [runId],
      );
      expect(lost[0]).toEqual({ status: 'failed', code: 'worker_lost' });

      // Still the first sync: everyone created once, announced as a baseline.
      const people = sandbox.state.store.employees().map((e) => String(e.id));
      expect(rerun.counts.employees?.created).toBe(people.length);
      const { rows: live } = await db.query<{ remote_id: string }>(
        `SELECT remote_id FROM employees WHERE connection_id = $1 AND remote_deleted_at IS NULL`,
        [connectionId],
      );
      expect(live.map((r) => r.remote_id).sort()).toEqual(people.sort());
      const { rows: events } = await db.query<{ type: string; baseline: boolean | null }>(
        `SELECT type, (data->'object'->>'baseline')::boolean AS baseline FROM events
         WHERE connection_id = $1 AND type LIKE 'employee.%' OR
               (connection_id = $1 AND type = 'connection.sync_completed')`,
        [connectionId],
      );
      expect(events).toEqual([{ type: 'connection.sync_completed', baseline: true }]);
      await stop(second!.process);
    } finally {
      await db.end();
    }
  }, 120_000);
});
