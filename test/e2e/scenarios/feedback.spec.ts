/**
 * Feedback tool (docs/scenarios.md): every active person, with or without an email address,
 * their role (a position per distinct job title), their team and their manager (reporting
 * lines), polled every six hours. A new hire without email, in a new role, under a manager,
 * shows up in all of them after the clock moves six hours.
 */
import { type Employee } from '../../../connectors/personio/sandbox/model';
import { feedback } from './recipes';
import {
  closeScenario,
  expectNoNewRun,
  moveClock,
  read,
  readAll,
  runs,
  scheduledRunAfter,
  startScenario,
  type Body,
  type Scenario,
} from './scenario-harness';

jest.setTimeout(40_000);

const HOUR = 3_600_000;
const NEW_ROLE = 'Feedback Champion';

function normalisedTitle(title: string): string {
  return title.trim().toLowerCase().replace(/\s+/g, ' ');
}

describe('feedback tool: people without email, roles, teams and reporting lines (e2e)', () => {
  let s: Scenario;
  const active = (): Employee[] =>
    s.sandbox.state.store.employees().filter((e) => e.status === 'active');

  beforeAll(async () => {
    s = await startScenario(feedback, {
      prepare: (sandbox) => {
        const people = sandbox.state.store.employees().filter((e) => e.status === 'active');
        if (!people.some((e) => e.email === null)) {
          sandbox.control.updateEmployee(people[3]!.id, { email: null });
        }
      },
    });
  });
  afterAll(() => closeScenario(s));

  /** Everything the feedback tool reads, checked against Personio (the sandbox). */
  async function expectServedOrganisation(): Promise<Map<string, Body>> {
    const people = active();
    const served = await readAll(s, '/v1/hris/employees');
    expect(served.map((e) => e.remote_id).sort()).toEqual(people.map((e) => String(e.id)).sort());
    const byRemoteId = new Map(served.map((e) => [String(e.remote_id), e]));

    // People without email come through, with a name to show.
    const noEmail = people.filter((e) => e.email === null);
    expect(noEmail.length).toBeGreaterThan(0);
    for (const e of noEmail) {
      expect(byRemoteId.get(String(e.id))).toMatchObject({
        email: null,
        first_name: e.firstName,
        display_name: expect.any(String),
      });
    }

    // Roles: one position per distinct title, each counting its holders.
    const positions = await readAll(s, '/v1/hris/positions');
    const holders = new Map<string, number>();
    for (const e of people.filter((p) => p.position.trim() !== '')) {
      const title = normalisedTitle(e.position);
      holders.set(title, (holders.get(title) ?? 0) + 1);
    }
    expect(
      positions.map((p) => [normalisedTitle(String(p.title)), p.employee_count]).sort(),
    ).toEqual(Array.from(holders.entries()).sort());
    const positionById = new Map(positions.map((p) => [p.id, p]));
    for (const e of people.filter((p) => p.position.trim() !== '')) {
      const position = positionById.get(byRemoteId.get(String(e.id))!.position_id);
      expect(normalisedTitle(String(position?.title))).toBe(normalisedTitle(e.position));
    }

    // Teams: every team someone is in, with exactly its members.
    const teams = await readAll(s, '/v1/hris/teams', { type: 'team' });
    const teamNames = new Map(s.sandbox.company.teams.map((t) => [t.id, t.name]));
    const withTeam = people.filter((e) => e.teamId !== null);
    expect(withTeam.length).toBeGreaterThan(0);
    for (const team of teams) {
      const members = await readAll(s, `/v1/hris/teams/${String(team.id)}/members`);
      const expected = withTeam.filter((e) => `team:${e.teamId}` === team.remote_id);
      expect(members.map((m) => m.remote_id).sort()).toEqual(
        expected.map((e) => String(e.id)).sort(),
      );
      if (expected[0]) expect(team.name).toBe(teamNames.get(expected[0].teamId!));
    }
    const teamIds = new Set(teams.map((t) => t.id));
    for (const e of withTeam) expect(teamIds).toContain(byRemoteId.get(String(e.id))!.team_id);

    // Reporting lines: one per person with a manager in scope, pointing at that manager.
    const lines = await readAll(s, '/v1/hris/reporting-lines');
    const managed = served.filter((e) => e.manager_id !== null);
    expect(managed.length).toBeGreaterThan(0);
    expect(lines.map((l) => [l.employee_id, l.manager_id]).sort()).toEqual(
      managed.map((e) => [e.id, e.manager_id]).sort(),
    );
    for (const e of people.filter((p) => p.supervisorId !== null)) {
      const manager = byRemoteId.get(String(e.supervisorId));
      if (manager) expect(byRemoteId.get(String(e.id))!.manager_id).toBe(manager.id);
    }
    return byRemoteId;
  }

  it('serves everyone active with their roles, teams and managers', async () => {
    await expectServedOrganisation();
  });

  it('a hire without email, in a new role, appears everywhere after six hours', async () => {
    const manager = active().find((e) => e.teamId !== null && e.email !== null)!;
    const hired = s.sandbox.control.hire({
      first_name: 'Noemail',
      last_name: 'Newhire',
      status: 'active',
      position: NEW_ROLE,
      supervisor: manager.id,
      team: manager.teamId,
      department: manager.departmentId,
    });
    expect(hired.email).toBeNull();

    const before = await runs(s);
    await moveClock(s, 5 * HOUR);
    await expectNoNewRun(s, before);
    await moveClock(s, HOUR + 60_000);
    const run = await scheduledRunAfter(s, before);
    expect(run).toMatchObject({ trigger: 'schedule', status: 'succeeded' });
    expect(run.counts.employees).toMatchObject({ created: 1 });
    expect(run.counts.positions).toMatchObject({ created: 1 });

    const byRemoteId = await expectServedOrganisation();
    const person = byRemoteId.get(String(hired.id))!;
    const boss = byRemoteId.get(String(manager.id))!;
    expect(person).toMatchObject({
      email: null,
      job_title: NEW_ROLE,
      manager_id: boss.id,
      team_id: boss.team_id,
    });
    const positions = await readAll(s, '/v1/hris/positions');
    expect(positions.find((p) => p.id === person.position_id)).toMatchObject({
      title: NEW_ROLE,
      employee_count: 1,
    });
    const reports = await readAll(s, `/v1/hris/employees/${String(boss.id)}/reports`);
    expect(reports.map((r) => r.id)).toContain(person.id);
    const members = await readAll(s, `/v1/hris/teams/${String(boss.team_id)}/members`);
    expect(members.map((m) => m.id)).toContain(person.id);
    // Read one at a time too (the tool's profile page).
    expect(await read(s, `/v1/hris/employees/${String(person.id)}`)).toMatchObject({
      id: person.id,
      email: null,
    });
  });
});
