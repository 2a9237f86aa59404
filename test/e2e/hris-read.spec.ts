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
import { connectThroughLink, runSync, waitForLatestRun } from '../support/sync';

describe('unified read API (e2e: what the sync stored, one connection per token)', () => {
  let sandbox: RunningSandbox;
  let gateway: TestGateway;
  let app: TestApplication;
  let token: string;
  let connectionId: string;
  let bound: string;

  const get = async (path: string, query: Record<string, unknown> = {}, expected = 200) => {
    const res = await request(gateway.url)
      .get(path)
      .query(query)
      .set('Authorization', `Bearer ${bound}`)
      .expect(expected);
    expectContract(res);
    return res.body as { data: Array<Record<string, unknown>>; next_cursor: string | null };
  };

  beforeAll(async () => {
    sandbox = await startTestSandbox({ employees: 45 });
    gateway = await startTestGateway({
      ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      PERSONIO_BASE_URL: sandbox.url,
      SYNC_TICK_MS: '100',
    });
    app = await createApplication(gateway, { name: 'Project planner' });
    token = await accessToken(gateway, app);
    connectionId = await connectThroughLink(gateway, token, sandbox.credentials[0]!);
    expect((await waitForLatestRun(gateway, token, connectionId)).status).toBe('succeeded');
    bound = await accessToken(gateway, app, { connectionId });
  });
  afterAll(async () => {
    await gateway?.close();
    await sandbox?.close();
  });

  it('pages through every employee exactly once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 20; pages += 1) {
      const page = await get('/v1/hris/employees', { limit: 7, ...(cursor ? { cursor } : {}) });
      seen.push(...page.data.map((e) => String(e.remote_id)));
      cursor = page.next_cursor;
      if (!cursor) break;
    }
    expect(cursor).toBeNull();
    expect(seen.sort()).toEqual(
      sandbox.state.store
        .employees()
        .map((e) => String(e.id))
        .sort(),
    );
  });

  it('filters by email case-insensitively and serves one employee by id', async () => {
    const person = sandbox.state.store.employees().find((e) => e.email)!;
    const page = await get('/v1/hris/employees', { email: person.email!.toUpperCase() });
    expect(page.data.map((e) => e.remote_id)).toEqual([String(person.id)]);
    const one = (await get(`/v1/hris/employees/${String(page.data[0]!.id)}`)) as unknown as Record<
      string,
      unknown
    >;
    expect(one).toMatchObject({ remote_id: String(person.id), email: person.email });
    expect(one.remote_data).toBeUndefined();
    const raw = (await get(`/v1/hris/employees/${String(one.id)}`, {
      include: 'remote_data',
    })) as unknown as Record<string, unknown>;
    expect(raw.remote_data).toBeTruthy();
  });

  it('matches emails to people: matched and unmatched', async () => {
    const person = sandbox.state.store.employees().find((e) => e.email)!;
    const res = await request(gateway.url)
      .post('/v1/hris/employees/match')
      .set('Authorization', `Bearer ${bound}`)
      .send({ emails: [` ${person.email!.toUpperCase()}`.trim(), 'nobody@example.invalid'] })
      .expect(200);
    expectContract(res);
    expect(res.body.matched).toEqual([
      expect.objectContaining({
        email: person.email!.toLowerCase(),
        employee: expect.objectContaining({ remote_id: String(person.id) }),
      }),
    ]);
    expect(res.body.unmatched).toEqual(['nobody@example.invalid']);
  });

  it('serves absences overlapping a date range', async () => {
    const all = await get('/v1/hris/absences', { limit: 500 });
    expect(all.data.length).toBeGreaterThan(0);
    const first = all.data[0]!;
    const day = String(first.start_date);
    const overlapping = await get('/v1/hris/absences', {
      start_date: day,
      end_date: day,
      limit: 500,
    });
    expect(overlapping.data.map((a) => a.id)).toContain(first.id);
    for (const a of overlapping.data) {
      expect(String(a.start_date) <= day && String(a.end_date) >= day).toBe(true);
    }
  });

  it('lists direct and all reports of a manager, as the sandbox has them', async () => {
    const people = sandbox.state.store.employees();
    const reportsOf = (id: number) => people.filter((e) => e.supervisorId === id);
    const manager = people.find((e) => reportsOf(e.id).some((r) => reportsOf(r.id).length > 0))!;
    const below = new Set<number>();
    const walk = (id: number): void => {
      for (const r of reportsOf(id)) {
        if (below.has(r.id)) continue;
        below.add(r.id);
        walk(r.id);
      }
    };
    walk(manager.id);
    const [stored] = (await get('/v1/hris/employees', { limit: 500 })).data.filter(
      (e) => e.remote_id === String(manager.id),
    );
    const direct = await get(`/v1/hris/employees/${String(stored!.id)}/reports`, { limit: 500 });
    expect(direct.data.map((e) => e.remote_id).sort()).toEqual(
      reportsOf(manager.id)
        .map((e) => String(e.id))
        .sort(),
    );
    const all = await get(`/v1/hris/employees/${String(stored!.id)}/reports`, {
      depth: 'all',
      limit: 500,
    });
    expect(all.data.map((e) => e.remote_id).sort()).toEqual(
      Array.from(below, (id) => String(id)).sort(),
    );
    expect(all.data.length).toBeGreaterThan(direct.data.length);
  });

  it('serves team members, position counts and named groups', async () => {
    const people = sandbox.state.store.employees();
    const teams = await get('/v1/hris/teams', { type: 'department', limit: 500 });
    const department = teams.data[0]!;
    const members = await get(`/v1/hris/teams/${String(department.id)}/members`, { limit: 500 });
    const remoteDepartment = Number(String(department.remote_id).split(':').at(-1));
    expect(members.data.map((e) => e.remote_id).sort()).toEqual(
      people
        .filter((e) => e.departmentId === remoteDepartment)
        .map((e) => String(e.id))
        .sort(),
    );

    const positions = await get('/v1/hris/positions', { limit: 500 });
    const titled = people.filter((e) => e.position);
    expect(positions.data.reduce((n, p) => n + Number(p.employee_count), 0)).toBe(titled.length);

    const res = await request(gateway.url)
      .get('/v1/hris/groups')
      .query({ by: 'supervisor' })
      .set('Authorization', `Bearer ${bound}`)
      .expect(200);
    expectContract(res);
    const groups = res.body.data as Array<{
      name: string;
      member_count: number;
      members: unknown[];
    }>;
    const supervised = people.filter((e) => e.supervisorId !== null).length;
    expect(groups.reduce((n, g) => n + g.member_count, 0)).toBe(supervised);
    expect(
      groups.every((g) => g.name.endsWith("'s team") && g.members.length === g.member_count),
    ).toBe(true);
    const bad = await request(gateway.url)
      .get('/v1/hris/groups')
      .query({ by: 'shoe_size' })
      .set('Authorization', `Bearer ${bound}`)
      .expect(400);
    expectContract(bad);
  });

  it('answers 404 for another connection and needs a connection-bound token', async () => {
    const otherConnection = await connectThroughLink(gateway, token, sandbox.credentials[0]!);
    await waitForLatestRun(gateway, token, otherConnection);
    const otherToken = await accessToken(gateway, app, { connectionId: otherConnection });
    const mine = await get('/v1/hris/employees', { limit: 1 });
    const res = await request(gateway.url)
      .get(`/v1/hris/employees/${String(mine.data[0]!.id)}`)
      .set('Authorization', `Bearer ${otherToken}`)
      .expect(404);
    expectContract(res);
    const unbound = await request(gateway.url)
      .get('/v1/hris/employees')
      .set('Authorization', `Bearer ${token}`);
    expect(unbound.status).toBe(403);
    expectContract(unbound);
  });

  it('feeds the change events in sequence order', async () => {
    sandbox.control.hire({ first_name: 'Feed', last_name: 'Reader', email: 'feed@example.com' });
    await runSync(gateway, token, connectionId);
    const res = await request(gateway.url)
      .get('/v1/events')
      .query({ after: 0, limit: 500 })
      .set('Authorization', `Bearer ${bound}`)
      .expect(200);
    expectContract(res);
    const sequences = (res.body.data as Array<{ sequence: number }>).map((e) => e.sequence);
    expect(sequences).toEqual(sequences.map((_, i) => i + 1));
    expect((res.body.data as Array<{ type: string }>).map((e) => e.type)).toContain(
      'employee.created',
    );
    expect(res.body.next_after).toBe(sequences.at(-1));
  });
});
