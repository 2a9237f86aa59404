/**
 * Staging rows outlive their run only until the next scheduler tick: a process that died after
 * its commit but before clearing staging must not leave raw payloads behind for good. Rows of a
 * run still running are never touched.
 */
import { createApplication, accessToken, TEST_ADMIN_TOKEN } from '../support/auth';
import { startTestGateway, type TestGateway } from '../support/gateway';
import { startTestSandbox } from '../support/sandbox';
import { connectThroughLink, query, waitForLatestRun } from '../support/sync';
import type { RunningSandbox } from '../../connectors/personio/sandbox';

describe('staging sweep (e2e)', () => {
  let sandbox: RunningSandbox;
  let gateway: TestGateway;

  beforeAll(async () => {
    sandbox = await startTestSandbox({ employees: 5 });
    gateway = await startTestGateway({
      ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      PERSONIO_BASE_URL: sandbox.url,
      SYNC_TICK_MS: '100',
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await sandbox?.close();
  });

  /** Stages rows for a run in one statement (the sweep runs every 100 ms); returns how many. */
  const stage = async (runId: string, remoteIds: string[]): Promise<number> =>
    (
      await query(
        gateway,
        `INSERT INTO sync_staging (run_id, resource, remote_id, id, hash, data, remote_data, columns)
         SELECT $1, 'employees', r, gen_random_uuid(), 'h', '{}', '{"iban": "DE00 left behind"}', '{}'
         FROM unnest($2::text[]) AS r
         RETURNING remote_id`,
        [runId, remoteIds],
      )
    ).length;
  const stagedFor = async (runId: string): Promise<number> =>
    (
      await query<{ n: number }>(
        gateway,
        `SELECT count(*)::int AS n FROM sync_staging WHERE run_id = $1`,
        [runId],
      )
    )[0]!.n;

  it('deletes what finished runs left in staging, and keeps a running run’s rows', async () => {
    const app = await createApplication(gateway, { name: 'Sweep' });
    const token = await accessToken(gateway, app);
    const connectionId = await connectThroughLink(gateway, token, sandbox.credentials[0]!);
    const finished = await waitForLatestRun(gateway, token, connectionId);
    expect(finished.status).toBe('succeeded');

    // A run of the connection that is running right now (its heartbeat never goes stale here).
    const [running] = await query<{ id: string }>(
      gateway,
      `INSERT INTO sync_runs (application_id, connection_id, trigger, status, started_at, heartbeat_at, progress)
       VALUES ($1, $2, 'manual', 'running', now(), now() + interval '1 hour', '{}')
       RETURNING id`,
      [app.id, connectionId],
    );

    expect(await stage(running!.id, ['7', '8'])).toBe(2);
    expect(await stage(finished.id, ['1', '2', '3'])).toBe(3);

    const deadline = Date.now() + 10_000;
    while ((await stagedFor(finished.id)) > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await stagedFor(finished.id)).toBe(0);
    expect(await stagedFor(running!.id)).toBe(2);

    await query(
      gateway,
      `UPDATE sync_runs SET status = 'failed', finished_at = now() WHERE id = $1`,
      [running!.id],
    );
  });
});
