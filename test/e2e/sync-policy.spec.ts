/**
 * Sync policy through the real API, against the Personio sandbox over HTTP and a real
 * PostgreSQL: the mass-deletion guard and its confirmation, the failure policy (three failures
 * pause, refused credentials pause at once, resume and reconnect), the sync-runs API, settings
 * validation and the dry-run connection test. Each describe block has its own sandbox and
 * gateway, so faults and revoked credentials of one cannot leak into another.
 */
import request from 'supertest';
import { RESTRICTED_ATTRIBUTES, type RunningSandbox } from '../../connectors/personio/sandbox';
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
import {
  connectThroughLink,
  eventsAfter,
  getRun,
  lastSequence,
  query,
  runSync,
  waitForLatestRun,
  waitForRun,
  type RunView,
} from '../support/sync';

interface Harness {
  sandbox: RunningSandbox;
  gateway: TestGateway;
  app: TestApplication;
  token: string;
}

async function startHarness(employees: number): Promise<Harness> {
  const sandbox = await startTestSandbox({ employees });
  const gateway = await startTestGateway({
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    PERSONIO_BASE_URL: sandbox.url,
    SYNC_TICK_MS: '100',
  });
  const app = await createApplication(gateway, { name: 'Policy app' });
  const token = await accessToken(gateway, app);
  return { sandbox, gateway, app, token };
}

async function stopHarness(h: Harness | undefined): Promise<void> {
  await h?.gateway.close();
  await h?.sandbox.close();
}

/** Connects through a real link and waits for the first (baseline) run to succeed. */
async function connectWithBaseline(
  h: Harness,
  credentials: { clientId: string; clientSecret: string },
  body: Record<string, unknown> = {},
): Promise<string> {
  const id = await connectThroughLink(h.gateway, h.token, credentials, body);
  const run = await waitForLatestRun(h.gateway, h.token, id);
  expect(run).toMatchObject({ trigger: 'connect', status: 'succeeded', error: null });
  return id;
}

interface EmployeeRow {
  id: string;
  remote_id: string;
  hash: string;
  updated_at: Date;
  remote_deleted_at: Date | null;
  deletion_reason: string | null;
}

/** Every stored employee row of a connection, deleted ones included, in a stable order. */
function employeeRows(h: Harness, connectionId: string): Promise<EmployeeRow[]> {
  return query<EmployeeRow>(
    h.gateway,
    `SELECT id, remote_id, hash, updated_at, remote_deleted_at, deletion_reason
     FROM employees WHERE connection_id = $1 ORDER BY remote_id`,
    [connectionId],
  );
}

const UNIFIED_TABLES = [
  'employees',
  'teams',
  'positions',
  'reporting_lines',
  'absences',
  'absence_types',
] as const;

/**
 * What a connection has stored, table by table: rows, live rows, and a digest over every row's
 * remote id, hash, update time and deletion. Equal fingerprints mean nothing was written.
 */
async function storedFingerprint(h: Harness, connectionId: string): Promise<unknown[]> {
  const result: unknown[] = [];
  for (const table of UNIFIED_TABLES) {
    const [row] = await query<{ rows: number; live: number; digest: string | null }>(
      h.gateway,
      `SELECT count(*)::int AS rows, count(*) FILTER (WHERE remote_deleted_at IS NULL)::int AS live,
         md5(string_agg(concat_ws('|', id, remote_id, hash, updated_at, remote_deleted_at,
           deletion_reason), ',' ORDER BY remote_id)) AS digest
       FROM ${table} WHERE connection_id = $1`,
      [connectionId],
    );
    result.push({ table, ...row });
  }
  return result;
}

async function liveRemoteIds(h: Harness, connectionId: string): Promise<string[]> {
  const rows = await employeeRows(h, connectionId);
  return rows.filter((r) => r.remote_deleted_at === null).map((r) => r.remote_id);
}

async function getConnection(
  h: Harness,
  connectionId: string,
  token = h.token,
): Promise<Record<string, unknown>> {
  const res = await request(h.gateway.url)
    .get(`/v1/connections/${connectionId}`)
    .set('Authorization', `Bearer ${token}`)
    .expect(200);
  expectContract(res);
  return res.body as Record<string, unknown>;
}

function patchConnection(
  h: Harness,
  connectionId: string,
  body: Record<string, unknown>,
): Promise<request.Response> {
  return request(h.gateway.url)
    .patch(`/v1/connections/${connectionId}`)
    .set('Authorization', `Bearer ${h.token}`)
    .send(body);
}

async function setSettings(
  h: Harness,
  connectionId: string,
  settings: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const res = await patchConnection(h, connectionId, { settings });
  expectContract(res);
  expect(res.status).toBe(200);
  return res.body as Record<string, unknown>;
}

function postRun(
  h: Harness,
  body: Record<string, unknown>,
  token = h.token,
): Promise<request.Response> {
  return request(h.gateway.url)
    .post('/v1/sync-runs')
    .set('Authorization', `Bearer ${token}`)
    .send(body);
}

function confirm(h: Harness, runId: string, body: Record<string, unknown> = {}) {
  return request(h.gateway.url)
    .post(`/v1/sync-runs/${runId}/confirm`)
    .set('Authorization', `Bearer ${h.token}`)
    .send(body);
}

/** A 400 problem+json; answers the fields it names. */
function validationFields(res: request.Response): string[] {
  expectContract(res);
  expect(res.status).toBe(400);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body.code).toBe('validation_failed');
  const errors = res.body.errors as Array<{ field: string; message: string }>;
  expect(errors.length).toBeGreaterThan(0);
  for (const e of errors) expect(e.message.length).toBeGreaterThan(0);
  return errors.map((e) => e.field);
}

function expectConflict(res: request.Response): void {
  expectContract(res);
  expect(res.status).toBe(409);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body.code).toBe('conflict');
}

/** Polls until `check` answers a value (bounded). */
async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function listRuns(
  h: Harness,
  params: Record<string, string | number>,
  token = h.token,
): Promise<{ data: RunView[]; next_cursor: string | null }> {
  const res = await request(h.gateway.url)
    .get('/v1/sync-runs')
    .query(params)
    .set('Authorization', `Bearer ${token}`);
  expectContract(res);
  expect(res.status).toBe(200);
  return res.body as { data: RunView[]; next_cursor: string | null };
}

const ALLEO = { attribute: 'Alleo', equals: ['Yes'] };

describe('mass-deletion guard (e2e)', () => {
  let h: Harness;
  let alleoKey: string;
  /** Employees whose "Alleo" is "No": the 40% a rule on "Yes" hides. */
  let hidden: string[];

  beforeAll(async () => {
    h = await startHarness(50);
    alleoKey = h.sandbox.company.customAttributes.find((a) => a.label === 'Alleo')!.key;
    // 30 of 50 "Yes", 20 "No": a rule on "Yes" later hides exactly 40% of people.
    const people = [...h.sandbox.state.store.employees()].sort((a, b) => a.id - b.id);
    expect(people).toHaveLength(50);
    people.forEach((e, i) =>
      h.sandbox.control.updateEmployee(e.id, { [alleoKey]: i < 30 ? 'Yes' : 'No' }),
    );
    hidden = people.slice(30).map((e) => String(e.id));
  });
  afterAll(() => stopHarness(h));

  it('holds a run that would delete 40%, writes nothing, and confirming applies the deletions', async () => {
    const id = await connectWithBaseline(h, h.sandbox.credentials[0]!);
    expect(await liveRemoteIds(h, id)).toHaveLength(50);
    const rowsBefore = await employeeRows(h, id);
    const storedBefore = await storedFingerprint(h, id);
    const [connectionBefore] = await query<{ last_synced_at: Date }>(
      h.gateway,
      `SELECT last_synced_at FROM connections WHERE id = $1`,
      [id],
    );

    // The scope suddenly hides 20 of 50 people.
    await setSettings(h, id, { scope: { attribute_rule: ALLEO } });
    const seq0 = await lastSequence(h.gateway, id);
    const held = await runSync(h.gateway, h.token, id);
    const guard = { resource: 'employees', live: 50, deleting: 20, share: 0.4, threshold: 0.3 };
    expect(held).toMatchObject({
      status: 'needs_confirmation',
      error: null,
      deletion_guard: guard,
      confirmed_at: null,
      follow_up_run_id: null,
    });
    // Nothing written: no data, no employee events, exactly one needs_confirmation event.
    expect(await employeeRows(h, id)).toEqual(rowsBefore);
    expect(await storedFingerprint(h, id)).toEqual(storedBefore);
    const heldEvents = await eventsAfter(h.gateway, id, seq0);
    expect(heldEvents.map((e) => e.type)).toEqual(['sync_run.needs_confirmation']);
    expect(heldEvents[0]!.data).toEqual({
      object: { id: held.id, connection_id: id, deletion_guard: guard },
    });
    const [connectionAfter] = await query<{ last_synced_at: Date }>(
      h.gateway,
      `SELECT last_synced_at FROM connections WHERE id = $1`,
      [id],
    );
    expect(connectionAfter?.last_synced_at).toEqual(connectionBefore?.last_synced_at);
    expect(await getConnection(h, id)).toMatchObject({
      status: 'connected',
      consecutive_failures: 0,
    });

    // One of the hidden people is also deleted in Personio: still 20 of 50, held again.
    const removed = hidden[0]!;
    h.sandbox.control.deleteEmployee(Number(removed));
    const seq1 = await lastSequence(h.gateway, id);
    const heldAgain = await runSync(h.gateway, h.token, id);
    expect(heldAgain).toMatchObject({ status: 'needs_confirmation', deletion_guard: guard });
    expect(heldAgain.id).not.toBe(held.id);
    expect(await employeeRows(h, id)).toEqual(rowsBefore);
    expect(await storedFingerprint(h, id)).toEqual(storedBefore);
    expect((await eventsAfter(h.gateway, id, seq1)).map((e) => e.type)).toEqual([
      'sync_run.needs_confirmation',
    ]);

    // The older held run was superseded by the later one.
    expectConflict(await confirm(h, held.id));

    const seq2 = await lastSequence(h.gateway, id);
    const actor = { name: 'Ada Admin', email: 'ada@example.com' };
    const res = await confirm(h, heldAgain.id, { actor });
    expectContract(res);
    expect(res.status).toBe(202);
    const followUp = res.body as RunView;
    expect(followUp).toMatchObject({
      connection_id: id,
      trigger: 'manual',
      actor,
      confirms_run_id: heldAgain.id,
    });
    expect(followUp.id).not.toBe(heldAgain.id);
    const applied = await waitForRun(h.gateway, h.token, followUp.id);
    expect(applied).toMatchObject({ status: 'succeeded', error: null, deletion_guard: null });
    expect(applied.counts.employees).toMatchObject({ created: 0, updated: 0, deleted: 20 });
    expect(await getRun(h.gateway, h.token, heldAgain.id)).toMatchObject({
      status: 'needs_confirmation',
      follow_up_run_id: followUp.id,
      confirmed_at: expect.any(String),
    });

    const deleted = (await eventsAfter(h.gateway, id, seq2)).filter(
      (e) => e.type === 'employee.deleted',
    );
    const reasons = Object.fromEntries(
      deleted.map((e) => [String(e.data.object.remote_id), e.data.reason]),
    );
    expect(Object.keys(reasons).sort()).toEqual([...hidden].sort());
    for (const remoteId of hidden) {
      expect(reasons[remoteId]).toBe(remoteId === removed ? 'removed_in_source' : 'left_scope');
    }
    const rowsAfter = await employeeRows(h, id);
    expect(rowsAfter.map((r) => r.id)).toEqual(rowsBefore.map((r) => r.id));
    for (const row of rowsAfter) {
      const isHidden = hidden.includes(row.remote_id);
      expect(row.remote_deleted_at === null).toBe(!isHidden);
      expect(row.deletion_reason).toBe(
        !isHidden ? null : row.remote_id === removed ? 'removed_in_source' : 'left_scope',
      );
    }

    // Confirming twice, or confirming a run that was never held, is a conflict.
    expectConflict(await confirm(h, heldAgain.id, { actor }));
    expectConflict(await confirm(h, applied.id));
    expect((await listRuns(h, { connection_id: id, status: 'queued' })).data).toEqual([]);
    expect((await listRuns(h, { connection_id: id, status: 'running' })).data).toEqual([]);
  });

  it('lets a 40% deletion through when the connection allows up to 50%', async () => {
    const id = await connectWithBaseline(h, h.sandbox.control.createCredential(), {
      settings: { deletion_threshold: 0.5 },
    });
    const live = await liveRemoteIds(h, id);
    const inScope = h.sandbox.state.store
      .employees()
      .filter((e) => e.custom[alleoKey] === 'Yes')
      .map((e) => String(e.id));
    const leaving = live.filter((r) => !inScope.includes(r));
    const share = leaving.length / live.length;
    expect(share).toBeGreaterThan(0.3);
    expect(share).toBeLessThanOrEqual(0.5);

    await setSettings(h, id, { deletion_threshold: 0.5, scope: { attribute_rule: ALLEO } });
    const seq = await lastSequence(h.gateway, id);
    const run = await runSync(h.gateway, h.token, id);
    expect(run).toMatchObject({ status: 'succeeded', deletion_guard: null });
    expect(run.counts.employees?.deleted).toBe(leaving.length);
    const events = await eventsAfter(h.gateway, id, seq);
    expect(events.some((e) => e.type === 'sync_run.needs_confirmation')).toBe(false);
    expect(
      events
        .filter((e) => e.type === 'employee.deleted')
        .map((e) => String(e.data.object.remote_id))
        .sort(),
    ).toEqual([...leaving].sort());
    expect((await liveRemoteIds(h, id)).sort()).toEqual([...inScope].sort());
  });

  it('holds a run when the credentials stop showing the scope attribute, and lets the next healthy run pass', async () => {
    const credential = h.sandbox.control.createCredential();
    const id = await connectWithBaseline(h, credential, {
      settings: { scope: { attribute_rule: ALLEO } },
    });
    const rowsBefore = await employeeRows(h, id);
    const storedBefore = await storedFingerprint(h, id);
    const live = rowsBefore.filter((r) => r.remote_deleted_at === null).length;
    expect(live).toBeGreaterThan(0);

    // The whitelist no longer includes "Alleo": nobody looks in scope any more.
    h.sandbox.control.setReadableAttributes(credential.clientId, [...RESTRICTED_ATTRIBUTES]);
    const seq = await lastSequence(h.gateway, id);
    const held = await runSync(h.gateway, h.token, id);
    expect(held).toMatchObject({
      status: 'needs_confirmation',
      deletion_guard: { resource: 'employees', live, deleting: live, share: 1, threshold: 0.3 },
    });
    expect(await employeeRows(h, id)).toEqual(rowsBefore);
    expect(await storedFingerprint(h, id)).toEqual(storedBefore);
    expect((await eventsAfter(h.gateway, id, seq)).map((e) => e.type)).toEqual([
      'sync_run.needs_confirmation',
    ]);

    // Access restored: the next run is within the threshold, changes nothing, emits nothing.
    h.sandbox.control.setReadableAttributes(credential.clientId, null);
    const seq2 = await lastSequence(h.gateway, id);
    const next = await runSync(h.gateway, h.token, id);
    expect(next).toMatchObject({ status: 'succeeded', deletion_guard: null });
    expect(next.counts.employees).toMatchObject({ created: 0, updated: 0, deleted: 0 });
    expect(await eventsAfter(h.gateway, id, seq2)).toEqual([]);
    expect(await employeeRows(h, id)).toEqual(rowsBefore);
    expect(await storedFingerprint(h, id)).toEqual(storedBefore);
  });
});

/** Personio fails every employee read (v1 and v2 paths) until the faults are cleared. */
function failEmployeeReads(sandbox: RunningSandbox, status: number): void {
  sandbox.control.clearFaults();
  for (const path of ['/v1/company/employees*', '/v2/persons*']) {
    sandbox.control.addFault({ kind: 'status', status, times: 0, path });
  }
}

describe('failure policy (e2e)', () => {
  let h: Harness;
  let id: string;
  /** A healthy connection beside the failing one: proves the scheduler ticked. */
  let witness: string;
  let hired: number;
  let rowsBefore: EmployeeRow[];
  let storedBefore: unknown[];
  let lastFailed: RunView;

  beforeAll(async () => {
    h = await startHarness(30);
    id = await connectWithBaseline(h, h.sandbox.credentials[0]!);
    witness = await connectWithBaseline(h, h.sandbox.control.createCredential());
  });
  afterAll(() => stopHarness(h));

  it('fails a run when Personio keeps failing, writes nothing and emits connection.sync_failed', async () => {
    // A hire waits in Personio: a run that wrote anything would store it.
    hired = h.sandbox.control.hire({ first_name: 'Failing', last_name: 'Read' }).id;
    rowsBefore = await employeeRows(h, id);
    storedBefore = await storedFingerprint(h, id);
    failEmployeeReads(h.sandbox, 500);
    const seq = await lastSequence(h.gateway, id);
    const queued = await postRun(h, { connection_id: id });
    expectContract(queued);
    expect(queued.status).toBe(202);
    // The connector retries a 5xx five times with backoff before it gives up: 5 to 31 s of
    // waiting (1 s floor, ceilings 1, 2, 4, 8 and 16 s with jitter).
    const run = await waitForRun(h.gateway, h.token, (queued.body as RunView).id, 50_000);
    expect(run.status).toBe('failed');
    expect(run.error).toEqual({ code: 'personio_unavailable', message: expect.any(String) });
    expect(run.error!.message).toMatch(/Personio/);
    expect(run.requests).toMatchObject({ retries: expect.any(Number) });
    expect((run.requests as { retries: number }).retries).toBeGreaterThan(0);
    expect(await employeeRows(h, id)).toEqual(rowsBefore);
    expect(await storedFingerprint(h, id)).toEqual(storedBefore);
    const events = await eventsAfter(h.gateway, id, seq);
    expect(events.map((e) => e.type)).toEqual(['connection.sync_failed']);
    expect(events[0]!.data.object).toMatchObject({
      id,
      run_id: run.id,
      error: run.error,
      consecutive_failures: 1,
    });
    expect(await getConnection(h, id)).toMatchObject({
      status: 'connected',
      consecutive_failures: 1,
    });
  }, 60_000);

  it('pauses the connection after three failed runs in a row, with one connection.paused event', async () => {
    // A 400 is final (no retries): the next failures are quick.
    failEmployeeReads(h.sandbox, 400);
    const seq = await lastSequence(h.gateway, id);
    const second = await runSync(h.gateway, h.token, id);
    expect(second).toMatchObject({ status: 'failed', error: { code: 'bad_response' } });
    expect(await getConnection(h, id)).toMatchObject({
      status: 'connected',
      consecutive_failures: 2,
    });
    const third = await runSync(h.gateway, h.token, id);
    expect(third).toMatchObject({ status: 'failed', error: { code: 'bad_response' } });

    const connection = await getConnection(h, id);
    expect(connection).toMatchObject({
      status: 'paused',
      consecutive_failures: 3,
      next_sync_at: null,
    });
    expect(connection.status_reason).toContain('3 failed runs');
    expect(connection.status_reason).toContain(third.error!.message);
    const events = await eventsAfter(h.gateway, id, seq);
    expect(events.map((e) => e.type)).toEqual([
      'connection.sync_failed',
      'connection.sync_failed',
      'connection.paused',
    ]);
    expect(events[2]!.data.object).toMatchObject({
      id,
      status: 'paused',
      reason: 'repeated_failures',
      last_error: third.error,
    });

    // A person may still try a run on a paused connection; failing again pauses nothing twice.
    const seq2 = await lastSequence(h.gateway, id);
    lastFailed = await runSync(h.gateway, h.token, id);
    expect(lastFailed.status).toBe('failed');
    expect((await eventsAfter(h.gateway, id, seq2)).map((e) => e.type)).toEqual([
      'connection.sync_failed',
    ]);
    expect(await getConnection(h, id)).toMatchObject({ status: 'paused' });
    expect(await employeeRows(h, id)).toEqual(rowsBefore);
    expect(await storedFingerprint(h, id)).toEqual(storedBefore);
  });

  it('queues no scheduled run for a paused connection', async () => {
    h.sandbox.control.clearFaults();
    // Both are overdue, the paused one first; the scheduler claims due connections in one batch.
    await query(
      h.gateway,
      `UPDATE connections SET next_sync_at = now() - make_interval(mins => $2) WHERE id = $1`,
      [id, 2],
    );
    await query(
      h.gateway,
      `UPDATE connections SET next_sync_at = now() - make_interval(mins => $2) WHERE id = $1`,
      [witness, 1],
    );
    const witnessRun = await waitFor('the witness connection to get a scheduled run', async () => {
      const page = await listRuns(h, { connection_id: witness, trigger: 'schedule' });
      return page.data[0];
    });
    expect((await waitForRun(h.gateway, h.token, witnessRun.id)).status).toBe('succeeded');
    expect((await listRuns(h, { connection_id: id, trigger: 'schedule' })).data).toEqual([]);
    expect(await getConnection(h, id)).toMatchObject({ status: 'paused', next_sync_at: null });
  });

  it('resumes on PATCH status connected, and a healthy run succeeds with connection.sync_completed', async () => {
    const seq = await lastSequence(h.gateway, id);
    const res = await patchConnection(h, id, { status: 'connected' });
    expectContract(res);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'connected',
      status_reason: null,
      consecutive_failures: 0,
    });
    // Resuming makes the connection due now: the scheduler queues a run, which a manual request
    // joins (200) or, when that one already ended, follows (202).
    const started = await postRun(h, { connection_id: id });
    expectContract(started);
    expect([200, 202]).toContain(started.status);
    const run = await waitForRun(h.gateway, h.token, (started.body as RunView).id);
    expect(run).toMatchObject({ status: 'succeeded', error: null });
    const since = (await listRuns(h, { connection_id: id, since: lastFailed.queued_at as string }))
      .data;
    const healthy = since.filter((r) => r.id !== lastFailed.id);
    expect(healthy.map((r) => r.id)).toContain(run.id);
    for (const r of healthy) expect(r.status).toBe('succeeded');
    expect(healthy.reduce((n, r) => n + (r.counts.employees?.created ?? 0), 0)).toBe(1);
    expect(healthy.reduce((n, r) => n + (r.counts.employees?.deleted ?? 0), 0)).toBe(0);
    expect(await liveRemoteIds(h, id)).toContain(String(hired));
    expect(await getConnection(h, id)).toMatchObject({
      status: 'connected',
      consecutive_failures: 0,
    });
    const types = (await eventsAfter(h.gateway, id, seq)).map((e) => e.type);
    expect(types[0]).toBe('connection.resumed');
    expect(types.filter((t) => t === 'employee.created')).toHaveLength(1);
    expect(types.at(-1)).toBe('connection.sync_completed');
    expect(types.filter((t) => t === 'connection.sync_completed')).toHaveLength(1);
    expect(types).not.toContain('connection.sync_failed');
  });
});

describe('refused credentials (e2e)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness(30);
  });
  afterAll(() => stopHarness(h));

  it('marks the connection invalid_credentials at once, refuses runs, and a new link brings it back without losing data', async () => {
    const credential = h.sandbox.control.createCredential();
    const id = await connectWithBaseline(h, credential);
    const rowsBefore = await employeeRows(h, id);
    const storedBefore = await storedFingerprint(h, id);
    expect(rowsBefore.length).toBe(30);

    h.sandbox.control.revokeCredential(credential.clientId);
    const seq = await lastSequence(h.gateway, id);
    const failed = await runSync(h.gateway, h.token, id);
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'credentials_refused' } });
    expect(failed.error!.message).toMatch(/connect link/);
    expect(await employeeRows(h, id)).toEqual(rowsBefore);
    expect(await storedFingerprint(h, id)).toEqual(storedBefore);
    const connection = await getConnection(h, id);
    expect(connection).toMatchObject({
      status: 'invalid_credentials',
      status_reason: failed.error!.message,
      consecutive_failures: 1,
      next_sync_at: null,
    });
    const events = await eventsAfter(h.gateway, id, seq);
    expect(events.map((e) => e.type)).toEqual(['connection.sync_failed', 'connection.paused']);
    expect(events[1]!.data.object).toMatchObject({
      id,
      status: 'invalid_credentials',
      reason: 'credentials_refused',
    });

    // Neither a manual run nor a resume can help: only new credentials can.
    const refused = await postRun(h, { connection_id: id });
    expectConflict(refused);
    expectConflict(await patchConnection(h, id, { status: 'connected' }));
    expect((await listRuns(h, { connection_id: id, status: 'queued' })).data).toEqual([]);

    // Meanwhile someone changes in Personio; the reconnect run must pick it up as an update.
    const someone = rowsBefore[0]!.remote_id;
    h.sandbox.control.updateEmployee(Number(someone), { last_name: 'Reconnected' });

    const fresh = h.sandbox.control.createCredential();
    const link = await createConnectSession(h.gateway, h.token, { connection_id: id });
    expect(link.connection_id).toBe(id);
    const form = await openLink(link.url);
    const page = await submitLink(link.url, form, fresh);
    expect(page.status).toBe(200);
    expect(page.text).toContain('connected');
    const since = failed.queued_at as string;
    const reconnectRun = await waitFor('the run the reconnect queued', async () => {
      const [run] = (await listRuns(h, { connection_id: id, trigger: 'connect', since })).data;
      return run && ['succeeded', 'failed', 'needs_confirmation'].includes(run.status)
        ? run
        : undefined;
    });
    expect(reconnectRun).toMatchObject({ status: 'succeeded', error: null });
    expect(reconnectRun.counts.employees).toMatchObject({ created: 0, updated: 1, deleted: 0 });
    expect(await getConnection(h, id)).toMatchObject({
      status: 'connected',
      status_reason: null,
      consecutive_failures: 0,
    });

    // Same gateway ids, nothing deleted, only the one person changed.
    const rowsAfter = await employeeRows(h, id);
    expect(rowsAfter.map((r) => [r.id, r.remote_id, r.remote_deleted_at])).toEqual(
      rowsBefore.map((r) => [r.id, r.remote_id, null]),
    );
    for (const [i, row] of rowsAfter.entries()) {
      if (row.remote_id === someone) expect(row.hash).not.toBe(rowsBefore[i]!.hash);
      else expect(row).toEqual(rowsBefore[i]);
    }
    const after = await eventsAfter(h.gateway, id, seq + events.length);
    expect(after.map((e) => e.type)).toEqual([
      'connection.connected',
      'employee.updated',
      'connection.sync_completed',
    ]);
    expect(after[1]!.data.object).toMatchObject({
      id: rowsBefore[0]!.id,
      remote_id: someone,
      last_name: 'Reconnected',
    });

    // And manual runs work again.
    expect((await runSync(h.gateway, h.token, id)).status).toBe('succeeded');
  });
});

describe('sync-runs API (e2e)', () => {
  let h: Harness;
  let x: string;
  let y: string;
  const actor = { name: 'Grace Operator', email: 'grace@example.com' };

  beforeAll(async () => {
    h = await startHarness(30);
    x = await connectWithBaseline(h, h.sandbox.credentials[0]!);
    y = await connectWithBaseline(h, h.sandbox.control.createCredential());
  });
  afterAll(() => stopHarness(h));

  it('deduplicates a second request while a run is pending and keeps the actor', async () => {
    // Every Personio answer is slow until the second request is in: the first run cannot
    // finish before it arrives, so it is still queued or running then.
    h.sandbox.control.addFault({ kind: 'latency', delayMs: 1_500, times: 0 });
    const first = await postRun(h, { connection_id: x, actor });
    const second = await postRun(h, {
      connection_id: x,
      actor: { name: 'Someone Else', email: 'else@example.com' },
    });
    h.sandbox.control.clearFaults();
    expectContract(first);
    expectContract(second);
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ connection_id: x, trigger: 'manual', actor });
    expect(['queued', 'running']).toContain(first.body.status);
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ id: first.body.id, actor });

    const run = await waitForRun(h.gateway, h.token, first.body.id as string);
    expect(run).toMatchObject({ status: 'succeeded', trigger: 'manual', actor, error: null });
    expect(run.counts.employees).toEqual({ created: 0, updated: 0, deleted: 0, unchanged: 30 });
    for (const resource of ['teams', 'positions', 'absences']) {
      expect(run.counts[resource]).toEqual({
        created: expect.any(Number),
        updated: expect.any(Number),
        deleted: expect.any(Number),
        unchanged: expect.any(Number),
      });
    }
    const requests = run.requests as { made: number; retries: number };
    expect(requests.made).toBeGreaterThan(0);
    expect(requests.retries).toBe(0);
    const started = Date.parse(run.started_at as string);
    const finished = Date.parse(run.finished_at as string);
    expect(run.duration_ms).toBe(finished - started);
    expect(finished).toBeGreaterThanOrEqual(started);
    const runs = await listRuns(h, { connection_id: x, trigger: 'manual' });
    expect(runs.data.map((r) => r.id)).toEqual([first.body.id]);
  });

  it('filters by connection, status, trigger and time, and pages with a cursor', async () => {
    failEmployeeReads(h.sandbox, 400);
    const failed = await runSync(h.gateway, h.token, x);
    h.sandbox.control.clearFaults();
    expect(failed.status).toBe('failed');

    const ofX = (await listRuns(h, { connection_id: x })).data;
    expect(ofX.map((r) => [r.trigger, r.status])).toEqual([
      ['manual', 'failed'],
      ['manual', 'succeeded'],
      ['connect', 'succeeded'],
    ]);
    expect(ofX.every((r) => r.connection_id === x)).toBe(true);
    const [, manual, connectX] = ofX;

    const all = (await listRuns(h, {})).data;
    expect(all).toHaveLength(4);
    expect((await listRuns(h, { status: 'failed' })).data.map((r) => r.id)).toEqual([failed.id]);
    const connects = (await listRuns(h, { trigger: 'connect' })).data;
    expect(connects.map((r) => r.connection_id).sort()).toEqual([x, y].sort());
    expect(
      (await listRuns(h, { connection_id: y, status: 'succeeded', trigger: 'connect' })).data,
    ).toHaveLength(1);
    expect(
      (await listRuns(h, { connection_id: x, since: manual!.queued_at as string })).data.map(
        (r) => r.id,
      ),
    ).toEqual([failed.id, manual!.id]);
    expect(
      (await listRuns(h, { connection_id: x, until: manual!.queued_at as string })).data.map(
        (r) => r.id,
      ),
    ).toEqual([connectX!.id]);
    expect(
      (
        await listRuns(h, {
          since: manual!.queued_at as string,
          until: failed.queued_at as string,
        })
      ).data.map((r) => r.id),
    ).toEqual([manual!.id]);

    const paged: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 10; i += 1) {
      const page = await listRuns(h, {
        connection_id: x,
        limit: 1,
        ...(cursor ? { cursor } : {}),
      });
      expect(page.data.length).toBeLessThanOrEqual(1);
      paged.push(...page.data.map((r) => r.id));
      cursor = page.next_cursor;
      if (!cursor) break;
    }
    expect(cursor).toBeNull();
    expect(paged).toEqual(ofX.map((r) => r.id));
  });

  it("keeps a connection-bound token to its connection's runs and hides runs from other applications", async () => {
    const ofX = (await listRuns(h, { connection_id: x })).data.map((r) => r.id);
    const ofY = (await listRuns(h, { connection_id: y })).data.map((r) => r.id);
    expect(ofY.length).toBeGreaterThan(0);

    const bound = await accessToken(h.gateway, h.app, { connectionId: x });
    expect((await listRuns(h, {}, bound)).data.map((r) => r.id)).toEqual(ofX);
    expect((await listRuns(h, { connection_id: y }, bound)).data).toEqual([]);
    const own = await request(h.gateway.url)
      .get(`/v1/sync-runs/${ofX[0]}`)
      .set('Authorization', `Bearer ${bound}`);
    expectContract(own);
    expect(own.status).toBe(200);
    const foreign = await request(h.gateway.url)
      .get(`/v1/sync-runs/${ofY[0]}`)
      .set('Authorization', `Bearer ${bound}`);
    expectContract(foreign);
    expect(foreign.status).toBe(404);
    const queueForeign = await postRun(h, { connection_id: y }, bound);
    expectContract(queueForeign);
    expect(queueForeign.status).toBe(404);

    const other = await createApplication(h.gateway, { name: 'Another app' });
    const otherToken = await accessToken(h.gateway, other);
    for (const runId of [ofX[0], ofY[0]]) {
      const res = await request(h.gateway.url)
        .get(`/v1/sync-runs/${runId}`)
        .set('Authorization', `Bearer ${otherToken}`);
      expectContract(res);
      expect(res.status).toBe(404);
      const confirmRes = await request(h.gateway.url)
        .post(`/v1/sync-runs/${runId}/confirm`)
        .set('Authorization', `Bearer ${otherToken}`)
        .send({});
      expectContract(confirmRes);
      expect(confirmRes.status).toBe(404);
    }
    expect((await listRuns(h, {}, otherToken)).data).toEqual([]);
    expect((await listRuns(h, { connection_id: x }, otherToken)).data).toEqual([]);
    const queueOther = await postRun(h, { connection_id: x }, otherToken);
    expectContract(queueOther);
    expect(queueOther.status).toBe(404);
    expect((await listRuns(h, { connection_id: x })).data.map((r) => r.id)).toEqual(ofX);
  });

  it.each([
    [{ status: 'bogus' }, 'status'],
    [{ trigger: 'cron' }, 'trigger'],
    [{ limit: 0 }, 'limit'],
    [{ limit: 501 }, 'limit'],
    [{ since: 'notadate' }, 'since'],
    [{ until: 'yesterday' }, 'until'],
    [{ connection_id: 'not-a-uuid' }, 'connection_id'],
  ])('answers 400 naming the field for %j', async (params, field) => {
    const res = await request(h.gateway.url)
      .get('/v1/sync-runs')
      .query(params)
      .set('Authorization', `Bearer ${h.token}`);
    expect(validationFields(res)).toEqual([field]);
    expect(res.body.errors[0].in).toBe('query');
  });
});

describe('settings validation and the connection test (e2e)', () => {
  let h: Harness;
  let id: string;
  let credential: { clientId: string; clientSecret: string };

  beforeAll(async () => {
    h = await startHarness(40);
    credential = h.sandbox.control.createCredential();
    id = await connectWithBaseline(h, credential);
  });
  afterAll(() => stopHarness(h));

  it.each([
    [{ schedule: 'PT1M' }, 'settings.schedule', /5 minutes/],
    [{ schedule: 'every hour' }, 'settings.schedule', /cron/],
    [{ schedule: '0 4 * *' }, 'settings.schedule', /five-field cron/],
    [{ resources: ['absences'] }, 'settings.resources', /employees/],
    [{ deletion_threshold: 2 }, 'settings.deletion_threshold', /./],
    [{ absences: { days_back: -1 } }, 'settings.absences.days_back', /./],
  ])('refuses settings %j with a 400 naming %s', async (settings, field, message) => {
    const before = await getConnection(h, id);
    const res = await patchConnection(h, id, { settings });
    expect(validationFields(res)).toEqual([field]);
    expect(res.body.errors[0].message).toMatch(message);
    expect(res.body.errors[0].in).toBe('body');
    const after = await getConnection(h, id);
    expect(after.settings).toEqual(before.settings);
    expect(after.next_sync_at).toEqual(before.next_sync_at);
  });

  it('accepts a five-field cron and schedules the next run at the next 04:00 UTC', async () => {
    const from = new Date();
    const body = await setSettings(h, id, { schedule: '0 4 * * *' });
    const to = new Date();
    const next4 = (at: Date): string => {
      const d = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate(), 4));
      if (d.getTime() <= at.getTime()) d.setUTCDate(d.getUTCDate() + 1);
      return d.toISOString();
    };
    expect(body.settings).toEqual({ schedule: '0 4 * * *' });
    expect([next4(from), next4(to)]).toContain(body.next_sync_at);
    expect(await getConnection(h, id)).toMatchObject({
      settings: { schedule: '0 4 * * *' },
      next_sync_at: body.next_sync_at,
    });
  });

  it('previews a pending scope change and changes in Personio without writing anything', async () => {
    const people = h.sandbox.state.store.employees();
    const leaving = people.filter((e) => e.status !== 'active').map((e) => String(e.id));
    expect(leaving.length).toBeGreaterThan(0);
    expect(leaving.length / people.length).toBeLessThanOrEqual(0.3);
    await setSettings(h, id, { schedule: '0 4 * * *', scope: { statuses: ['active'] } });
    const hired = h.sandbox.control.hire({
      first_name: 'Preview',
      last_name: 'Person',
      status: 'active',
    });
    const changed = people.find((e) => e.status === 'active')!;
    h.sandbox.control.updateEmployee(changed.id, { last_name: 'Previewed' });

    const snapshot = async () => ({
      rows: await employeeRows(h, id),
      stored: await storedFingerprint(h, id),
      sequence: await lastSequence(h.gateway, id),
      events: await query(h.gateway, `SELECT count(*)::int AS n FROM events`),
      runs: await query(h.gateway, `SELECT id, status FROM sync_runs ORDER BY id`),
      staging: await query(h.gateway, `SELECT count(*)::int AS n FROM sync_staging`),
      connection: await query(
        h.gateway,
        `SELECT status, status_reason, updated_at, last_synced_at, next_sync_at,
           consecutive_failures, last_event_sequence FROM connections WHERE id = $1`,
        [id],
      ),
    });
    const before = await snapshot();

    const res = await request(h.gateway.url)
      .post(`/v1/connections/${id}/test`)
      .set('Authorization', `Bearer ${h.token}`);
    expectContract(res);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      ok: true,
      error: null,
      api_version: expect.stringMatching(/^v[12]$/),
      missing_attributes: [],
    });
    const preview = res.body.preview;
    expect(preview.resources.employees).toEqual({
      created: 1,
      updated: 1,
      deleted: leaving.length,
      unchanged: people.length - leaving.length - 1,
    });
    expect(preview.out_of_scope).toBe(leaving.length);
    expect(preview.deletion_guard).toEqual({
      live: people.length,
      deleting: leaving.length,
      share: leaving.length / people.length,
      threshold: 0.3,
      exceeded: false,
    });
    expect(preview.sample.created).toEqual([
      expect.objectContaining({ remote_id: String(hired.id), status: 'active' }),
    ]);
    expect(preview.sample.updated).toEqual([
      expect.objectContaining({
        remote_id: String(changed.id),
        changed: expect.arrayContaining(['last_name']),
      }),
    ]);
    expect(preview.sample.deleted.length).toBe(Math.min(10, leaving.length));
    for (const d of preview.sample.deleted as Array<{ remote_id: string; reason: string }>) {
      expect(d.reason).toBe('left_scope');
      expect(leaving).toContain(d.remote_id);
    }
    expect(await snapshot()).toEqual(before);

    // The run that follows does exactly what the preview said.
    const run = await runSync(h.gateway, h.token, id);
    expect(run.status).toBe('succeeded');
    expect(run.counts.employees).toEqual(preview.resources.employees);
    // The fingerprint that stayed equal across the test does see a real run's writes.
    expect(await storedFingerprint(h, id)).not.toEqual(before.stored);
  });

  it('answers ok false with credentials_refused when Personio refuses the credentials, changing nothing', async () => {
    h.sandbox.control.revokeCredential(credential.clientId);
    const sequence = await lastSequence(h.gateway, id);
    const res = await request(h.gateway.url)
      .post(`/v1/connections/${id}/test`)
      .set('Authorization', `Bearer ${h.token}`);
    expectContract(res);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      ok: false,
      preview: null,
      error: { code: 'credentials_refused', message: expect.any(String) },
    });
    expect(await lastSequence(h.gateway, id)).toBe(sequence);
    expect(await getConnection(h, id)).toMatchObject({ status: 'connected' });
  });
});
