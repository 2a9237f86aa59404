/**
 * The control API changes the company the way Personio would show it: hires, attribute changes,
 * terminations, deletions and absence changes appear in v1 and v2 and move last_modified_at /
 * updated_at (person vs employment) on the sandbox clock.
 */
import type { RunningSandbox } from './index';
import { startSandbox } from './index';
import type { V1Employee, V1Page, V2List } from './test-kit';
import { call, get, v1Token, v2Token } from './test-kit';
import { v1DateTime, v2DateTime } from './time';

const START = new Date('2026-11-21T09:00:00Z');

function control<T = unknown>(sb: RunningSandbox, method: string, path: string, body?: unknown) {
  return call<T>(`${sb.url}/_sandbox${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

describe('control API', () => {
  let sb: RunningSandbox;
  let v1: string;
  let v2: string;

  beforeAll(async () => {
    const now = START.getTime();
    sb = await startSandbox({
      seed: 12,
      employees: 40,
      referenceDate: '2026-11-21',
      rateLimits: false,
      clock: () => new Date(now),
    });
    v1 = await v1Token(sb);
    v2 = await v2Token(sb);
  });

  afterAll(async () => {
    await sb.close();
  });

  it('summarises the sandbox', async () => {
    const res = await control<{ employees: number; credentials: unknown[] }>(sb, 'GET', '');
    expect(res.status).toBe(200);
    expect(res.body.employees).toBe(40);
    expect(res.body.credentials).toHaveLength(2);
  });

  it('hires over HTTP: the person appears in v1 and v2 with timestamps from the clock', async () => {
    sb.control.advanceClock(3_600_000);
    const now = sb.control.now().getTime();
    const hired = await control<{ id: number }>(sb, 'POST', '/employees', {
      first_name: 'Ada',
      last_name: 'Lovelace',
      email: 'ada@example.com',
      position: 'Engineer',
      department: sb.company.departments[0]?.id,
      hire_date: '2026-12-01',
    });
    expect(hired.status).toBe(201);
    const one = await get<{ data: V1Employee }>(
      `${sb.url}/v1/company/employees/${hired.body.id}`,
      v1,
    );
    expect(one.body.data.attributes.first_name?.value).toBe('Ada');
    expect(one.body.data.attributes.status?.value).toBe('onboarding');
    expect(one.body.data.attributes.created_at?.value).toBe(v1DateTime(now));
    expect(one.body.data.attributes.last_modified_at?.value).toBe(v1DateTime(now));
    const byEmail = await get<V1Page>(`${sb.url}/v1/company/employees?email=ada@example.com`, v1);
    expect(byEmail.body.data.map((e) => e.attributes.id?.value)).toEqual([hired.body.id]);
    const persons = await get<V2List<{ id: string; updated_at: string }>>(
      `${sb.url}/v2/persons?updated_at.gt=${encodeURIComponent(new Date(now - 1000).toISOString())}`,
      v2,
    );
    expect(persons.body._data.map((p) => p.id)).toEqual([String(hired.body.id)]);
    expect(persons.body._data[0]?.updated_at).toBe(v2DateTime(now));
  });

  it('an employment change moves the employment and last_modified_at, not the person', async () => {
    const e = sb.company.employees[3];
    if (!e) throw new Error('no employee');
    const personBefore = (await get<{ updated_at: string }>(`${sb.url}/v2/persons/${e.id}`, v2))
      .body.updated_at;
    sb.control.advanceClock(60_000);
    const now = sb.control.now().getTime();
    const res = await control(sb, 'PATCH', `/employees/${e.id}`, {
      position: 'CTO',
      weekly_working_hours: 32,
    });
    expect(res.status).toBe(200);
    const person = await get<{ updated_at: string }>(`${sb.url}/v2/persons/${e.id}`, v2);
    expect(person.body.updated_at).toBe(personBefore);
    const employment = await get<
      V2List<{ updated_at: string; position: { title: string }; weekly_working_hours: number }>
    >(`${sb.url}/v2/persons/${e.id}/employments`, v2);
    expect(employment.body._data[0]).toMatchObject({
      updated_at: v2DateTime(now),
      position: { title: 'CTO' },
      weekly_working_hours: 32,
    });
    const v1One = await get<{ data: V1Employee }>(`${sb.url}/v1/company/employees/${e.id}`, v1);
    expect(v1One.body.data.attributes.last_modified_at?.value).toBe(v1DateTime(now));
    expect(v1One.body.data.attributes.weekly_working_hours?.value).toBe('32');
  });

  it('updated_since with attributes[] selects people whose listed attributes changed', async () => {
    const [a, b] = [sb.company.employees[6], sb.company.employees[7]];
    if (!a || !b) throw new Error('no employees');
    const since = sb.control.now();
    sb.control.advanceClock(60_000);
    sb.control.updateEmployee(a.id, { first_name: 'Renamed' });
    sb.control.updateEmployee(b.id, { position: 'Moved' });
    const q = `updated_since=${encodeURIComponent(since.toISOString())}`;
    const any = await get<V1Page>(`${sb.url}/v1/company/employees?${q}`, v1);
    expect(any.body.data.map((e) => e.attributes.id?.value).sort()).toEqual([a.id, b.id].sort());
    const names = await get<V1Page>(
      `${sb.url}/v1/company/employees?${q}&attributes[]=first_name`,
      v1,
    );
    expect(names.body.data.map((e) => e.attributes.id?.value)).toEqual([a.id]);
    expect(Object.keys(names.body.data[0]?.attributes ?? {}).sort()).toEqual(['first_name', 'id']);
    const person = await get<{ first_name: string }>(`${sb.url}/v2/persons/${a.id}`, v2);
    expect(person.body.first_name).toBe('Renamed');
  });

  it('terminates: status, termination fields in v1 and the v2 termination object', async () => {
    const e = sb.company.employees.find((x) => x.status === 'active' && x.terminationDate === null);
    if (!e) throw new Error('no active employee');
    const res = await control(sb, 'POST', `/employees/${e.id}/terminate`, {
      termination_date: '2026-11-20',
      termination_type: 'QUIT',
      termination_reason: 'Relocation',
    });
    expect(res.status).toBe(200);
    const one = await get<{ data: V1Employee }>(`${sb.url}/v1/company/employees/${e.id}`, v1);
    expect(one.body.data.attributes.status?.value).toBe('inactive');
    expect(one.body.data.attributes.termination_date?.value).toBe('2026-11-20T00:00:00+01:00');
    expect(one.body.data.attributes.termination_type?.value).toBe('quit');
    const employment = await get<V2List<Record<string, unknown>>>(
      `${sb.url}/v2/persons/${e.id}/employments`,
      v2,
    );
    expect(employment.body._data[0]).toMatchObject({
      status: 'INACTIVE',
      employment_end_date: '2026-11-20',
      termination: { termination_date: '2026-11-20', type: 'QUIT', reason: 'Relocation' },
    });
    const person = await get<{ status: string }>(`${sb.url}/v2/persons/${e.id}`, v2);
    expect(person.body.status).toBe('INACTIVE');
  });

  it('deletes: the person is gone, reports lose their supervisor, absences disappear', async () => {
    const boss = sb.company.employees[0];
    if (!boss) throw new Error('no boss');
    const reports = sb.company.employees.filter((e) => e.supervisorId === boss.id).map((e) => e.id);
    expect(reports.length).toBeGreaterThan(0);
    expect((await control(sb, 'DELETE', `/employees/${boss.id}`)).status).toBe(200);
    expect((await get(`${sb.url}/v1/company/employees/${boss.id}`, v1)).status).toBe(404);
    expect((await get(`${sb.url}/v2/persons/${boss.id}`, v2)).status).toBe(404);
    for (const id of reports) expect(sb.state.store.employee(id)?.supervisorId).toBeNull();
    const timeOffs = await get<V1Page>(`${sb.url}/v1/company/time-offs?employees[]=${boss.id}`, v1);
    expect(timeOffs.body.metadata.total_elements).toBe(0);
    expect((await control(sb, 'DELETE', `/employees/${boss.id}`)).status).toBe(404);
  });

  it('refuses a supervisor change that would create a cycle', async () => {
    const [a, b] = [sb.company.employees[2], sb.company.employees[3]];
    if (!a || !b) throw new Error('no employees');
    expect((await control(sb, 'PATCH', `/employees/${a.id}`, { supervisor: b.id })).status).toBe(
      200,
    );
    const res = await control<{ error: string }>(sb, 'PATCH', `/employees/${b.id}`, {
      supervisor: a.id,
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toContain('cycle');
  });

  it('adds, changes and cancels absences; updated_at moves and updated_from finds them', async () => {
    const e = sb.company.employees[10];
    const vacation = sb.company.timeOffTypes.find((t) => t.category === 'paid_vacation');
    if (!e || !vacation) throw new Error('missing data');
    sb.control.advanceClock(86_400_000);
    // A day later the 24 h tokens have expired, as they would at Personio.
    v1 = await v1Token(sb);
    v2 = await v2Token(sb);
    const added = await control<{ id: number; uuid: string }>(sb, 'POST', '/absences', {
      employee_id: e.id,
      time_off_type_id: vacation.id,
      start_date: '2026-12-21',
      end_date: '2026-12-23',
      half_day_end: true,
    });
    expect(added.status).toBe(201);
    const today = sb.control.now().toISOString().slice(0, 10);
    const found = await get<V1Page<{ attributes: Record<string, unknown> }>>(
      `${sb.url}/v1/company/time-offs?updated_from=${today}&employees[]=${e.id}`,
      v1,
    );
    expect(found.status).toBe(200);
    expect(found.body.data.map((t) => t.attributes.id)).toEqual([added.body.id]);
    expect(found.body.data[0]?.attributes).toMatchObject({
      days_count: 2.5,
      half_day_start: 0,
      half_day_end: 1,
    });
    sb.control.advanceClock(60_000);
    const changed = await control(sb, 'PATCH', `/absences/${added.body.id}`, {
      end_date: '2026-12-24',
    });
    expect(changed.status).toBe(200);
    const one = await get<{ data: { attributes: Record<string, unknown> } }>(
      `${sb.url}/v1/company/time-offs/${added.body.id}`,
      v1,
    );
    expect(one.body.data.attributes.days_count).toBe(3.5);
    expect(one.body.data.attributes.updated_at).toBe(v1DateTime(sb.control.now().getTime()));
    const v2Period = await get<{ id: string }>(
      `${sb.url}/v2/absence-periods/${added.body.uuid}`,
      v2,
    );
    expect(v2Period.body.id).toBe(added.body.uuid);
    expect((await control(sb, 'DELETE', `/absences/${added.body.id}`)).status).toBe(200);
    expect((await get(`${sb.url}/v1/company/time-offs/${added.body.id}`, v1)).status).toBe(404);
    const bothHalves = await control(sb, 'POST', '/absences', {
      employee_id: e.id,
      time_off_type_id: vacation.id,
      start_date: '2026-12-21',
      end_date: '2026-12-21',
      half_day_start: true,
      half_day_end: true,
    });
    expect(bothHalves.status).toBe(400);
  });

  it('creates credentials that work with both auth endpoints, and revokes them', async () => {
    const created = await control<{ clientId: string; clientSecret: string }>(
      sb,
      'POST',
      '/credentials',
      {
        name: 'Connector',
        scopes: ['personio:persons:read'],
        readable_attributes: ['first_name'],
      },
    );
    expect(created.status).toBe(201);
    const info = {
      ...created.body,
      name: 'Connector',
      scopes: [],
      readableAttributes: null,
      revoked: false,
    };
    const token = await v1Token(sb, info);
    const page = await get<V1Page>(`${sb.url}/v1/company/employees?limit=1`, token);
    expect(Object.keys(page.body.data[0]?.attributes ?? {}).sort()).toEqual(['first_name', 'id']);
    expect(typeof (await v2Token(sb, info))).toBe('string');
    expect((await control(sb, 'DELETE', `/credentials/${created.body.clientId}`)).status).toBe(200);
    expect((await get(`${sb.url}/v1/company/employees?limit=1`, token)).status).toBe(403);
  });

  it('moves the clock over HTTP', async () => {
    const before = sb.control.now().getTime();
    const res = await control<{ now: string }>(sb, 'POST', '/clock', { advance_ms: 5_000 });
    expect(Date.parse(res.body.now) - before).toBe(5_000);
  });
});
