/**
 * Learning platform (docs/scenarios.md): a daily sync at 04:00 UTC; internal staff first, then
 * external staff too, switched on only after a test run showed what would change; teams built
 * from departments and supervisors through /v1/hris/groups; runs started by a named person in
 * the history; and when Personio keeps failing, automatic syncing pauses after three failed
 * runs and the owner's webhook hears connection.paused. Days pass on the gateway's clock.
 */
import { type Employee } from '../../../connectors/personio/sandbox/model';
import { waitForRun, type RunView } from '../../support/sync';
import { type ReceivedEvent } from '../../support/webhook-receiver';
import { learning, learningIncludeExternals, learningManualRun } from './recipes';
import {
  closeScenario,
  expectNoNewRun,
  getConnection,
  manage,
  moveClockPast,
  read,
  readAll,
  runs,
  scheduledRunAfter,
  startScenario,
  type Body,
  type Scenario,
  waitForVerified,
} from './scenario-harness';

jest.setTimeout(40_000);

/** The first 04:00 UTC strictly after `at`. */
function next0400(at: Date): Date {
  const d = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate(), 4));
  if (d.getTime() <= at.getTime()) d.setUTCDate(d.getUTCDate() + 1);
  return d;
}

function sortedIds(items: Body[]): string[] {
  return items.map((e) => String(e.id)).sort();
}

describe('learning platform: 04:00 UTC, externals on and off, groups, test, history, pause (e2e)', () => {
  let s: Scenario;
  const people = (type: Employee['employmentType']): Employee[] =>
    s.sandbox.state.store.employees().filter((e) => e.employmentType === type);

  beforeAll(async () => {
    s = await startScenario(learning, { sandbox: { employees: 60 } });
  });
  afterAll(() => closeScenario(s));

  it('serves internal staff only, with job title, supervisor, team, department and office', async () => {
    expect(people('external').length).toBeGreaterThan(0);
    const served = await readAll(s, '/v1/hris/employees');
    expect(served.map((e) => e.remote_id).sort()).toEqual(
      people('internal')
        .map((e) => String(e.id))
        .sort(),
    );
    expect((await read(s, '/v1/hris/employees', { employment_type: 'external' })).data).toEqual([]);
    const offices = new Map(s.sandbox.company.offices.map((o) => [o.id, o.name]));
    const byRemoteId = new Map(served.map((e) => [String(e.remote_id), e]));
    const idOf = (remoteId: number | null): unknown =>
      remoteId === null ? null : (byRemoteId.get(String(remoteId))?.id ?? expect.any(String));
    for (const person of people('internal')) {
      expect(byRemoteId.get(String(person.id))).toMatchObject({
        employment_type: 'internal',
        job_title: person.position === '' ? null : person.position,
        office: person.officeId === null ? null : offices.get(person.officeId),
        manager_id: idOf(person.supervisorId),
        team_id: person.teamId === null ? null : expect.any(String),
        department_id: person.departmentId === null ? null : expect.any(String),
      });
    }
    for (const field of ['job_title', 'manager_id', 'team_id', 'department_id', 'office']) {
      expect(served.filter((e) => e[field] !== null).length).toBeGreaterThan(served.length / 2);
    }
  });

  it('builds teams by department and by supervisor through groups', async () => {
    const served = await readAll(s, '/v1/hris/employees');
    const teams = new Map((await readAll(s, '/v1/hris/teams')).map((t) => [t.id, t]));
    const names = new Map(served.map((e) => [e.id, String(e.display_name)]));
    for (const [by, field] of [
      ['department', 'department_id'],
      ['supervisor', 'manager_id'],
    ] as const) {
      const groups = (await read(s, '/v1/hris/groups', { by })).data as Body[];
      const expected = new Map<string, Body[]>();
      for (const e of served) {
        const key = e[field] as string | null;
        if (key !== null) expected.set(key, [...(expected.get(key) ?? []), e]);
      }
      expect(groups.map((g) => g.key).sort()).toEqual(Array.from(expected.keys()).sort());
      for (const group of groups) {
        const members = expected.get(group.key as string)!;
        expect(group.kind).toBe(by);
        expect(group.member_count).toBe(members.length);
        expect(sortedIds(group.members as Body[])).toEqual(sortedIds(members));
        expect(group.name).toBe(
          by === 'department'
            ? `Department ${String(teams.get(group.key)!.name)}`
            : `${names.get(group.key) ?? 'Unknown manager'}'s team`,
        );
      }
      expect(groups.length).toBeGreaterThan(1);
    }
  });

  it('runs at 04:00 UTC when the clock gets there, and schedules the next day', async () => {
    const connection = await getConnection(s);
    // The first 04:00 UTC after connecting (computed from connected_at: safe at 03:59:59 too).
    const due = new Date(connection.next_sync_at as string);
    expect(due).toEqual(next0400(new Date(connection.connected_at as string)));
    const before = await runs(s);
    await moveClockPast(s, due);
    const run = await scheduledRunAfter(s, before);
    expect(run).toMatchObject({ trigger: 'schedule', status: 'succeeded', error: null });
    expect((await getConnection(s)).next_sync_at).toBe(
      new Date(due.getTime() + 86_400_000).toISOString(),
    );
  });

  it('tests the switch to include externals before activating it, then syncs them', async () => {
    const externals = people('external');
    const servedBefore = await readAll(s, '/v1/hris/employees');
    // Hold syncing while the new settings are tried out.
    await manage(s, 'PATCH', `/v1/connections/${s.connectionId}`, { body: { status: 'paused' } });
    const patched = await manage(s, 'PATCH', `/v1/connections/${s.connectionId}`, {
      body: learningIncludeExternals,
    });
    expect(patched).toMatchObject({
      status: 'paused',
      settings: learningIncludeExternals.settings,
    });

    const test = await manage(s, 'POST', `/v1/connections/${s.connectionId}/test`);
    expect(test).toMatchObject({ ok: true, error: null, missing_attributes: [] });
    const preview = test.preview as Body;
    expect((preview.resources as Body).employees).toEqual({
      created: externals.length,
      updated: 0,
      deleted: 0,
      unchanged: servedBefore.length,
    });
    for (const sample of (preview.sample as { created: Body[] }).created) {
      expect(externals.map((e) => String(e.id))).toContain(sample.remote_id);
    }
    // A test writes nothing.
    expect(await readAll(s, '/v1/hris/employees')).toEqual(servedBefore);

    // Activate: resuming makes the connection due at once.
    const before = await runs(s);
    const resumed = await manage(s, 'PATCH', `/v1/connections/${s.connectionId}`, {
      body: { status: 'connected' },
    });
    expect(resumed).toMatchObject({ status: 'connected', consecutive_failures: 0 });
    const run = await scheduledRunAfter(s, before);
    expect(run).toMatchObject({ status: 'succeeded' });
    expect(run.counts.employees).toEqual((preview.resources as Body).employees);
    const external = await readAll(s, '/v1/hris/employees', { employment_type: 'external' });
    expect(external.map((e) => e.remote_id).sort()).toEqual(
      externals.map((e) => String(e.id)).sort(),
    );
    const byType = (await read(s, '/v1/hris/groups', { by: 'employment_type' })).data as Body[];
    expect(byType.map((g) => [g.key, g.member_count])).toEqual(
      expect.arrayContaining([['external', externals.length]]),
    );
  });

  it('shows a run started by a named person in the run history', async () => {
    const queued = await manage(s, 'POST', '/v1/sync-runs', {
      body: { ...learningManualRun, connection_id: s.connectionId },
      status: 202,
    });
    const run = await waitForRun(s.gateway, s.appToken, queued.id as string);
    expect(run).toMatchObject({
      trigger: 'manual',
      status: 'succeeded',
      actor: learningManualRun.actor,
    });
    const history = await runs(s);
    expect(history.map((r) => [r.trigger, r.status, r.actor])).toEqual([
      ['manual', 'succeeded', learningManualRun.actor],
      ['schedule', 'succeeded', null],
      ['schedule', 'succeeded', null],
      ['connect', 'succeeded', null],
    ]);
    const manual = await runs(s, 'manual');
    expect(manual.map((r) => r.id)).toEqual([run.id]);
  });

  it('pauses automatic syncing after three failed 04:00 runs and tells the owner', async () => {
    for (const path of ['/v1/company/employees*', '/v2/persons*']) {
      s.sandbox.control.addFault({ kind: 'status', status: 400, times: 0, path });
    }
    const failed: RunView[] = [];
    for (let day = 1; day <= 3; day += 1) {
      const before = await runs(s);
      const connection = await getConnection(s);
      expect(connection).toMatchObject({ status: 'connected', consecutive_failures: day - 1 });
      await moveClockPast(s, new Date(connection.next_sync_at as string));
      const run = await scheduledRunAfter(s, before);
      expect(run).toMatchObject({ trigger: 'schedule', status: 'failed' });
      expect(run.error).toEqual({ code: expect.any(String), message: expect.any(String) });
      failed.push(run);
    }
    const paused = await getConnection(s);
    expect(paused).toMatchObject({ status: 'paused', consecutive_failures: 3, next_sync_at: null });
    expect(paused.status_reason).toContain(failed[2]!.error!.message);

    // The owner's webhook: three failures, then the pause with its cause, all signed.
    const owner = await waitForVerified(s, (e) => isPauseAfterFailures(e));
    expect(owner.data).toMatchObject({
      object: { id: s.connectionId, status: 'paused', last_error: failed[2]!.error },
    });
    const told = s.receiver!.verified(s.webhookSecret!);
    const afterResume = told.slice(told.findIndex((e) => e.type === 'connection.resumed'));
    expect(
      afterResume
        .filter((e) => e.type === 'connection.sync_failed' || e.type === 'connection.paused')
        .map((e) => e.type),
    ).toEqual([
      'connection.sync_failed',
      'connection.sync_failed',
      'connection.sync_failed',
      'connection.paused',
    ]);

    // A paused connection is not polled at the next 04:00.
    const before = await runs(s);
    await moveClockPast(s, next0400(s.clock.now()));
    await expectNoNewRun(s, before);
  });
});

function isPauseAfterFailures(e: ReceivedEvent): boolean {
  return (
    e.type === 'connection.paused' &&
    (e.data.object as Record<string, unknown>).reason === 'repeated_failures'
  );
}
