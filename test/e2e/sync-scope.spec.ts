/**
 * Sync scope, mapping, absence window and event shapes, end to end: the sandbox over HTTP, the
 * real API (connect link, PATCH /v1/connections/{id}, POST /v1/sync-runs) and real PostgreSQL.
 * Each describe block owns one sandbox and one gateway. The gateway's runs use the real clock
 * (today in UTC); the sandbox clock is the real clock too, so dates are picked around today.
 */
import { isDeepStrictEqual } from 'node:util';
import request from 'supertest';
import { type RunningSandbox, type SandboxConfig } from '../../connectors/personio/sandbox';
import type { Absence, Employee } from '../../connectors/personio/sandbox/model';
import { gatewayId } from '../../src/hris/gateway-id';
import { accessToken, createApplication, TEST_ADMIN_TOKEN } from '../support/auth';
import { expectContract } from '../support/contract';
import { startTestGateway, type TestGateway } from '../support/gateway';
import { startTestSandbox } from '../support/sandbox';
import {
  connectThroughLink,
  eventsAfter,
  lastSequence,
  query,
  runSync,
  waitForLatestRun,
  type StoredEvent,
} from '../support/sync';

jest.setTimeout(60_000);

type Data = Record<string, unknown>;

interface Harness {
  sandbox: RunningSandbox;
  gateway: TestGateway;
  token: string;
  connectionId: string;
}

interface StoredRow {
  id: string;
  remote_id: string;
  data: Data;
  remote_deleted_at: Date | null;
  deletion_reason: string | null;
}

/** Fields that are bookkeeping, not content: never in `previous` (content-hash.ts). */
const NOT_CONTENT = new Set([
  'id',
  'created_at',
  'updated_at',
  'remote_deleted_at',
  'remote_updated_at',
  'remote_data',
]);

function utcToday(): string {
  return new Date().toISOString().slice(0, 10);
}

function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * Starts a sandbox and a gateway, connects through a link (with `settings` on the connect
 * session, so even the baseline honours them) and waits for the baseline run the connect page
 * queued. `prepare` changes the sandbox before anything is read and returns the settings.
 */
async function startHarness(
  sandboxConfig: SandboxConfig,
  prepare: (sandbox: RunningSandbox) => Data | undefined,
): Promise<Harness> {
  const sandbox = await startTestSandbox(sandboxConfig);
  const settings = prepare(sandbox);
  const gateway = await startTestGateway({
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    PERSONIO_BASE_URL: sandbox.url,
    SYNC_TICK_MS: '100',
  });
  const app = await createApplication(gateway, { name: 'Scope tests' });
  const token = await accessToken(gateway, app);
  const connectionId = await connectThroughLink(
    gateway,
    token,
    sandbox.credentials[0]!,
    settings ? { settings } : {},
  );
  const baseline = await waitForLatestRun(gateway, token, connectionId);
  expect(baseline).toMatchObject({ trigger: 'connect', status: 'succeeded', error: null });
  return { sandbox, gateway, token, connectionId };
}

async function closeHarness(h: Harness | undefined): Promise<void> {
  await h?.gateway.close();
  await h?.sandbox.close();
}

/** Replaces the connection's own settings through the API; the answer shows them. */
async function patchSettings(h: Harness, settings: Data): Promise<void> {
  const res = await request(h.gateway.url)
    .patch(`/v1/connections/${h.connectionId}`)
    .set('Authorization', `Bearer ${h.token}`)
    .send({ settings })
    .expect(200);
  expectContract(res);
  expect(res.body.settings).toMatchObject(settings);
}

/**
 * A manual run that must succeed; returns the record events it wrote (not `connection.*`).
 * Its events have gapless sequences, and a run with record events ends with exactly one
 * `connection.sync_completed`.
 */
async function syncAndCollect(h: Harness): Promise<StoredEvent[]> {
  const before = await lastSequence(h.gateway, h.connectionId);
  const run = await runSync(h.gateway, h.token, h.connectionId);
  expect(run).toMatchObject({ status: 'succeeded', error: null });
  const events = await eventsAfter(h.gateway, h.connectionId, before);
  expect(events.map((e) => e.sequence)).toEqual(events.map((_, i) => before + 1 + i));
  const records = events.filter((e) => !e.type.startsWith('connection.'));
  const connection = events.filter((e) => e.type.startsWith('connection.'));
  if (records.length > 0) {
    expect(connection.map((e) => e.type)).toEqual(['connection.sync_completed']);
    expect(events.at(-1)?.type).toBe('connection.sync_completed');
  }
  return records;
}

/** A manual run that must succeed and write no event at all. */
async function syncExpectingNothing(h: Harness): Promise<void> {
  const before = await lastSequence(h.gateway, h.connectionId);
  const run = await runSync(h.gateway, h.token, h.connectionId);
  expect(run).toMatchObject({ status: 'succeeded', error: null });
  expect(await eventsAfter(h.gateway, h.connectionId, before)).toEqual([]);
}

async function rows(h: Harness, table: string): Promise<StoredRow[]> {
  return query<StoredRow>(
    h.gateway,
    `SELECT id, remote_id, data, remote_deleted_at, deletion_reason FROM ${table}
     WHERE connection_id = $1 ORDER BY remote_id`,
    [h.connectionId],
  );
}

async function liveRows(h: Harness, table: string): Promise<StoredRow[]> {
  return (await rows(h, table)).filter((r) => r.remote_deleted_at === null);
}

function byRemoteId(list: StoredRow[]): Map<string, StoredRow> {
  return new Map(list.map((r) => [r.remote_id, r]));
}

function sorted(values: Iterable<string>): string[] {
  return Array.from(values).sort();
}

function ofType(events: StoredEvent[], type: string): StoredEvent[] {
  return events.filter((e) => e.type === type);
}

function ofPrefix(events: StoredEvent[], prefix: string): StoredEvent[] {
  return events.filter((e) => e.type.startsWith(prefix));
}

/**
 * `previous` holds exactly the content fields that differ between the stored record before the
 * run and the event's object, with their old values (inside `custom_fields`: only the keys that
 * changed), and every key in it differs from the new object.
 */
function expectMinimalPrevious(before: Data, event: StoredEvent): void {
  const after = event.data.object;
  const previous = event.data.previous ?? {};
  const expected: Data = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (NOT_CONTENT.has(key)) continue;
    const a = before[key] ?? null;
    const b = after[key] ?? null;
    if (isDeepStrictEqual(a, b)) continue;
    if (key === 'custom_fields' && isObject(a) && isObject(b)) {
      const inner: Data = {};
      for (const sub of new Set([...Object.keys(a), ...Object.keys(b)])) {
        if (!isDeepStrictEqual(a[sub] ?? null, b[sub] ?? null)) inner[sub] = a[sub] ?? null;
      }
      expected[key] = inner;
    } else {
      expected[key] = a;
    }
  }
  expect(Object.keys(expected).length).toBeGreaterThan(0);
  expect(previous).toEqual(expected);
  for (const [key, value] of Object.entries(previous)) {
    expect(after[key] ?? null).not.toEqual(value);
  }
}

function isObject(value: unknown): value is Data {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A v1 time-off id or a v2 absence-period UUID, whichever generation the connector chose. */
function absenceRemoteIds(a: Absence): string[] {
  return [String(a.id), a.uuid];
}

function storedAbsenceOf(list: StoredRow[], a: Absence): StoredRow | undefined {
  const ids = absenceRemoteIds(a);
  return list.find((r) => ids.includes(r.remote_id));
}

function dayTypeId(sandbox: RunningSandbox): number {
  const type = sandbox.company.timeOffTypes.find((t) => t.unit === 'day');
  if (!type) throw new Error('the sandbox has no day-based absence type');
  return type.id;
}

function activeEmployees(sandbox: RunningSandbox): Employee[] {
  return sandbox.state.store.employees().filter((e) => e.status === 'active');
}

describe('sync events for every kind of sandbox change (e2e)', () => {
  let h: Harness;
  const today = utcToday();

  beforeAll(async () => {
    h = await startHarness({ employees: 60 }, () => undefined);
  });
  afterAll(() => closeHarness(h));

  it('terminate, hire, absence add/update/cancel each give exactly their events with minimal previous', async () => {
    const { sandbox } = h;
    const typeId = dayTypeId(sandbox);
    const leaver = activeEmployees(sandbox).find(
      (e) => e.terminationDate === null && e.email !== null,
    )!;
    const absentee = activeEmployees(sandbox).find((e) => e.id !== leaver.id)!;
    const storedBefore = byRemoteId(await rows(h, 'employees'));
    const leaverBefore = storedBefore.get(String(leaver.id))!;
    expect(leaverBefore.data).toMatchObject({ termination_date: null });

    // Run 1: a termination effective today, a hire starting today, a new absence.
    sandbox.control.terminate(leaver.id, { termination_date: today });
    const hired = sandbox.control.hire({
      first_name: 'Ada',
      last_name: 'Lovelace',
      email: 'ada.lovelace@example.com',
      hire_date: today,
    });
    const absence = sandbox.control.addAbsence({
      employee_id: absentee.id,
      time_off_type_id: typeId,
      start_date: addDays(today, 20),
      end_date: addDays(today, 22),
    });
    const first = await syncAndCollect(h);

    const leaverId = gatewayId(h.connectionId, 'employees', String(leaver.id));
    const hiredId = gatewayId(h.connectionId, 'employees', String(hired.id));
    // Exactly these record events, nothing else (the hire has no title, so no position).
    expect(sorted(first.map((e) => e.type))).toEqual(
      sorted([
        'employee.updated',
        'employee.terminated',
        'employee.created',
        'employee.started',
        'absence.created',
      ]),
    );
    const employeeEvents = ofPrefix(first, 'employee.');
    expect(sorted(employeeEvents.map((e) => `${e.type} ${String(e.data.object.id)}`))).toEqual(
      sorted([
        `employee.updated ${leaverId}`,
        `employee.terminated ${leaverId}`,
        `employee.created ${hiredId}`,
        `employee.started ${hiredId}`,
      ]),
    );
    const updated = ofType(first, 'employee.updated')[0]!;
    expect(updated.data.object).toMatchObject({
      remote_id: String(leaver.id),
      termination_date: today,
    });
    expect(updated.data.previous).toMatchObject({ termination_date: null });
    expect(updated.data.previous).toHaveProperty('status', leaverBefore.data.status);
    expectMinimalPrevious(leaverBefore.data, updated);

    const terminated = ofType(first, 'employee.terminated')[0]!;
    expect(terminated.data).toMatchObject({
      date: today,
      object: { id: leaverId, termination_date: today },
    });
    const created = ofType(first, 'employee.created')[0]!;
    expect(created.data.object).toMatchObject({
      id: hiredId,
      remote_id: String(hired.id),
      email: 'ada.lovelace@example.com',
      hire_date: today,
    });
    expect(created.data.previous).toBeUndefined();
    expect(ofType(first, 'employee.started')[0]!.data).toMatchObject({
      date: today,
      object: { id: hiredId, hire_date: today },
    });

    const absenceEvents = ofPrefix(first, 'absence.');
    expect(absenceEvents.map((e) => e.type)).toEqual(['absence.created']);
    const absenceObject = absenceEvents[0]!.data.object;
    expect(absenceRemoteIds(absence)).toContain(absenceObject.remote_id);
    expect(absenceObject).toMatchObject({
      employee_id: gatewayId(h.connectionId, 'employees', String(absentee.id)),
      start_date: addDays(today, 20),
      end_date: addDays(today, 22),
    });
    const storedAbsence = storedAbsenceOf(await liveRows(h, 'absences'), absence)!;
    expect(storedAbsence.id).toBe(absenceObject.id);

    // Run 2, the same day: the absence changes; no second started/terminated.
    sandbox.control.updateAbsence(absence.id, { end_date: addDays(today, 24) });
    const second = await syncAndCollect(h);
    expect(ofPrefix(second, 'employee.')).toEqual([]);
    expect(second.map((e) => e.type)).toEqual(['absence.updated']);
    const absenceUpdated = second[0]!;
    expect(absenceUpdated.data.object).toMatchObject({
      id: storedAbsence.id,
      end_date: addDays(today, 24),
    });
    expect(absenceUpdated.data.previous).toMatchObject({ end_date: addDays(today, 22) });
    expect(absenceUpdated.data.previous).not.toHaveProperty('start_date');
    expectMinimalPrevious(storedAbsence.data, absenceUpdated);

    // Run 3: the absence is cancelled.
    sandbox.control.cancelAbsence(absence.id);
    const third = await syncAndCollect(h);
    expect(third.map((e) => e.type)).toEqual(['absence.deleted']);
    expect(third[0]!.data).toMatchObject({
      object: { id: storedAbsence.id },
      reason: 'removed_in_source',
    });
    const [cancelled] = await query<{ remote_deleted_at: Date | null }>(
      h.gateway,
      `SELECT remote_deleted_at FROM absences WHERE id = $1`,
      [storedAbsence.id],
    );
    expect(cancelled?.remote_deleted_at).not.toBeNull();

    // Run 4: nothing changed, nothing is announced (no repeat of the effective-date events).
    await syncExpectingNothing(h);

    // Every event of the connection, from connect on, has a gapless sequence.
    const all = await eventsAfter(h.gateway, h.connectionId, 0);
    expect(all.map((e) => e.sequence)).toEqual(all.map((_, i) => i + 1));
    expect(await lastSequence(h.gateway, h.connectionId)).toBe(all.length);
    expect(ofType(all, 'employee.terminated')).toHaveLength(1);
    expect(ofType(all, 'employee.started')).toHaveLength(1);
  });
});

describe('benefits case: custom attribute scope and a mapped budget (e2e)', () => {
  let h: Harness;
  let alleo: { key: string; label: string };
  let budget: { key: string; label: string };
  let badge: { key: string; label: string };
  let titel: { key: string; label: string };

  const inScope = (): Employee[] =>
    h.sandbox.state.store.employees().filter((e) => e.custom[alleo.key] === 'Yes');

  beforeAll(async () => {
    h = await startHarness({ employees: 60 }, (sandbox) => {
      const attrs = sandbox.company.customAttributes;
      const yesNo = attrs.find(
        (d) => d.type === 'list' && isDeepStrictEqual(sorted(d.options), ['No', 'Yes']),
      );
      const money = attrs.find((d) => d.type === 'decimal' && /budget/i.test(d.label));
      const badgeDef = attrs.find((d) => d.type === 'integer');
      const titelDef = attrs.find((d) => d.type === 'standard' && d.universalId === null);
      if (!yesNo || !money || !badgeDef || !titelDef) throw new Error('sandbox attributes moved');
      alleo = yesNo;
      budget = money;
      badge = badgeDef;
      titel = titelDef;
      return {
        scope: { attribute_rule: { attribute: alleo.label, equals: ['Yes'] } },
        field_mapping: { budget: budget.label },
      };
    });
  });
  afterAll(() => closeHarness(h));

  it('stores exactly the people with "Yes" and serves their budget as custom_fields.budget', async () => {
    const people = inScope();
    expect(people.length).toBeGreaterThan(3);
    // Some people say "No" or nothing: the scope really filters.
    expect(people.length).toBeLessThan(h.sandbox.state.store.employees().length);
    const stored = await liveRows(h, 'employees');
    expect(stored.map((r) => r.remote_id).sort()).toEqual(sorted(people.map((e) => String(e.id))));
    const byId = byRemoteId(stored);
    for (const e of people) {
      expect(byId.get(String(e.id))!.data.custom_fields).toEqual({
        budget: e.custom[budget.key] ?? null,
      });
    }
    expect(people.some((e) => typeof e.custom[budget.key] === 'number')).toBe(true);
  });

  it('flipping the attribute to "No" deletes with left_scope; flipping back re-creates the same id', async () => {
    const person = inScope()[0]!;
    const [storedBefore] = (await liveRows(h, 'employees')).filter(
      (r) => r.remote_id === String(person.id),
    );
    expect(storedBefore).toBeDefined();

    h.sandbox.control.updateEmployee(person.id, { [alleo.key]: 'No' });
    const out = await syncAndCollect(h);
    const leaving = ofPrefix(out, 'employee.');
    expect(leaving.map((e) => e.type)).toEqual(['employee.deleted']);
    expect(leaving[0]!.data.reason).toBe('left_scope');
    expect(leaving[0]!.data.object).toMatchObject({
      id: storedBefore!.id,
      remote_id: String(person.id),
    });
    const [gone] = (await rows(h, 'employees')).filter((r) => r.remote_id === String(person.id));
    expect(gone).toMatchObject({ deletion_reason: 'left_scope' });
    expect(gone!.remote_deleted_at).not.toBeNull();

    h.sandbox.control.updateEmployee(person.id, { [alleo.key]: 'Yes' });
    const back = await syncAndCollect(h);
    const returning = ofPrefix(back, 'employee.');
    expect(returning.map((e) => e.type)).toEqual(['employee.created']);
    expect(returning[0]!.data.object).toMatchObject({
      id: storedBefore!.id,
      remote_id: String(person.id),
      remote_deleted_at: null,
    });
    const [again] = (await rows(h, 'employees')).filter((r) => r.remote_id === String(person.id));
    expect(again).toMatchObject({ id: storedBefore!.id, remote_deleted_at: null });
    expect(sorted((await liveRows(h, 'employees')).map((r) => r.remote_id))).toEqual(
      sorted(inScope().map((e) => String(e.id))),
    );
  });

  it('a field_mapping change emits employee.updated with previous custom_fields of the changed key only', async () => {
    // Adding a key: people with a value get it, previous says it was null.
    const before1 = byRemoteId(await liveRows(h, 'employees'));
    await patchSettings(h, {
      scope: { attribute_rule: { attribute: alleo.label, equals: ['Yes'] } },
      field_mapping: { budget: budget.label, badge: badge.label },
    });
    // Not before the next run.
    expect(byRemoteId(await liveRows(h, 'employees'))).toEqual(before1);
    const added = await syncAndCollect(h);
    const withBadge = inScope().filter((e) => e.custom[badge.key] !== null);
    expect(withBadge.length).toBeGreaterThan(0);
    expect(added.every((e) => e.type === 'employee.updated')).toBe(true);
    expect(sorted(added.map((e) => String(e.data.object.remote_id)))).toEqual(
      sorted(withBadge.map((e) => String(e.id))),
    );
    const sandboxById = new Map(inScope().map((e) => [String(e.id), e]));
    for (const event of added) {
      const person = sandboxById.get(String(event.data.object.remote_id))!;
      expect(event.data.object.custom_fields).toEqual({
        budget: person.custom[budget.key] ?? null,
        badge: person.custom[badge.key],
      });
      expect(event.data.previous).toEqual({ custom_fields: { badge: null } });
      expectMinimalPrevious(before1.get(String(event.data.object.remote_id))!.data, event);
    }

    // Moving one key to another attribute (and naming budget by key instead of label, which is
    // the same attribute): only badge changes, only for people whose two values differ.
    const before2 = byRemoteId(await liveRows(h, 'employees'));
    await patchSettings(h, {
      scope: { attribute_rule: { attribute: alleo.label, equals: ['Yes'] } },
      field_mapping: { budget: budget.key, badge: titel.label },
    });
    const moved = await syncAndCollect(h);
    const differing = inScope().filter(
      (e) => (e.custom[badge.key] ?? null) !== null || (e.custom[titel.key] ?? null) !== null,
    );
    expect(moved.every((e) => e.type === 'employee.updated')).toBe(true);
    expect(sorted(moved.map((e) => String(e.data.object.remote_id)))).toEqual(
      sorted(differing.map((e) => String(e.id))),
    );
    for (const event of moved) {
      const before = before2.get(String(event.data.object.remote_id))!;
      expect(Object.keys(event.data.previous ?? {})).toEqual(['custom_fields']);
      expect(Object.keys(event.data.previous!.custom_fields as Data)).toEqual(['badge']);
      expectMinimalPrevious(before.data, event);
    }
  });
});

describe('learning case: internal only, then internal and external (e2e)', () => {
  let h: Harness;
  const externals = (): Employee[] =>
    h.sandbox.state.store.employees().filter((e) => e.employmentType === 'external');
  const internals = (): Employee[] =>
    h.sandbox.state.store.employees().filter((e) => e.employmentType === 'internal');

  beforeAll(async () => {
    h = await startHarness({ employees: 60 }, () => ({
      scope: { employment_types: ['internal'] },
    }));
  });
  afterAll(() => closeHarness(h));

  it('stores only internal employees, with job title, manager, team, department and office', async () => {
    expect(externals().length).toBeGreaterThan(0);
    const stored = await liveRows(h, 'employees');
    expect(stored.map((r) => r.remote_id).sort()).toEqual(
      sorted(internals().map((e) => String(e.id))),
    );
    const offices = new Map(h.sandbox.company.offices.map((o) => [o.id, o.name]));
    const byId = byRemoteId(stored);
    for (const e of internals()) {
      const data = byId.get(String(e.id))!.data;
      for (const key of ['job_title', 'manager_id', 'team_id', 'department_id', 'office']) {
        expect(data).toHaveProperty(key);
      }
      expect(data).toMatchObject({
        employment_type: 'internal',
        job_title: e.position === '' ? null : e.position,
        manager_id:
          e.supervisorId === null
            ? null
            : gatewayId(h.connectionId, 'employees', String(e.supervisorId)),
        team_id: e.teamId === null ? null : gatewayId(h.connectionId, 'teams', `team:${e.teamId}`),
        department_id:
          e.departmentId === null
            ? null
            : gatewayId(h.connectionId, 'teams', `department:${e.departmentId}`),
        office: e.officeId === null ? null : offices.get(e.officeId),
      });
    }
    // The fields are filled, not just present.
    for (const key of ['job_title', 'manager_id', 'team_id', 'department_id', 'office']) {
      expect(stored.filter((r) => r.data[key] !== null).length).toBeGreaterThan(0);
    }
  });

  it('adding external takes effect on the next run and announces each external as created', async () => {
    const before = await liveRows(h, 'employees');
    await patchSettings(h, { scope: { employment_types: ['internal', 'external'] } });
    expect(await liveRows(h, 'employees')).toEqual(before);

    const out = await syncAndCollect(h);
    const employeeEvents = ofPrefix(out, 'employee.');
    expect(employeeEvents.every((e) => e.type === 'employee.created')).toBe(true);
    expect(sorted(employeeEvents.map((e) => String(e.data.object.remote_id)))).toEqual(
      sorted(externals().map((e) => String(e.id))),
    );
    for (const event of employeeEvents) {
      expect(event.data.object).toMatchObject({
        employment_type: 'external',
        id: gatewayId(h.connectionId, 'employees', String(event.data.object.remote_id)),
      });
    }
    expect(sorted((await liveRows(h, 'employees')).map((r) => r.remote_id))).toEqual(
      sorted(h.sandbox.state.store.employees().map((e) => String(e.id))),
    );
    // A further run changes nothing.
    await syncExpectingNothing(h);
  });
});

describe('planner case: the absence window counts overlaps (e2e)', () => {
  let h: Harness;
  const today = utcToday();
  const window = { from: addDays(today, -14), to: addDays(today, 180) };
  const overlapsWindow = (a: Absence): boolean =>
    a.startDate <= window.to && a.endDate >= window.from;

  beforeAll(async () => {
    h = await startHarness({ employees: 60 }, () => ({
      absences: { days_back: 14, days_ahead: 180 },
    }));
  });
  afterAll(() => closeHarness(h));

  it('stores absences inside or overlapping the -14/+180 day window, and no others', async () => {
    const { sandbox } = h;
    const typeId = dayTypeId(sandbox);
    const employee = activeEmployees(sandbox)[0]!;
    const add = (start: number, end: number): Absence =>
      sandbox.control.addAbsence({
        employee_id: employee.id,
        time_off_type_id: typeId,
        start_date: addDays(today, start),
        end_date: addDays(today, end),
      });
    const inside = add(3, 7);
    const startsBefore = add(-20, -10);
    const endsAfter = add(175, 185);
    const allBefore = add(-40, -30);
    const allAfter = add(190, 200);

    const out = await syncAndCollect(h);
    const stored = await liveRows(h, 'absences');
    const mine = [inside, startsBefore, endsAfter, allBefore, allAfter];
    const storedMine = mine.filter((a) => storedAbsenceOf(stored, a) !== undefined);
    expect(storedMine.map((a) => a.id)).toEqual([inside.id, startsBefore.id, endsAfter.id]);
    const created = ofType(out, 'absence.created').map((e) => String(e.data.object.remote_id));
    expect(created).toHaveLength(3);
    for (const a of [inside, startsBefore, endsAfter]) {
      expect(created.some((id) => absenceRemoteIds(a).includes(id))).toBe(true);
    }
    expect(ofType(out, 'absence.deleted')).toEqual([]);

    // The whole table: exactly the sandbox's absences that overlap the window.
    const expected = sandbox.state.store.absences().filter(overlapsWindow);
    expect(expected.length).toBeGreaterThan(3);
    expect(stored).toHaveLength(expected.length);
    for (const a of expected) expect(storedAbsenceOf(stored, a)).toBeDefined();
  });

  it('an absence that leaves the window is kept, not reported deleted', async () => {
    // Narrowing days_back moves the window's start past the absence that ended 10 days ago,
    // as the passing days would: it is no longer read, and must not look deleted.
    const before = await liveRows(h, 'absences');
    await patchSettings(h, { absences: { days_back: 5, days_ahead: 180 } });
    const out = await syncAndCollect(h);
    expect(ofPrefix(out, 'absence.')).toEqual([]);
    expect(await liveRows(h, 'absences')).toEqual(before);
  });
});

const OUT_OF_SCOPE_TITLE = 'Retired Archivist';

describe('feedback case: people without email, positions and reporting lines (e2e)', () => {
  let h: Harness;
  const inScope = (): Employee[] => activeEmployees(h.sandbox);

  beforeAll(async () => {
    h = await startHarness({ employees: 60 }, (sandbox) => {
      // At least one active person has no email in Personio.
      if (!activeEmployees(sandbox).some((e) => e.email === null)) {
        sandbox.control.updateEmployee(activeEmployees(sandbox)[5]!.id, { email: null });
      }
      // A title only an out-of-scope person has: it must not become a position.
      const former = sandbox.state.store.employees().find((e) => e.status === 'inactive');
      if (!former) throw new Error('the sandbox has no inactive employee');
      sandbox.control.updateEmployee(former.id, { position: OUT_OF_SCOPE_TITLE });
      return { scope: { statuses: ['active'] } };
    });
  });
  afterAll(() => closeHarness(h));

  it('stores and serves people without email with email null', async () => {
    const noEmail = inScope().filter((e) => e.email === null);
    expect(noEmail.length).toBeGreaterThan(0);
    const stored = await query<{ remote_id: string; email_lower: string | null; data: Data }>(
      h.gateway,
      `SELECT remote_id, email_lower, data FROM employees
       WHERE connection_id = $1 AND remote_deleted_at IS NULL`,
      [h.connectionId],
    );
    expect(stored.map((r) => r.remote_id).sort()).toEqual(
      sorted(inScope().map((e) => String(e.id))),
    );
    for (const e of noEmail) {
      const row = stored.find((r) => r.remote_id === String(e.id));
      expect(row).toMatchObject({ email_lower: null, data: { email: null } });
      expect(row!.data.display_name).toEqual(expect.any(String));
    }
  });

  it('has one position per distinct job title in scope and one reporting line per supervised person', async () => {
    const people = inScope();
    const titles = new Set(
      people.map((e) => e.position.trim().toLowerCase().replace(/\s+/g, ' ')).filter(Boolean),
    );
    expect(titles.has(OUT_OF_SCOPE_TITLE.toLowerCase())).toBe(false);
    const positions = await liveRows(h, 'positions');
    expect(positions.map((p) => String(p.data.title).toLowerCase()).sort()).toEqual(sorted(titles));
    expect(new Set(positions.map((p) => p.remote_id)).size).toBe(positions.length);

    const employees = byRemoteId(await liveRows(h, 'employees'));
    for (const p of positions) {
      expect(Array.from(employees.values()).some((e) => e.data.position_id === p.id)).toBe(true);
    }

    const supervised = people.filter((e) => e.supervisorId !== null);
    expect(supervised.length).toBeGreaterThan(0);
    const lines = await liveRows(h, 'reporting_lines');
    expect(lines.map((l) => l.remote_id).sort()).toEqual(
      sorted(supervised.map((e) => String(e.id))),
    );
    for (const line of lines) {
      const employee = employees.get(line.remote_id)!;
      expect(line.data).toMatchObject({
        employee_id: employee.id,
        manager_id: employee.data.manager_id,
      });
    }
  });
});
