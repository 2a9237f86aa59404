/**
 * Benefits tool (docs/scenarios.md): one poll a day, only active people whose custom attribute
 * "Alleo" says "Yes", with their "Budget" served as custom_fields.budget. The product reads the
 * pull feed: the day after HR flips someone to "No", the feed says employee.deleted, left_scope.
 */
import { type Employee } from '../../../connectors/personio/sandbox/model';
import { benefits } from './recipes';
import {
  closeScenario,
  expectNoNewRun,
  feedAfter,
  feedEnd,
  getConnection,
  moveClock,
  readAll,
  runs,
  scheduledRunAfter,
  startScenario,
  type Body,
  type Scenario,
} from './scenario-harness';

jest.setTimeout(40_000);

const HOUR = 3_600_000;

describe('benefits tool: daily, selective by "Alleo", with the budget (e2e)', () => {
  let s: Scenario;
  let alleo: string;
  let budget: string;

  const inScope = (): Employee[] =>
    s.sandbox.state.store
      .employees()
      .filter((e) => e.status === 'active' && e.custom[alleo] === 'Yes');

  beforeAll(async () => {
    s = await startScenario(benefits, { sandbox: { employees: 60 } });
    const keyOf = (label: string): string => {
      const def = s.sandbox.company.customAttributes.find((d) => d.label === label);
      if (!def) throw new Error(`the sandbox has no "${label}" attribute`);
      return def.key;
    };
    alleo = keyOf('Alleo');
    budget = keyOf('Budget');
  });
  afterAll(() => closeScenario(s));

  it('serves exactly the active "Yes" people, each with the budget Personio holds', async () => {
    const people = inScope();
    expect(people.length).toBeGreaterThan(3);
    // Both halves of the rule filter someone out: a "No" and an inactive "Yes".
    const all = s.sandbox.state.store.employees();
    expect(all.some((e) => e.status === 'active' && e.custom[alleo] !== 'Yes')).toBe(true);
    expect(all.some((e) => e.status !== 'active' && e.custom[alleo] === 'Yes')).toBe(true);

    const served = await readAll(s, '/v1/hris/employees');
    expect(served.map((e) => e.remote_id).sort()).toEqual(people.map((e) => String(e.id)).sort());
    const byRemoteId = new Map(served.map((e) => [e.remote_id, e]));
    for (const person of people) {
      expect(byRemoteId.get(String(person.id))!.custom_fields).toEqual({
        budget: person.custom[budget] ?? null,
      });
    }
    expect(served.some((e) => typeof (e.custom_fields as Body).budget === 'number')).toBe(true);
    // Settings as sent on the connect link; the daily schedule comes from the application.
    const connection = await getConnection(s);
    expect(connection.settings).toEqual(benefits.connect_session.settings);
    const next = Date.parse(connection.next_sync_at as string);
    expect(next - Date.parse(connection.connected_at as string)).toBeGreaterThan(23.9 * HOUR);
  });

  it('the day after HR flips someone to "No", the feed has employee.deleted with left_scope', async () => {
    const [leaver, raised] = inScope().filter((e) => typeof e.custom[budget] === 'number');
    expect(leaver && raised).toBeTruthy();
    const leaverServed = (await readAll(s, '/v1/hris/employees')).find(
      (e) => e.remote_id === String(leaver!.id),
    );
    const after = await feedEnd(s);
    const oldBudget = raised!.custom[budget] as number;
    s.sandbox.control.updateEmployee(leaver!.id, { [alleo]: 'No' });
    s.sandbox.control.updateEmployee(raised!.id, { [budget]: oldBudget + 250 });

    const before = await runs(s);
    await moveClock(s, 23 * HOUR);
    await expectNoNewRun(s, before);
    await moveClock(s, HOUR + 60_000);
    const run = await scheduledRunAfter(s, before);
    expect(run).toMatchObject({ trigger: 'schedule', status: 'succeeded' });
    expect(run.counts.employees).toMatchObject({ created: 0, updated: 1, deleted: 1 });

    const events = (await feedAfter(s, after)).filter((e) =>
      (e.type as string).startsWith('employee.'),
    );
    expect(events.map((e) => e.type).sort()).toEqual(['employee.deleted', 'employee.updated']);
    const deleted = events.find((e) => e.type === 'employee.deleted')!;
    expect(deleted.data).toMatchObject({
      reason: 'left_scope',
      object: { id: leaverServed!.id, remote_id: String(leaver!.id) },
    });
    const updated = events.find((e) => e.type === 'employee.updated')!;
    expect(updated.data).toEqual(
      expect.objectContaining({
        object: expect.objectContaining({
          remote_id: String(raised!.id),
          custom_fields: { budget: oldBudget + 250 },
        }),
        previous: { custom_fields: { budget: oldBudget } },
      }),
    );

    // The list no longer has the leaver; asking for deleted ones shows why it went.
    const served = await readAll(s, '/v1/hris/employees');
    expect(served.map((e) => e.remote_id).sort()).toEqual(
      inScope()
        .map((e) => String(e.id))
        .sort(),
    );
    const withDeleted = await readAll(s, '/v1/hris/employees', { include_deleted: 'true' });
    const gone = withDeleted.find((e) => e.remote_id === String(leaver!.id));
    expect(gone?.remote_deleted_at).toEqual(expect.any(String));
  });
});
