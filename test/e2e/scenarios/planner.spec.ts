/**
 * Project planner (docs/scenarios.md): absences every hour in a window from 14 days back to 180
 * days ahead, where an absence that overlaps the window counts; the planner's users linked to
 * people by email, with the ones that match nobody listed. Hours pass on the gateway's clock.
 */
import { type Absence, type Employee } from '../../../connectors/personio/sandbox/model';
import { planner, plannerMatch } from './recipes';
import {
  addDays,
  call,
  closeScenario,
  expectNoNewRun,
  feedAfter,
  feedEnd,
  moveClock,
  read,
  readAll,
  runs,
  scheduledRunAfter,
  startScenario,
  utcToday,
  type Body,
  type Scenario,
} from './scenario-harness';

jest.setTimeout(40_000);

const MINUTE = 60_000;
const IN_SCOPE = new Set<string>(planner.connect_session.settings.scope.statuses);

describe('project planner: hourly absences in a -14/+180 window, email matching (e2e)', () => {
  let s: Scenario;
  const today = utcToday();
  const window = { start_date: addDays(today, -14), end_date: addDays(today, 180) };

  const inScope = (): Employee[] =>
    s.sandbox.state.store.employees().filter((e) => IN_SCOPE.has(e.status));

  beforeAll(async () => {
    s = await startScenario(planner);
  });
  afterAll(() => closeScenario(s));

  it('stores the overlapping absences on the next hourly run, and none entirely outside', async () => {
    const typeId = s.sandbox.company.timeOffTypes.find((t) => t.unit === 'day')!.id;
    const person = inScope().find((e) => e.status === 'active' && e.email !== null)!;
    const add = (from: number, to: number): Absence =>
      s.sandbox.control.addAbsence({
        employee_id: person.id,
        time_off_type_id: typeId,
        start_date: addDays(today, from),
        end_date: addDays(today, to),
      });
    const startsBefore = add(-20, -10);
    const inside = add(3, 7);
    const endsAfter = add(175, 185);
    const allBefore = add(-40, -30);
    const allAfter = add(190, 200);
    const after = await feedEnd(s);

    const before = await runs(s);
    await moveClock(s, 59 * MINUTE);
    await expectNoNewRun(s, before);
    await moveClock(s, 2 * MINUTE);
    const run = await scheduledRunAfter(s, before);
    expect(run).toMatchObject({ trigger: 'schedule', status: 'succeeded' });
    expect(run.counts.absences).toMatchObject({ created: 3, deleted: 0 });

    // The planner's read: this person's absences in the window.
    const [employee] = (await read(s, '/v1/hris/employees', { email: person.email! }))
      .data as Body[];
    const mine = await readAll(s, '/v1/hris/absences', {
      employee_id: employee!.id as string,
      ...window,
    });
    const spans = (list: ReadonlyArray<Record<string, unknown>>): string[] =>
      list.map((a) => `${String(a.start_date)}..${String(a.end_date)}`).sort();
    const expectedMine = s.sandbox.state.store
      .absences()
      .filter((a) => a.employeeId === person.id && overlaps(a, window));
    expect(spans(mine)).toEqual(
      spans(expectedMine.map((a) => ({ start_date: a.startDate, end_date: a.endDate }))),
    );
    const mineSpans = spans(mine);
    for (const a of [startsBefore, inside, endsAfter]) {
      expect(mineSpans).toContain(`${a.startDate}..${a.endDate}`);
    }
    for (const a of [allBefore, allAfter]) {
      expect(mineSpans).not.toContain(`${a.startDate}..${a.endDate}`);
    }
    // Not stored at all, whatever range is asked for.
    const everything = await readAll(s, '/v1/hris/absences', {
      employee_id: employee!.id as string,
    });
    expect(spans(everything)).toEqual(mineSpans);

    // The whole connection: exactly the in-scope people's absences that overlap the window.
    const people = new Set(inScope().map((e) => e.id));
    const expected = s.sandbox.state.store
      .absences()
      .filter((a) => people.has(a.employeeId) && overlaps(a, window));
    expect((await readAll(s, '/v1/hris/absences')).length).toBe(expected.length);

    // The feed announced just the three new ones.
    const created = (await feedAfter(s, after)).filter((e) => e.type === 'absence.created');
    expect(spans(created.map((e) => (e.data as { object: Body }).object))).toEqual(
      spans(
        [startsBefore, inside, endsAfter].map((a) => ({
          start_date: a.startDate,
          end_date: a.endDate,
        })),
      ),
    );

    // And the next hour polls again.
    const later = await runs(s);
    await moveClock(s, 61 * MINUTE);
    const next = await scheduledRunAfter(s, later);
    expect(next).toMatchObject({ status: 'succeeded' });
    expect(next.counts.absences).toMatchObject({ created: 0, updated: 0, deleted: 0 });
  });

  it('matches users to people by email, case-insensitively, and lists the unmatched', async () => {
    const withEmail = inScope().filter((e) => e.email !== null);
    const [first, second] = withEmail;
    const outOfScope = s.sandbox.state.store
      .employees()
      .find((e) => !IN_SCOPE.has(e.status) && e.email !== null);
    expect(first && second && outOfScope).toBeTruthy();
    const emails = [
      first!.email!.toUpperCase(),
      second!.email!,
      'nobody@planner.example',
      outOfScope!.email!,
    ];
    const result = await match(s, { emails });
    expect(result.matched.map((m) => [m.email, m.employee.remote_id])).toEqual([
      [first!.email!.toLowerCase(), String(first!.id)],
      [second!.email!.toLowerCase(), String(second!.id)],
    ]);
    expect(result.matched[0]!.employee).toMatchObject({
      first_name: first!.firstName,
      last_name: first!.lastName,
    });
    expect(result.unmatched).toEqual(['nobody@planner.example', outOfScope!.email!.toLowerCase()]);
    expect(result.ambiguous).toEqual([]);

    // The documented body is accepted as is; none of its example addresses is in this company.
    const documented = await match(s, plannerMatch);
    expect(documented.matched).toEqual([]);
    expect(documented.unmatched).toEqual(plannerMatch.emails.map((e) => e.toLowerCase()));
  });
});

function overlaps(a: Absence, window: { start_date: string; end_date: string }): boolean {
  return a.startDate <= window.end_date && a.endDate >= window.start_date;
}

interface MatchAnswer {
  matched: Array<{ email: string; employee: Body }>;
  unmatched: string[];
  ambiguous: unknown[];
}

async function match(s: Scenario, body: { emails: string[] }): Promise<MatchAnswer> {
  return (await call(s.gateway, s.token, 'POST', '/v1/hris/employees/match', {
    body,
  })) as unknown as MatchAnswer;
}
