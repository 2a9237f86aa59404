/**
 * Property: whatever the sandbox changes and whatever faults Personio throws at a run, a sync
 * either applies a complete, correct read or changes nothing at all, and never deletes someone
 * who is still there. One sandbox (30 people), one in-process gateway, two connections to it
 * (API v1 and v2), so every fault kind meets the endpoints of both generations. With 30 people
 * every list is one page (the connector asks for 100 per page and checks each page against
 * `total_elements`, so the sandbox cannot be made to serve smaller ones); "page N" and
 * "request N" faults bite on the v2 fan-outs (one request per person or absence).
 *
 * Each fast-check run: random sandbox changes (hire, update, terminate, delete, absence add,
 * move, cancel) and a random fault schedule (5xx, 429 bursts past the retries, malformed,
 * truncated, slow and late bodies past the request deadline, connection resets, lying
 * `total_elements`, repeated cursors and records; on any endpoint a sync reads, on page N or from
 * request N on, a few times or for good), then one sync of either connection:
 *  - a failed run changed no stored row (remote id, hash, deletion, updated_at of all six tables)
 *    and wrote only `connection.sync_failed` (and `connection.paused`) events;
 *  - no run, failed or not, deleted an employee still in the sandbox or an absence still in the
 *    window (zero false deletions); a succeeded run stored everyone the sandbox has;
 * then the faults are cleared, a healthy sync runs, and the stored live employees are exactly
 * the sandbox's and the stored live absences exactly those overlapping the absence window.
 * The healthy run after each faulty one keeps the failure count at most 1, so the failure
 * policy never pauses the connection (that is asserted too).
 *
 * Retries: the gateway's sync connector backs off at least 1 s per retry and waits up to 120 s
 * for a request, which would make a failing run cost seconds. This file shortens the backoff
 * (10-50 ms) and the whole-request deadline (250 ms) of that in-process connector; attempts per
 * request, bad-body retries and the retry budget stay as in production.
 */
import fc from 'fast-check';
import { Client } from 'pg';
import {
  type FaultKind,
  type FaultRuleInput,
  type RunningSandbox,
} from '../../connectors/personio/sandbox';
import type { FaultRule } from '../../connectors/personio/sandbox/faults';
import { Providers } from '../../src/providers/providers.module';
import { accessToken, createApplication, TEST_ADMIN_TOKEN } from '../support/auth';
import { startTestGateway, type TestGateway } from '../support/gateway';
import { startTestSandbox } from '../support/sandbox';
import request from 'supertest';
import { expectContract } from '../support/contract';
import {
  connectThroughLink,
  getRun,
  waitForLatestRun,
  type RunView,
  type StoredEvent,
} from '../support/sync';

type Version = 'v1' | 'v2';
const VERSIONS: readonly Version[] = ['v1', 'v2'];

/** Every endpoint a sync reads (tokens are cached for the day, so auth is not among them). */
const ENDPOINTS = [
  '/v1/company/employees',
  '/v1/company/time-off-types',
  '/v1/company/time-offs',
  '/v1/company/absence-periods',
  '/v2/persons',
  '/v2/persons/*', // employments, one request per person
  '/v2/org-units*',
  '/v2/absence-types*',
  '/v2/absence-periods',
  '/v2/absence-periods/*', // breakdowns, one request per absence
] as const;

const KINDS: readonly FaultKind[] = [
  'status',
  'rate-limit',
  'malformed-body',
  'truncated-body',
  'connection-reset',
  'slow-body',
  'latency',
  'total-elements',
  'repeat-cursor',
  'duplicate-record',
];

/** The request deadline set on the sync connector; "late" faults take longer than this. */
const REQUEST_DEADLINE_MS = 250;
const MAX_ATTEMPTS = 6; // the production retry policy's attempts per request

const FAILURE_CODES = new Set(['personio_unavailable', 'rate_limited', 'bad_response']);
const TABLES = [
  'employees',
  'teams',
  'positions',
  'reporting_lines',
  'absence_types',
  'absences',
] as const;

const ABSENCE_DAYS_BACK = 14;
const ABSENCE_DAYS_AHEAD = 180;

function dayPlus(days: number, from = new Date()): string {
  const d = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()));
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

// --- random sandbox changes -------------------------------------------------------------------

type Change =
  | { op: 'hire'; n: number }
  | { op: 'update'; who: number; field: 'last_name' | 'position'; n: number }
  | { op: 'terminate'; who: number; inDays: number }
  | { op: 'delete'; who: number }
  | { op: 'addAbsence'; who: number; type: number; startIn: number; days: number; pending: boolean }
  | { op: 'moveAbsence'; which: number; days: number }
  | { op: 'cancelAbsence'; which: number };

const who = fc.nat({ max: 10_000 });
const changeArb: fc.Arbitrary<Change> = fc.oneof(
  fc.record({ op: fc.constant('hire' as const), n: fc.nat({ max: 1_000_000 }) }),
  fc.record({
    op: fc.constant('update' as const),
    who,
    field: fc.constantFrom('last_name' as const, 'position' as const),
    n: fc.nat({ max: 1_000_000 }),
  }),
  fc.record({
    op: fc.constant('terminate' as const),
    who,
    inDays: fc.integer({ min: -20, max: 60 }),
  }),
  fc.record({ op: fc.constant('delete' as const), who }),
  fc.record({
    op: fc.constant('addAbsence' as const),
    who,
    type: fc.nat({ max: 100 }),
    // Some start before the window or after it: those must never be stored.
    startIn: fc.integer({ min: -(ABSENCE_DAYS_BACK + 10), max: ABSENCE_DAYS_AHEAD + 30 }),
    days: fc.integer({ min: 0, max: 4 }),
    pending: fc.boolean(),
  }),
  fc.record({
    op: fc.constant('moveAbsence' as const),
    which: fc.nat({ max: 10_000 }),
    days: fc.integer({ min: 0, max: 3 }),
  }),
  fc.record({ op: fc.constant('cancelAbsence' as const), which: fc.nat({ max: 10_000 }) }),
);

// --- random fault schedules -------------------------------------------------------------------

interface FaultDraft {
  kind: FaultKind;
  path: string | undefined;
  page: number | undefined;
  nth: number | undefined;
  times: number;
  status: number;
  totalElements: number;
  late: boolean;
}

const sometimes = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });

const faultArb: fc.Arbitrary<FaultDraft> = fc.record({
  kind: fc.constantFrom(...KINDS),
  // undefined: any request of a sync
  path: fc.oneof(
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 6, arbitrary: fc.constantFrom<string>(...ENDPOINTS) },
  ),
  page: sometimes(fc.integer({ min: 1, max: 2 })),
  nth: sometimes(fc.integer({ min: 1, max: 25 })),
  // 1-2: recovered by retries; MAX_ATTEMPTS: exactly past them; 0: for good.
  times: fc.oneof(
    { weight: 2, arbitrary: fc.integer({ min: 1, max: 2 }) },
    { weight: 1, arbitrary: fc.constant(MAX_ATTEMPTS) },
    { weight: 1, arbitrary: fc.constant(0) },
  ),
  status: fc.constantFrom(500, 502, 503, 504),
  totalElements: fc.integer({ min: 0, max: 60 }),
  late: fc.boolean(),
});

function ruleOf(f: FaultDraft): FaultRuleInput {
  const slow = f.kind === 'slow-body' || f.kind === 'latency';
  return {
    kind: f.kind,
    method: 'GET',
    ...(f.path !== undefined ? { path: f.path } : {}),
    ...(f.page !== undefined ? { page: f.page } : {}),
    ...(f.nth !== undefined ? { nth: f.nth } : {}),
    times: f.times,
    ...(f.kind === 'status' ? { status: f.status } : {}),
    ...(f.kind === 'total-elements' ? { totalElements: f.totalElements } : {}),
    // Late: past the request deadline (a failed attempt); otherwise merely slow.
    ...(slow ? { delayMs: f.late ? REQUEST_DEADLINE_MS * 2 : 20 } : {}),
  };
}

// --- the test ---------------------------------------------------------------------------------

describe('sync under random faults and changes (property, e2e over HTTP and PostgreSQL)', () => {
  let sandbox: RunningSandbox;
  let gateway: TestGateway;
  let db: Client;
  let token: string;
  const connections = {} as Record<Version, string>;

  beforeAll(async () => {
    sandbox = await startTestSandbox({ employees: 30 });
    gateway = await startTestGateway({
      ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      PERSONIO_BASE_URL: sandbox.url,
      SYNC_TICK_MS: '100',
      PERSONIO_RETRY_BASE_DELAY_MS: '10',
      PERSONIO_REQUEST_TIMEOUT_MS: String(REQUEST_DEADLINE_MS),
    });
    // Short waits and a short request deadline (see the file comment), through configuration.
    const http = gateway.app.get(Providers).personio.http;
    expect(http.retryPolicy.maxAttempts).toBe(MAX_ATTEMPTS);

    db = new Client({ connectionString: gateway.database.url });
    await db.connect();
    const app = await createApplication(gateway, { name: 'Fault property' });
    token = await accessToken(gateway, app);
    for (const version of VERSIONS) {
      connections[version] = await connectThroughLink(gateway, token, sandbox.credentials[0]!, {
        settings: {
          personio_api_version: version,
          absences: { days_back: ABSENCE_DAYS_BACK, days_ahead: ABSENCE_DAYS_AHEAD },
        },
      });
      const baseline = await waitForLatestRun(gateway, token, connections[version]);
      expect(baseline).toMatchObject({ trigger: 'connect', status: 'succeeded' });
      await expectMatchesSandbox(connections[version]);
    }
  }, 60_000);

  afterAll(async () => {
    await db?.end();
    await gateway?.close();
    await sandbox?.close();
  });

  /** Every stored row of a connection as "table:remote_id" -> "hash|deleted|updated_at". */
  async function snapshot(connectionId: string): Promise<Map<string, string>> {
    const sql = TABLES.map(
      (t) =>
        `SELECT '${t}' AS t, remote_id, hash, remote_deleted_at::text AS deleted,
           updated_at::text AS updated FROM ${t} WHERE connection_id = $1`,
    ).join(' UNION ALL ');
    const { rows } = await db.query<{
      t: string;
      remote_id: string;
      hash: string;
      deleted: string | null;
      updated: string;
    }>(sql, [connectionId]);
    return new Map(
      rows.map((r) => [`${r.t}:${r.remote_id}`, `${r.hash}|${r.deleted ?? ''}|${r.updated}`]),
    );
  }

  /**
   * Starts a manual run through the API and waits for its end: polled in the database every
   * 10 ms (a run takes 100-300 ms here), then read once through the API.
   */
  async function runSync(connectionId: string): Promise<RunView> {
    const res = await request(gateway.url)
      .post('/v1/sync-runs')
      .set('Authorization', `Bearer ${token}`)
      .send({ connection_id: connectionId })
      .expect(202);
    expectContract(res);
    const id = (res.body as RunView).id;
    const deadline = Date.now() + 30_000;
    for (;;) {
      const { rows } = await db.query<{ status: string }>(
        `SELECT status FROM sync_runs WHERE id = $1`,
        [id],
      );
      if (['succeeded', 'failed', 'needs_confirmation'].includes(rows[0]!.status)) break;
      if (Date.now() > deadline) throw new Error(`run ${id} still ${rows[0]!.status} after 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return getRun(gateway, token, id);
  }

  async function liveIds(table: 'employees' | 'absences', connectionId: string): Promise<string[]> {
    const { rows } = await db.query<{ remote_id: string }>(
      `SELECT remote_id FROM ${table} WHERE connection_id = $1 AND remote_deleted_at IS NULL`,
      [connectionId],
    );
    return rows.map((r) => r.remote_id).sort();
  }

  async function lastSequence(connectionId: string): Promise<number> {
    const { rows } = await db.query<{ s: string }>(
      `SELECT last_event_sequence AS s FROM connections WHERE id = $1`,
      [connectionId],
    );
    return Number(rows[0]!.s);
  }

  async function eventsAfter(connectionId: string, after: number): Promise<StoredEvent[]> {
    const { rows } = await db.query<{ sequence: string; type: string; data: StoredEvent['data'] }>(
      `SELECT sequence, type, data FROM events WHERE connection_id = $1 AND sequence > $2
       ORDER BY sequence`,
      [connectionId, after],
    );
    return rows.map((r) => ({ sequence: Number(r.sequence), type: r.type, data: r.data }));
  }

  async function connectionState(
    connectionId: string,
  ): Promise<{ status: string; consecutive_failures: number }> {
    const { rows } = await db.query<{ status: string; consecutive_failures: number }>(
      `SELECT status, consecutive_failures FROM connections WHERE id = $1`,
      [connectionId],
    );
    return rows[0]!;
  }

  const sandboxEmployees = (): string[] =>
    sandbox.state.store
      .employees()
      .map((e) => String(e.id))
      .sort();

  /** Absences sharing at least one day with the window (both ends included), by v2 id. */
  const sandboxAbsencesInWindow = (): string[] => {
    const from = dayPlus(-ABSENCE_DAYS_BACK);
    const to = dayPlus(ABSENCE_DAYS_AHEAD);
    return sandbox.state.store
      .absences()
      .filter((a) => a.startDate <= to && a.endDate >= from)
      .map((a) => a.uuid)
      .sort();
  };

  async function expectMatchesSandbox(connectionId: string): Promise<void> {
    expect(await liveIds('employees', connectionId)).toEqual(sandboxEmployees());
    expect(await liveIds('absences', connectionId)).toEqual(sandboxAbsencesInWindow());
  }

  let hires = 0;
  function applyChange(change: Change): void {
    const { control } = sandbox;
    const employees = sandbox.state.store.employees();
    const absences = sandbox.state.store.absences();
    const pick = <T>(list: readonly T[], i: number): T | undefined =>
      list.length === 0 ? undefined : list[i % list.length];
    switch (change.op) {
      case 'hire':
        control.hire({
          first_name: 'Prop',
          last_name: `Hire${change.n}`,
          email: `prop.hire.${(hires += 1)}@example.com`,
        });
        return;
      case 'update': {
        const e = pick(employees, change.who);
        if (e) control.updateEmployee(e.id, { [change.field]: `Value ${change.n}` });
        return;
      }
      case 'terminate': {
        const e = pick(employees, change.who);
        if (e) control.terminate(e.id, { termination_date: dayPlus(change.inDays) });
        return;
      }
      case 'delete': {
        // Keeps every run far below the deletion guard (30% of employees).
        const e = pick(employees, change.who);
        if (e && employees.length > 20) control.deleteEmployee(e.id);
        return;
      }
      case 'addAbsence': {
        const e = pick(employees, change.who);
        const type = pick(
          sandbox.company.timeOffTypes.filter((t) => t.unit === 'day'),
          change.type,
        );
        if (!e || !type) return;
        control.addAbsence({
          employee_id: e.id,
          time_off_type_id: type.id,
          start_date: dayPlus(change.startIn),
          end_date: dayPlus(change.startIn + change.days),
          status: change.pending ? 'pending' : 'approved',
        });
        return;
      }
      case 'moveAbsence': {
        // A new end date after a start inside the window or after it: the absence stays on the
        // same side of the window (one moved out of it is a different question).
        const from = dayPlus(-ABSENCE_DAYS_BACK);
        const a = pick(
          absences.filter((x) => x.startMs === null && x.startDate >= from),
          change.which,
        );
        if (a) {
          const start = new Date(`${a.startDate}T00:00:00Z`);
          control.updateAbsence(a.id, { end_date: dayPlus(change.days, start) });
        }
        return;
      }
      case 'cancelAbsence': {
        const a = pick(absences, change.which);
        if (a) control.cancelAbsence(a.id);
        return;
      }
    }
  }

  const stats = {
    runs: 0,
    outcomes: { succeeded: 0, failed: 0 } as Record<string, number>,
    codes: {} as Record<string, number>,
    fired: Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<FaultKind, number>,
  };

  async function checkFaultyRun(
    version: Version,
    run: RunView,
    before: Map<string, string>,
    sequenceBefore: number,
  ): Promise<void> {
    const connectionId = connections[version];
    expect(['succeeded', 'failed']).toContain(run.status);
    stats.outcomes[run.status] = (stats.outcomes[run.status] ?? 0) + 1;
    const after = await snapshot(connectionId);
    const events = await eventsAfter(connectionId, sequenceBefore);

    // Zero false deletions, whatever the outcome.
    const present = new Set(sandboxEmployees());
    const inWindow = new Set(sandboxAbsencesInWindow());
    for (const [key, value] of after) {
      const deletedNow = value.split('|')[1] !== '';
      const wasLive = before.has(key) && before.get(key)!.split('|')[1] === '';
      if (!deletedNow || !wasLive) continue;
      const table = key.slice(0, key.indexOf(':'));
      const remoteId = key.slice(table.length + 1);
      if (table === 'employees')
        expect({ deleted: remoteId, present: present.has(remoteId) }).toEqual({
          deleted: remoteId,
          present: false,
        });
      if (table === 'absences')
        expect({ deleted: remoteId, inWindow: inWindow.has(remoteId) }).toEqual({
          deleted: remoteId,
          inWindow: false,
        });
    }
    for (const event of events.filter((e) => e.type === 'employee.deleted')) {
      expect(present.has(String(event.data.object.remote_id))).toBe(false);
    }

    const state = await connectionState(connectionId);
    if (run.status === 'failed') {
      stats.codes[run.error!.code] = (stats.codes[run.error!.code] ?? 0) + 1;
      expect(FAILURE_CODES).toContain(run.error?.code);
      // Nothing stored changed: not a hash, not a deletion, not even updated_at.
      expect([...after.entries()].sort()).toEqual([...before.entries()].sort());
      // Only the failure itself was announced.
      expect(
        events.filter((e) => e.type !== 'connection.sync_failed' && e.type !== 'connection.paused'),
      ).toEqual([]);
      expect(events.filter((e) => e.type === 'connection.sync_failed')).toEqual([
        expect.objectContaining({
          data: expect.objectContaining({
            object: expect.objectContaining({ run_id: run.id }),
          }),
        }),
      ]);
      expect(state).toEqual({ status: 'connected', consecutive_failures: 1 });
    } else {
      // A read that succeeded saw everyone: nobody the sandbox has may be missing, and no
      // absence in the window (a deletion may wait a run when a record came twice).
      const live = new Set(await liveIds('employees', connectionId));
      expect(sandboxEmployees().filter((id) => !live.has(id))).toEqual([]);
      const liveAbsences = new Set(await liveIds('absences', connectionId));
      expect(sandboxAbsencesInWindow().filter((id) => !liveAbsences.has(id))).toEqual([]);
      expect(state).toEqual({ status: 'connected', consecutive_failures: 0 });
    }
  }

  /** One schedule per kind that surely fires (a sure endpoint, for good), run first. */
  const sureExamples: Array<[Version, Change[], FaultDraft[]]> = KINDS.map((kind, i) => {
    const version: Version =
      kind === 'repeat-cursor'
        ? 'v2'
        : kind === 'duplicate-record'
          ? 'v1'
          : i % 2 === 0
            ? 'v1'
            : 'v2';
    const draft: FaultDraft = {
      kind,
      path: version === 'v1' ? '/v1/company/employees' : '/v2/persons',
      page: undefined,
      nth: undefined,
      times: 0,
      status: 503,
      totalElements: 7,
      late: true,
    };
    return [version, [{ op: 'hire', n: i }], [draft]];
  });

  it('a failed run changes nothing, no run deletes anyone still there, a healthy run converges (100 random schedules)', async () => {
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<Version>(...VERSIONS),
        fc.array(changeArb, { maxLength: 4 }),
        fc.array(faultArb, { minLength: 1, maxLength: 3 }),
        async (version, changes, faults) => {
          const connectionId = connections[version];
          sandbox.control.clearFaults();
          for (const change of changes) applyChange(change);
          const before = await snapshot(connectionId);
          const sequence = await lastSequence(connectionId);

          const rules: FaultRule[] = faults.map((f) => sandbox.control.addFault(ruleOf(f)));
          const run = await runSync(connectionId);
          sandbox.control.clearFaults();
          for (const rule of rules) stats.fired[rule.kind] += rule.fired;
          await checkFaultyRun(version, run, before, sequence);

          // No faults: a healthy run brings the connection exactly to the sandbox.
          const healthy = await runSync(connectionId);
          expect(healthy).toMatchObject({ status: 'succeeded', error: null });
          await expectMatchesSandbox(connectionId);
          expect(await connectionState(connectionId)).toEqual({
            status: 'connected',
            consecutive_failures: 0,
          });
          stats.runs += 1;
        },
      ),
      // Shrinking replays schedules against a sandbox that has moved on: report the first.
      { numRuns: 100 + sureExamples.length, endOnFailure: true, examples: sureExamples },
    );
    const elapsed = Date.now() - started;
    console.info(
      `sync fault property: ${stats.runs} runs in ${elapsed} ms; outcomes ${JSON.stringify(stats.outcomes)}; codes ${JSON.stringify(stats.codes)}; fired ${JSON.stringify(stats.fired)}`,
    );
    expect(stats.runs).toBe(100 + sureExamples.length);
    // The schedules did what they are for: every kind fired, and runs both failed and survived.
    for (const kind of KINDS) {
      expect({ kind, fired: stats.fired[kind] > 0 }).toEqual({ kind, fired: true });
    }
    expect(stats.outcomes.failed).toBeGreaterThan(0);
    expect(stats.outcomes.succeeded).toBeGreaterThan(0);
  }, 400_000);
});
