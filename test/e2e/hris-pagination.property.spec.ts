/**
 * Keyset pagination and `updated_since` under change (property tests, e2e over HTTP and
 * PostgreSQL). A synced connection (Personio sandbox, ~60 employees) is walked page by page
 * through `GET /v1/hris/employees` or `GET /v1/hris/absences` with a small random `limit`;
 * between page fetches random sandbox changes (hires, updates, terminations, deletions,
 * absences added, moved and cancelled) go through a real sync run, so the rows under the walk
 * are inserted, updated and deleted by the engine itself.
 *
 * The oracle for "existed unchanged during the whole walk" is PostgreSQL, read directly (never
 * through the API under test): a row whose `updated_at` is the same before the first page and
 * after the last one, and which was live both times, did not change in between (the engine
 * moves `updated_at` with every write it makes to a row).
 *
 * fast-check prints the seed and the counterexample of a failure; replay with `seed`/`path`.
 */
import fc from 'fast-check';
import { Client } from 'pg';
import request from 'supertest';
import { type RunningSandbox } from '../../connectors/personio/sandbox';
import {
  accessToken,
  createApplication,
  TEST_ADMIN_TOKEN,
  type TestApplication,
} from '../support/auth';
import { expectContract } from '../support/contract';
import { startTestGateway, type TestGateway } from '../support/gateway';
import { startTestSandbox } from '../support/sandbox';
import { connectThroughLink, getRun, type RunView, waitForLatestRun } from '../support/sync';

const EMPLOYEES = 60;
const ABSENCE_DAYS_BACK = 14;
const ABSENCE_DAYS_AHEAD = 180;
/** Below this many sandbox employees a deletion becomes a hire (keeps runs far from the guard). */
const MIN_EMPLOYEES = 45;

type Resource = 'employees' | 'absences';

interface Served {
  id: string;
  remote_id: string;
  updated_at: string;
  remote_deleted_at: string | null;
  [key: string]: unknown;
}

interface Page {
  data: Served[];
  next_cursor: string | null;
}

function dayPlus(days: number, from = new Date()): string {
  const d = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()));
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

// --- random sandbox changes -------------------------------------------------------------------

type Change =
  | { op: 'hire'; n: number }
  | { op: 'rename'; who: number }
  | { op: 'reposition'; who: number; n: number }
  | { op: 'terminate'; who: number; inDays: number }
  | { op: 'delete'; who: number }
  | { op: 'addAbsence'; who: number; type: number; startIn: number; days: number }
  | { op: 'moveAbsence'; which: number; days: number }
  | { op: 'cancelAbsence'; which: number };

const who = fc.nat({ max: 10_000 });
const changeArb: fc.Arbitrary<Change> = fc.oneof(
  fc.record({ op: fc.constant('hire' as const), n: fc.nat({ max: 1_000_000 }) }),
  fc.record({ op: fc.constant('rename' as const), who }),
  fc.record({ op: fc.constant('reposition' as const), who, n: fc.nat({ max: 5 }) }),
  fc.record({
    op: fc.constant('terminate' as const),
    who,
    inDays: fc.integer({ min: -20, max: 40 }),
  }),
  fc.record({ op: fc.constant('delete' as const), who }),
  fc.record({
    op: fc.constant('addAbsence' as const),
    who,
    type: fc.nat({ max: 100 }),
    startIn: fc.integer({ min: -ABSENCE_DAYS_BACK, max: ABSENCE_DAYS_AHEAD - 5 }),
    days: fc.integer({ min: 0, max: 4 }),
  }),
  fc.record({
    op: fc.constant('moveAbsence' as const),
    which: fc.nat({ max: 10_000 }),
    days: fc.integer({ min: 0, max: 3 }),
  }),
  fc.record({ op: fc.constant('cancelAbsence' as const), which: fc.nat({ max: 10_000 }) }),
);

/** A walk: which list, how big its pages are, and after which pages a batch of changes syncs. */
interface Walk {
  resource: Resource;
  includeDeleted: boolean;
  limit: number;
  batches: Array<{ afterPage: number; changes: Change[] }>;
}

const walkArb: fc.Arbitrary<Walk> = fc.record({
  resource: fc.constantFrom<Resource>('employees', 'employees', 'absences'),
  includeDeleted: fc.boolean(),
  limit: fc.integer({ min: 1, max: 10 }),
  batches: fc.array(
    fc.record({
      afterPage: fc.nat({ max: 1_000 }),
      changes: fc.array(changeArb, { minLength: 1, maxLength: 4 }),
    }),
    { minLength: 1, maxLength: 2 },
  ),
});

describe('HRIS pagination and updated_since under concurrent sync writes (property, e2e)', () => {
  let sandbox: RunningSandbox;
  let gateway: TestGateway;
  let db: Client;
  let app: TestApplication;
  let token: string;
  let bound: string;
  let connectionId: string;

  beforeAll(async () => {
    sandbox = await startTestSandbox({ employees: EMPLOYEES });
    gateway = await startTestGateway({
      ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      PERSONIO_BASE_URL: sandbox.url,
      SYNC_TICK_MS: '100',
    });
    db = new Client({ connectionString: gateway.database.url });
    await db.connect();
    app = await createApplication(gateway, { name: 'Pagination property' });
    token = await accessToken(gateway, app);
    connectionId = await connectThroughLink(gateway, token, sandbox.credentials[0]!, {
      settings: { absences: { days_back: ABSENCE_DAYS_BACK, days_ahead: ABSENCE_DAYS_AHEAD } },
    });
    expect((await waitForLatestRun(gateway, token, connectionId)).status).toBe('succeeded');
    bound = await accessToken(gateway, app, { connectionId });
  }, 60_000);

  afterAll(async () => {
    await db?.end();
    await gateway?.close();
    await sandbox?.close();
  });

  // --- helpers ----------------------------------------------------------------------------------

  async function getPage(resource: Resource, query: Record<string, unknown>): Promise<Page> {
    const res = await request(gateway.url)
      .get(`/v1/hris/${resource}`)
      .query(query)
      .set('Authorization', `Bearer ${bound}`);
    expectContract(res);
    expect(res.status).toBe(200);
    return res.body as Page;
  }

  /** Every record of a list (bounded), through the API, with the given filters. */
  async function listAll(
    resource: Resource,
    query: Record<string, unknown>,
    limit = 500,
  ): Promise<Served[]> {
    const all: Served[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 200; pages += 1) {
      const page = await getPage(resource, { ...query, limit, ...(cursor ? { cursor } : {}) });
      expect(page.data.length).toBeLessThanOrEqual(limit);
      all.push(...page.data);
      cursor = page.next_cursor;
      if (!cursor) return all;
    }
    throw new Error(`${resource}: still a next_cursor after 200 pages`);
  }

  /** Stored rows of the connection straight from PostgreSQL: id -> updated_at and liveness. */
  async function stored(
    resource: Resource,
  ): Promise<Map<string, { updated: string; deleted: boolean }>> {
    const { rows } = await db.query<{ id: string; updated: string; deleted: boolean }>(
      `SELECT id::text AS id, updated_at::text AS updated, remote_deleted_at IS NOT NULL AS deleted
       FROM ${resource} WHERE connection_id = $1`,
      [connectionId],
    );
    return new Map(rows.map((r) => [r.id, { updated: r.updated, deleted: r.deleted }]));
  }

  /** A manual run through the API, polled in the database every 10 ms, read once via the API. */
  async function runSync(): Promise<RunView> {
    const res = await request(gateway.url)
      .post('/v1/sync-runs')
      .set('Authorization', `Bearer ${token}`)
      .send({ connection_id: connectionId });
    expectContract(res);
    expect(res.status).toBe(202);
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

  let hires = 0;
  let renames = 0;
  /** Applies one change to the sandbox; returns the Personio ids it surely changed. */
  function applyChange(change: Change): { employees: string[]; deleted: string[] } {
    const { control } = sandbox;
    const employees = sandbox.state.store.employees();
    const absences = sandbox.state.store.absences();
    const pick = <T>(list: readonly T[], i: number): T | undefined =>
      list.length === 0 ? undefined : list[i % list.length];
    const none = { employees: [], deleted: [] };
    switch (change.op) {
      case 'hire': {
        hires += 1;
        const e = control.hire({
          first_name: 'Page',
          last_name: `Walker${change.n}`,
          email: `page.walker.${hires}@example.com`,
        });
        return { employees: [String(e.id)], deleted: [] };
      }
      case 'rename': {
        const e = pick(employees, change.who);
        if (!e) return none;
        renames += 1;
        control.updateEmployee(e.id, { last_name: `Renamed ${renames}` });
        return { employees: [String(e.id)], deleted: [] };
      }
      case 'reposition': {
        const e = pick(employees, change.who);
        if (e) control.updateEmployee(e.id, { position: `Role ${change.n}` });
        return none;
      }
      case 'terminate': {
        const e = pick(employees, change.who);
        if (e) control.terminate(e.id, { termination_date: dayPlus(change.inDays) });
        return none;
      }
      case 'delete': {
        const e = pick(employees, change.who);
        if (!e) return none;
        if (employees.length <= MIN_EMPLOYEES) return applyChange({ op: 'hire', n: change.who });
        control.deleteEmployee(e.id);
        return { employees: [], deleted: [String(e.id)] };
      }
      case 'addAbsence': {
        const e = pick(employees, change.who);
        const type = pick(
          sandbox.company.timeOffTypes.filter((t) => t.unit === 'day'),
          change.type,
        );
        if (e && type) {
          control.addAbsence({
            employee_id: e.id,
            time_off_type_id: type.id,
            start_date: dayPlus(change.startIn),
            end_date: dayPlus(change.startIn + change.days),
          });
        }
        return none;
      }
      case 'moveAbsence': {
        // Stays inside the window: moving one out of it is a different question.
        const from = dayPlus(-ABSENCE_DAYS_BACK);
        const to = dayPlus(ABSENCE_DAYS_AHEAD - 5);
        const a = pick(
          absences.filter((x) => x.startMs === null && x.startDate >= from && x.startDate <= to),
          change.which,
        );
        if (a) {
          const start = new Date(`${a.startDate}T00:00:00Z`);
          control.updateAbsence(a.id, { end_date: dayPlus(change.days, start) });
        }
        return none;
      }
      case 'cancelAbsence': {
        const a = pick(absences, change.which);
        if (a) control.cancelAbsence(a.id);
        return none;
      }
    }
  }

  async function applyAndSync(
    changes: Change[],
  ): Promise<{ employees: string[]; deleted: string[] }> {
    const touched = { employees: [] as string[], deleted: [] as string[] };
    for (const change of changes) {
      const t = applyChange(change);
      touched.employees.push(...t.employees);
      touched.deleted.push(...t.deleted);
    }
    const run = await runSync();
    expect({ status: run.status, error: run.error }).toEqual({ status: 'succeeded', error: null });
    return touched;
  }

  const stats = { walks: 0, pages: 0, changedDuringWalk: 0, insertedDuringWalk: 0, deleted: 0 };

  // --- the properties ---------------------------------------------------------------------------

  it('a walk never skips or repeats a record while syncs insert, update and delete rows between pages', async () => {
    await fc.assert(
      fc.asyncProperty(walkArb, async (walk) => {
        const before = await stored(walk.resource);
        const liveBefore = [...before.values()].filter((r) => !r.deleted).length;
        const expectedPages = Math.max(1, Math.ceil(liveBefore / walk.limit));
        const batchAt = new Map<number, Change[]>();
        for (const batch of walk.batches) {
          const at = batch.afterPage % expectedPages;
          batchAt.set(at, [...(batchAt.get(at) ?? []), ...batch.changes]);
        }
        const query = walk.includeDeleted ? { include_deleted: 'true' } : {};

        const seen: string[] = [];
        let cursor: string | null = null;
        const maxPages = Math.ceil((before.size + 40) / walk.limit) + 2;
        let pages = 0;
        for (;;) {
          const page = await getPage(walk.resource, {
            ...query,
            limit: walk.limit,
            ...(cursor ? { cursor } : {}),
          });
          expect(page.data.length).toBeLessThanOrEqual(walk.limit);
          for (const record of page.data) {
            if (!walk.includeDeleted) expect(record.remote_deleted_at).toBeNull();
            seen.push(record.id);
          }
          cursor = page.next_cursor;
          const changes = batchAt.get(pages);
          pages += 1;
          if (!cursor) break;
          if (pages >= maxPages) throw new Error(`walk did not end after ${maxPages} pages`);
          if (changes) await applyAndSync(changes);
        }
        const after = await stored(walk.resource);
        stats.walks += 1;
        stats.pages += pages;

        // No record twice, and the walk is in id order (the documented keyset).
        const counts = new Map<string, number>();
        for (const id of seen) counts.set(id, (counts.get(id) ?? 0) + 1);
        expect([...counts].filter(([, n]) => n > 1)).toEqual([]);
        expect(seen).toEqual([...seen].sort());

        // Every served id is a stored row of this connection; a row deleted before the walk
        // began never shows without include_deleted (deletions are final in the sandbox).
        expect(seen.filter((id) => !after.has(id))).toEqual([]);
        if (!walk.includeDeleted) {
          expect(seen.filter((id) => before.get(id)?.deleted === true)).toEqual([]);
        }

        // The property: a record that existed unchanged during the whole walk appears once.
        const unchanged = [...before].filter(([id, row]) => {
          const now = after.get(id);
          return (
            now !== undefined &&
            now.updated === row.updated &&
            now.deleted === row.deleted &&
            (walk.includeDeleted || !row.deleted)
          );
        });
        expect(unchanged.filter(([id]) => counts.get(id) !== 1).map(([id]) => id)).toEqual([]);

        // Stronger, from the keyset on a stable id: a record updated during the walk but present
        // all along (live all along, or any stored one with include_deleted) appears once too.
        const presentAllAlong = [...before].filter(([id, row]) => {
          const now = after.get(id);
          return walk.includeDeleted || (!row.deleted && now !== undefined && !now.deleted);
        });
        expect(presentAllAlong.filter(([id]) => counts.get(id) !== 1).map(([id]) => id)).toEqual(
          [],
        );

        stats.changedDuringWalk += presentAllAlong.filter(
          ([id, row]) => after.get(id)?.updated !== row.updated,
        ).length;
        stats.insertedDuringWalk += [...after.keys()].filter((id) => !before.has(id)).length;
        stats.deleted += [...before].filter(
          ([id, row]) => !row.deleted && after.get(id)?.deleted === true,
        ).length;
      }),
      { numRuns: 25, endOnFailure: true },
    );
    // The walks really ran into inserts, updates and deletions made between their pages.
    expect(stats.changedDuringWalk).toBeGreaterThan(0);
    expect(stats.insertedDuringWalk).toBeGreaterThan(0);
    expect(stats.deleted).toBeGreaterThan(0);
  }, 120_000);

  it('updated_since returns exactly the records changed after the instant, deletions with include_deleted', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(changeArb, { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 7 }),
        async (changes, limit) => {
          const snapshot = async (resource: Resource): Promise<Map<string, Served>> =>
            new Map((await listAll(resource, { include_deleted: 'true' })).map((r) => [r.id, r]));
          const beforeEmployees = await snapshot('employees');
          const beforeAbsences = await snapshot('absences');
          // After every stored change (served instants are ms, the database keeps µs).
          const latest = Math.max(
            ...[...beforeEmployees.values(), ...beforeAbsences.values()].map((r) =>
              Date.parse(r.updated_at),
            ),
          );
          const since = new Date(latest + 1).toISOString();

          // Nothing changed after the instant yet.
          for (const resource of ['employees', 'absences'] as const) {
            const idle = await listAll(resource, { updated_since: since, include_deleted: 'true' });
            expect(idle.map((r) => r.id)).toEqual([]);
          }

          const touched = await applyAndSync(changes);
          const afterEmployees = await snapshot('employees');
          const afterAbsences = await snapshot('absences');

          for (const [resource, before, after] of [
            ['employees', beforeEmployees, afterEmployees],
            ['absences', beforeAbsences, afterAbsences],
          ] as const) {
            const changed = [...after.values()].filter(
              (r) => JSON.stringify(before.get(r.id)) !== JSON.stringify(r),
            );
            const withDeleted = await listAll(
              resource,
              { updated_since: since, include_deleted: 'true' },
              limit,
            );
            expect(withDeleted.map((r) => r.id)).toEqual(changed.map((r) => r.id));
            for (const r of withDeleted) {
              expect(Date.parse(r.updated_at)).toBeGreaterThanOrEqual(Date.parse(since));
            }
            const live = await listAll(resource, { updated_since: since }, limit);
            expect(live.map((r) => r.id)).toEqual(
              changed.filter((r) => r.remote_deleted_at === null).map((r) => r.id),
            );
            // Nothing the sync left alone is returned (the same listing, checked the other way).
            const untouched = new Set(
              [...after.values()]
                .filter((r) => JSON.stringify(before.get(r.id)) === JSON.stringify(r))
                .map((r) => r.id),
            );
            expect(withDeleted.filter((r) => untouched.has(r.id)).map((r) => r.id)).toEqual([]);

            if (resource === 'employees') {
              // What the test surely changed in Personio is among the changed records.
              const byRemote = new Map(withDeleted.map((r) => [r.remote_id, r]));
              for (const remoteId of touched.employees.filter(
                (id) => !touched.deleted.includes(id),
              )) {
                expect(byRemote.get(remoteId)).toMatchObject({ remote_deleted_at: null });
              }
              // (One hired in this batch and deleted in it too was never stored: left out.)
              for (const remoteId of touched.deleted.filter(
                (id) => !touched.employees.includes(id),
              )) {
                expect(byRemote.get(remoteId)?.remote_deleted_at).toEqual(expect.any(String));
                expect(live.map((r) => r.remote_id)).not.toContain(remoteId);
              }
            }
          }
        },
      ),
      { numRuns: 8, endOnFailure: true },
    );
  }, 60_000);
});
