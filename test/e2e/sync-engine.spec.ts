import { type RunningSandbox } from '../../connectors/personio/sandbox';
import { accessToken, createApplication, TEST_ADMIN_TOKEN } from '../support/auth';
import { startTestGateway, type TestGateway } from '../support/gateway';
import { startTestSandbox } from '../support/sandbox';
import {
  connectThroughLink,
  eventsAfter,
  lastSequence,
  query,
  runSync,
  waitForLatestRun,
} from '../support/sync';

/**
 * Both ways a first sync stores its records: straight into the tables in one transaction (the
 * default) and through the staging table (a spent or zero SYNC_BASELINE_TRANSACTION_MAX_MS).
 */
describe.each([
  ['baseline written directly', {}, {}],
  ['baseline staged', { SYNC_BASELINE_TRANSACTION_MAX_MS: '0' }, {}],
  // More than one COPY batch (500): the budget runs out right after the first one.
  [
    'baseline moved to staging mid-run',
    { SYNC_BASELINE_TRANSACTION_MAX_MS: '1' },
    { employees: 600 },
  ],
])('sync engine (e2e: sandbox over HTTP, real PostgreSQL), %s', (_name, settings, company) => {
  let sandbox: RunningSandbox;
  let gateway: TestGateway;
  let token: string;
  let connectionId: string;

  beforeAll(async () => {
    sandbox = await startTestSandbox(company);
    gateway = await startTestGateway({
      ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      PERSONIO_BASE_URL: sandbox.url,
      SYNC_TICK_MS: '100',
      ...settings,
    });
    const app = await createApplication(gateway, { name: 'Feedback tool' });
    token = await accessToken(gateway, app);
    connectionId = await connectThroughLink(gateway, token, sandbox.credentials[0]!);
  });
  afterAll(async () => {
    await gateway?.close();
    await sandbox?.close();
  });

  it('runs the first sync right after connecting and stores every employee as a baseline', async () => {
    const run = await waitForLatestRun(gateway, token, connectionId);
    expect(run).toMatchObject({ trigger: 'connect', status: 'succeeded', error: null });
    const stored = await query<{ remote_id: string; email_lower: string | null }>(
      gateway,
      `SELECT remote_id, email_lower FROM employees WHERE connection_id = $1 AND remote_deleted_at IS NULL`,
      [connectionId],
    );
    const source = sandbox.state.store.employees();
    expect(stored.map((r) => r.remote_id).sort()).toEqual(source.map((e) => String(e.id)).sort());
    expect(run.counts.employees?.created).toBe(source.length);
    // A baseline announces no effective dates: the ones already reached are stored as announced.
    const today = new Date().toISOString().slice(0, 10);
    const dates = await query<{
      hire_date: string | null;
      termination_date: string | null;
      started_notified_on: string | null;
      terminated_notified_on: string | null;
    }>(
      gateway,
      `SELECT to_char(hire_date, 'YYYY-MM-DD') AS hire_date,
              to_char(termination_date, 'YYYY-MM-DD') AS termination_date,
              to_char(started_notified_on, 'YYYY-MM-DD') AS started_notified_on,
              to_char(terminated_notified_on, 'YYYY-MM-DD') AS terminated_notified_on
       FROM employees WHERE connection_id = $1`,
      [connectionId],
    );
    const reached = (date: string | null): string | null =>
      date !== null && date <= today ? date : null;
    for (const row of dates) {
      expect(row.started_notified_on).toBe(reached(row.hire_date));
      expect(row.terminated_notified_on).toBe(reached(row.termination_date));
    }
    expect(dates.some((row) => row.started_notified_on !== null)).toBe(true);
    // Settled as inserted, not updated afterwards: in the baseline's one transaction, every
    // employee row version was written by a command before the reporting lines' insert (an
    // UPDATE after the inserts would have written new versions with a later command id).
    const [versions] = await query<{ transactions: number; employees: number; lines: number }>(
      gateway,
      `SELECT (SELECT count(DISTINCT xmin::text)::int FROM employees WHERE connection_id = $1) AS transactions,
              (SELECT max(cmin::text::int) FROM employees WHERE connection_id = $1) AS employees,
              (SELECT min(cmin::text::int) FROM reporting_lines WHERE connection_id = $1) AS lines`,
      [connectionId],
    );
    expect(versions!.transactions).toBe(1);
    expect(versions!.lines).not.toBeNull();
    expect(versions!.employees).toBeLessThan(versions!.lines);
    const events = await eventsAfter(gateway, connectionId, 0);
    expect(events.map((e) => e.type)).toEqual([
      'connection.connected',
      'connection.sync_completed',
    ]);
  });

  it('writes and emits nothing when nothing changed', async () => {
    const before = await lastSequence(gateway, connectionId);
    const [maxBefore] = await query<{ max: Date }>(
      gateway,
      `SELECT max(updated_at) AS max FROM employees WHERE connection_id = $1`,
      [connectionId],
    );
    const run = await runSync(gateway, token, connectionId, { name: 'Ada Admin' });
    expect(run.status).toBe('succeeded');
    expect(run.counts.employees).toMatchObject({ created: 0, updated: 0, deleted: 0 });
    expect(await lastSequence(gateway, connectionId)).toBe(before);
    const [maxAfter] = await query<{ max: Date }>(
      gateway,
      `SELECT max(updated_at) AS max FROM employees WHERE connection_id = $1`,
      [connectionId],
    );
    expect(maxAfter?.max).toEqual(maxBefore?.max);
  });

  it('turns a hire, an update and a deletion into exactly those events', async () => {
    const before = await lastSequence(gateway, connectionId);
    const hired = sandbox.control.hire({
      first_name: 'Grace',
      last_name: 'Hopper',
      email: 'grace@example.com',
    });
    const someone = sandbox.state.store
      .employees()
      .find((e) => e.id !== hired.id && e.status === 'active')!;
    const oldLastName = someone.lastName;
    sandbox.control.updateEmployee(someone.id, { last_name: 'Changed' });
    const run = await runSync(gateway, token, connectionId);
    expect(run.status).toBe('succeeded');
    const events = await eventsAfter(gateway, connectionId, before);
    const created = events.find((e) => e.type === 'employee.created');
    expect(created?.data.object).toMatchObject({
      remote_id: String(hired.id),
      email: 'grace@example.com',
    });
    const updated = events.find((e) => e.type === 'employee.updated');
    expect(updated?.data.object).toMatchObject({
      remote_id: String(someone.id),
      last_name: 'Changed',
    });
    const previous = updated?.data.previous ?? {};
    expect(previous.last_name).toBe(oldLastName);
    // `previous` holds only fields that changed (display_name follows the name when it is derived).
    for (const [key, value] of Object.entries(previous)) {
      expect(updated?.data.object[key]).not.toEqual(value);
    }
    expect(Object.keys(previous).every((k) => ['last_name', 'display_name'].includes(k))).toBe(
      true,
    );
    const sequences = events.map((e) => e.sequence);
    expect(sequences).toEqual(sequences.map((_, i) => before + 1 + i));

    const beforeDelete = await lastSequence(gateway, connectionId);
    sandbox.control.deleteEmployee(hired.id);
    expect((await runSync(gateway, token, connectionId)).status).toBe('succeeded');
    const afterDelete = await eventsAfter(gateway, connectionId, beforeDelete);
    expect(afterDelete.filter((e) => e.type === 'employee.deleted')).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ reason: 'removed_in_source' }) }),
    ]);
  });
});

describe('sync engine (e2e): a first sync of a company without employees', () => {
  it('succeeds with no employee stored, then the first hire is an employee.created', async () => {
    const sandbox = await startTestSandbox({ employees: 0, absencesPerEmployee: 0 });
    const gateway = await startTestGateway({
      ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      PERSONIO_BASE_URL: sandbox.url,
      SYNC_TICK_MS: '100',
    });
    try {
      const app = await createApplication(gateway, { name: 'Empty company' });
      const token = await accessToken(gateway, app);
      const connectionId = await connectThroughLink(gateway, token, sandbox.credentials[0]!);
      const first = await waitForLatestRun(gateway, token, connectionId);
      expect(first).toMatchObject({ trigger: 'connect', status: 'succeeded', error: null });
      expect(first.counts.employees).toMatchObject({ created: 0, updated: 0, deleted: 0 });

      const hired = sandbox.control.hire({ first_name: 'Ada', last_name: 'Lovelace' });
      const before = await lastSequence(gateway, connectionId);
      const second = await runSync(gateway, token, connectionId);
      expect(second).toMatchObject({ status: 'succeeded' });
      expect(second.counts.employees).toMatchObject({ created: 1 });
      const events = await eventsAfter(gateway, connectionId, before);
      expect(events.map((e) => e.type)).toContain('employee.created');
      expect(events.find((e) => e.type === 'employee.created')?.data.object.remote_id).toBe(
        String(hired.id),
      );
    } finally {
      await gateway.close();
      await sandbox.close();
    }
  });
});
