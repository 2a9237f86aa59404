/**
 * Expense tool (docs/scenarios.md): polls every 15 minutes, active employees only. A person
 * hired as active in Personio is readable through the API, and announced to the product's
 * webhook as employee.created, after exactly one scheduled poll: the clock moves 15 minutes.
 */
import { type Employee } from '../../../connectors/personio/sandbox/model';
import { expense } from './recipes';
import {
  closeScenario,
  expectNoNewRun,
  getConnection,
  moveClock,
  read,
  readAll,
  runs,
  scheduledRunAfter,
  startScenario,
  utcToday,
  type Scenario,
  waitForVerified,
} from './scenario-harness';

jest.setTimeout(40_000);

const MINUTE = 60_000;

describe('expense tool: a new active employee within one 15-minute poll (e2e)', () => {
  let s: Scenario;

  beforeAll(async () => {
    s = await startScenario(expense);
  });
  afterAll(() => closeScenario(s));

  it('serves exactly the active people after connecting, with their names, email and status', async () => {
    const active = s.sandbox.state.store.employees().filter((e) => e.status === 'active');
    expect(active.length).toBeLessThan(s.sandbox.state.store.employees().length);
    const served = await readAll(s, '/v1/hris/employees');
    expect(served.map((e) => e.remote_id).sort()).toEqual(active.map((e) => String(e.id)).sort());
    const byRemoteId = new Map(served.map((e) => [e.remote_id, e]));
    for (const person of active) {
      expect(byRemoteId.get(String(person.id))).toMatchObject(expenseFields(person));
    }
    // The schedule is the application's default: the next poll is 15 minutes after connecting.
    const connection = await getConnection(s);
    expect(connection.settings).toEqual(expense.connect_session.settings);
    const next = Date.parse(connection.next_sync_at as string);
    const connectedAt = Date.parse(connection.connected_at as string);
    expect(next - connectedAt).toBeGreaterThanOrEqual(15 * MINUTE - 1_000);
    expect(next - connectedAt).toBeLessThanOrEqual(15 * MINUTE + 1_000);
  });

  it('picks up a hire on the next scheduled poll and tells the webhook, verified with its secret', async () => {
    // The product last looked when the baseline had finished.
    const since = s.baseline.finished_at as string;
    const hired = s.sandbox.control.hire({
      first_name: 'Grace',
      last_name: 'Hopper',
      email: 'grace.hopper@example.com',
      status: 'active',
      hire_date: utcToday(),
    });
    const before = await runs(s);
    // Nothing is polled before the 15 minutes are up.
    await moveClock(s, 5 * MINUTE);
    await expectNoNewRun(s, before);
    const notYet = await read(s, '/v1/hris/employees', { email: 'grace.hopper@example.com' });
    expect(notYet.data).toEqual([]);

    await moveClock(s, 10 * MINUTE);
    const run = await scheduledRunAfter(s, before);
    expect(run).toMatchObject({ trigger: 'schedule', status: 'succeeded', error: null });
    expect(run.counts.employees).toMatchObject({ created: 1, updated: 0, deleted: 0 });
    // One poll: the only run since the hire, and the next one is 15 minutes on.
    expect((await runs(s)).filter((r) => !before.some((b) => b.id === r.id))).toHaveLength(1);
    const connection = await getConnection(s);
    expect(Date.parse(connection.next_sync_at as string) - s.clock.now().getTime()).toBeGreaterThan(
      14 * MINUTE,
    );

    // What the product reads: changes since its last look, and the person by email.
    const changed = await readAll(s, '/v1/hris/employees', { updated_since: since });
    expect(changed.map((e) => e.remote_id)).toEqual([String(hired.id)]);
    const [person] = (await read(s, '/v1/hris/employees', { email: 'GRACE.HOPPER@example.com' }))
      .data as Array<Record<string, unknown>>;
    expect(person).toMatchObject({ ...expenseFields(hired), display_name: 'Grace Hopper' });

    // And what it is told: employee.created for the same person, signed with its secret.
    const created = await waitForVerified(s, (e) => e.type === 'employee.created');
    expect(created).toMatchObject({
      connection_id: s.connectionId,
      data: { object: { id: person!.id, ...expenseFields(hired) } },
    });
    // The filter held: no effective-date events (employee.started) for this endpoint.
    const types = s.receiver!.verified(s.webhookSecret!).map((e) => e.type);
    expect(types.filter((t) => !t.startsWith('connection.'))).toEqual(['employee.created']);
    expect(types).toContain('connection.connected');
    // Every request that arrived verifies: nothing unsigned or signed otherwise.
    expect(s.receiver!.verified(s.webhookSecret!)).toHaveLength(s.receiver!.requests.length);
  });
});

/** The fields an expense account is opened from, as Personio holds them. */
function expenseFields(e: Employee): Record<string, unknown> {
  return {
    remote_id: String(e.id),
    first_name: e.firstName,
    last_name: e.lastName,
    email: e.email,
    status: e.status,
  };
}
