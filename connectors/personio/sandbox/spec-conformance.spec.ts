/**
 * Every endpoint the sandbox serves, answered on generated data (including people without
 * email, department, supervisor; terminated and onboarding people; restricted credentials),
 * validated against Personio's official spec files read from ../shared/personio/spec.
 */
import type { ValidateFunction } from 'ajv';
import type { RunningSandbox } from './index';
import { startSandbox } from './index';
import type { SpecValidators } from './spec-validator';
import { SPEC_DIR, describeErrors, loadSpecs, specsAvailable } from './spec-validator';
import type { HttpAnswer, V1Page, V2List } from './test-kit';
import { call, get, v1Token, v2Token } from './test-kit';

const available = specsAvailable();
const suite = available ? describe : describe.skip;
const title = available
  ? 'official spec conformance'
  : `official spec conformance (skipped: ${SPEC_DIR} not found, the official spec files are not part of this clone)`;

function expectValid(fn: ValidateFunction, answer: HttpAnswer, what: string): void {
  const ok = fn(answer.body);
  if (!ok) throw new Error(`${what}: ${describeErrors(fn)}\n${answer.text.slice(0, 400)}`);
  expect(ok).toBe(true);
}

suite(title, () => {
  let sb: RunningSandbox;
  let specs: SpecValidators;
  let v1: string;
  let v1Restricted: string;
  let v2: string;
  let v2Restricted: string;

  beforeAll(async () => {
    specs = await loadSpecs();
    sb = await startSandbox({
      seed: 7,
      employees: 400,
      referenceDate: '2026-11-21',
      rateLimits: false,
    });
    v1 = await v1Token(sb);
    v2 = await v2Token(sb);
    const restricted = sb.credentials[1];
    if (!restricted) throw new Error('no restricted credential');
    v1Restricted = await v1Token(sb, restricted);
    v2Restricted = await v2Token(sb, restricted);
  });

  afterAll(async () => {
    await sb.close();
  });

  it('the generated company contains the edge cases the checks are meant to cover', () => {
    const people = sb.company.employees;
    expect(people.some((e) => e.email === null)).toBe(true);
    expect(people.some((e) => e.departmentId === null)).toBe(true);
    expect(people.some((e) => e.teamId === null)).toBe(true);
    expect(people.some((e) => e.supervisorId === null)).toBe(true);
    expect(people.some((e) => e.costCenters.length === 0)).toBe(true);
    expect(people.some((e) => e.status === 'inactive' && e.terminationDate !== null)).toBe(true);
    expect(people.some((e) => e.status === 'onboarding')).toBe(true);
    expect(people.some((e) => e.employmentType === 'external')).toBe(true);
  });

  it('POST /v1/auth answers per the auth spec', async () => {
    const c = sb.credentials[0];
    const res = await call(`${sb.url}/v1/auth`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: c?.clientId ?? '',
        client_secret: c?.clientSecret ?? '',
      }),
    });
    expect(res.status).toBe(200);
    expectValid(specs.response('auth', '/auth', 'post', 200), res, 'auth');
  });

  it('every v1 employees page validates, for full and restricted credentials', async () => {
    const fn = specs.response('v1', '/company/employees', 'get', 200);
    for (const token of [v1, v1Restricted]) {
      for (let offset = 0; offset < 400; offset += 100) {
        const res = await get<V1Page>(
          `${sb.url}/v1/company/employees?limit=100&offset=${offset}`,
          token,
        );
        expect(res.status).toBe(200);
        expectValid(fn, res, `employees offset ${offset}`);
      }
    }
    const projected = await get(
      `${sb.url}/v1/company/employees?attributes[]=first_name&attributes[]=department`,
      v1,
    );
    expectValid(fn, projected, 'employees with attributes[]');
    const since = await get(`${sb.url}/v1/company/employees?updated_since=2024-01-01`, v1);
    expectValid(fn, since, 'employees with updated_since');
    const empty = await get(`${sb.url}/v1/company/employees?email=nobody@nowhere.example`, v1);
    expectValid(fn, empty, 'employees with unknown email');
  });

  it('v1 single employee (200 and 404) validates', async () => {
    const fn = specs.response('v1', '/company/employees/{employee_id}', 'get', 200);
    for (const e of sb.company.employees.slice(0, 60)) {
      expectValid(fn, await get(`${sb.url}/v1/company/employees/${e.id}`, v1), `employee ${e.id}`);
    }
    const missing = await get(`${sb.url}/v1/company/employees/1`, v1);
    expect(missing.status).toBe(404);
    expectValid(
      specs.response('v1', '/company/employees/{employee_id}', 'get', 404),
      missing,
      'employee 404',
    );
  });

  it('v1 absence balance validates', async () => {
    const fn = specs.response(
      'v1',
      '/company/employees/{employee_id}/absences/balance',
      'get',
      200,
    );
    for (const e of sb.company.employees.slice(0, 20)) {
      const res = await get(`${sb.url}/v1/company/employees/${e.id}/absences/balance`, v1);
      expect(res.status).toBe(200);
      expectValid(fn, res, `balance ${e.id}`);
    }
  });

  it('v1 attributes list matches the documented example shape', async () => {
    const res = await get<{ success: boolean; data: Array<Record<string, unknown>> }>(
      `${sb.url}/v1/company/employees/attributes`,
      v1,
    );
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);
    // The spec gives only an example here: key, label, type, universal_id, options.
    for (const item of res.body.data) {
      expect(Object.keys(item).sort()).toEqual(['key', 'label', 'options', 'type', 'universal_id']);
    }
    expect(res.body.data.some((a) => String(a.key).startsWith('dynamic_'))).toBe(true);
  });

  it('v1 time-off types, time-offs and absence periods validate', async () => {
    expectValid(
      specs.response('v1', '/company/time-off-types', 'get', 200),
      await get(`${sb.url}/v1/company/time-off-types`, v1),
      'time-off-types',
    );
    const timeOffs = specs.response('v1', '/company/time-offs', 'get', 200);
    let page = 1;
    let first: HttpAnswer<V1Page<{ attributes: { id: number } }>> | null = null;
    for (;;) {
      const res = await get<V1Page<{ attributes: { id: number } }>>(
        `${sb.url}/v1/company/time-offs?limit=200&offset=${page}`,
        v1,
      );
      expectValid(timeOffs, res, `time-offs page ${page}`);
      first ??= res;
      if (page >= res.body.metadata.total_pages) break;
      page += 1;
    }
    const id = first?.body.data[0]?.attributes.id;
    expectValid(
      specs.response('v1', '/company/time-offs/{id}', 'get', 200),
      await get(`${sb.url}/v1/company/time-offs/${id}`, v1),
      'time-off',
    );
    const missing = await get(`${sb.url}/v1/company/time-offs/1`, v1);
    expect(missing.status).toBe(404);
    expectValid(
      specs.response('v1', '/company/time-offs/{id}', 'get', 404),
      missing,
      'time-off 404',
    );
    const periods = specs.response('v1', '/company/absence-periods', 'get', 200);
    for (let offset = 0; ; offset += 200) {
      const res = await get<V1Page>(
        `${sb.url}/v1/company/absence-periods?limit=200&offset=${offset}`,
        v1,
      );
      expectValid(periods, res, `absence-periods offset ${offset}`);
      if (offset + 200 >= res.body.metadata.total_elements) break;
    }
    const badType = await get(
      `${sb.url}/v1/company/absence-periods?absence_types[]=00000000-0000-4000-8000-000000000000`,
      v1,
    );
    expect(badType.status).toBe(404);
    expectValid(
      specs.response('v1', '/company/absence-periods', 'get', 404),
      badType,
      'absence-periods 404',
    );
  });

  it('time-offs with boolean half days validate against the unrelaxed schema', async () => {
    const strict = await loadSpecs({ halfDayIntegers: false });
    const other = await startSandbox({
      seed: 7,
      employees: 50,
      referenceDate: '2026-11-21',
      rateLimits: false,
      quirks: { timeOffHalfDayAs: 'boolean' },
    });
    try {
      const res = await get(`${other.url}/v1/company/time-offs`, await v1Token(other));
      expectValid(
        strict.response('v1', '/company/time-offs', 'get', 200),
        res,
        'boolean half days',
      );
    } finally {
      await other.close();
    }
  });

  it('the validators have teeth: null v2 fields (which the spec does not allow) fail', async () => {
    const other = await startSandbox({
      seed: 7,
      employees: 20,
      referenceDate: '2026-11-21',
      rateLimits: false,
      quirks: { v2EmptyFields: 'null' },
    });
    try {
      const person = other.company.employees.find((e) => e.contractEndDate === null);
      const res = await get(
        `${other.url}/v2/persons/${person?.id}/employments`,
        await v2Token(other),
      );
      const fn = specs.response(
        'v2-employments',
        '/v2/persons/{person_id}/employments',
        'get',
        200,
      );
      expect(fn(res.body)).toBe(false);
      expect(describeErrors(fn)).toContain('must be string');
    } finally {
      await other.close();
    }
  });

  it('v1 errors validate against ErrorResponse', async () => {
    const fn = specs.component('v1', 'ErrorResponse');
    const none = await call(`${sb.url}/v1/company/employees`);
    expect(none.status).toBe(401);
    expectValid(fn, none, '401');
    const bad = await get(`${sb.url}/v1/company/employees`, 'papi-not-a-token');
    expect(bad.status).toBe(403);
    expectValid(fn, bad, '403');
    const forbidden = await get(`${sb.url}/v1/company/time-offs`, v1Restricted);
    expect(forbidden.status).toBe(403);
    expectValid(fn, forbidden, 'missing scope');
  });

  it('POST /v2/auth/token success and every error validate', async () => {
    const c = sb.credentials[0];
    const ok = await call(`${sb.url}/v2/auth/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: c?.clientId ?? '',
        client_secret: c?.clientSecret ?? '',
      }),
    });
    expect(ok.status).toBe(200);
    expectValid(specs.response('v2-auth', '/v2/auth/token', 'post', 200), ok, 'token');
    const fn = specs.response('v2-auth', '/v2/auth/token', 'post', 400);
    const bodies: Array<Record<string, string>> = [
      { client_id: c?.clientId ?? '' },
      { grant_type: 'client_credentials', client_id: 'client_who', client_secret: 'x' },
      { grant_type: 'urn:ietf:params:oauth:grant-type:device_code' },
      { grant_type: 'client_credentials', client_id: c?.clientId ?? '', client_secret: 'wrong' },
      {
        grant_type: 'client_credentials',
        client_id: c?.clientId ?? '',
        client_secret: c?.clientSecret ?? '',
        scope: 'personio:persons:read fake_scope:777',
      },
    ];
    for (const body of bodies) {
      const res = await call(`${sb.url}/v2/auth/token`, {
        method: 'POST',
        body: new URLSearchParams(body),
      });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expectValid(fn, res, `token error ${JSON.stringify(body)}`);
    }
    const json = await call(`${sb.url}/v2/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(json.status).toBe(400);
    expectValid(fn, json, 'token content type');
  });

  it('every v2 persons page and person validates, full and restricted', async () => {
    const list = specs.response('v2-persons', '/v2/persons', 'get', 200);
    const one = specs.response('v2-persons', '/v2/persons/{id}', 'get', 200);
    for (const token of [v2, v2Restricted]) {
      let url: string | undefined = `${sb.url}/v2/persons?limit=50`;
      let pages = 0;
      while (url) {
        const res: HttpAnswer<V2List> = await get<V2List>(url, token);
        expectValid(list, res, `persons ${url}`);
        url = res.body._meta.links.next?.href;
        pages += 1;
      }
      expect(pages).toBe(8);
    }
    for (const e of sb.company.employees.slice(0, 40)) {
      expectValid(one, await get(`${sb.url}/v2/persons/${e.id}`, v2), `person ${e.id}`);
    }
    const missing = await get(`${sb.url}/v2/persons/1`, v2);
    expect(missing.status).toBe(404);
    expectValid(
      specs.response('v2-persons', '/v2/persons/{id}', 'get', 404),
      missing,
      'person 404',
    );
    const badFilter = await get(`${sb.url}/v2/persons?id.nooperator=1`, v2);
    expect(badFilter.status).toBe(400);
    expectValid(specs.response('v2-persons', '/v2/persons', 'get', 400), badFilter, 'persons 400');
    const badValue = await get(`${sb.url}/v2/persons?updated_at.gt=yesterday`, v2);
    expect(badValue.status).toBe(400);
    expectValid(
      specs.response('v2-persons', '/v2/persons', 'get', 400),
      badValue,
      'persons 400 value',
    );
  });

  it('v2 employments (list, single, 404) validate', async () => {
    const list = specs.response(
      'v2-employments',
      '/v2/persons/{person_id}/employments',
      'get',
      200,
    );
    const one = specs.response(
      'v2-employments',
      '/v2/persons/{person_id}/employments/{id}',
      'get',
      200,
    );
    for (const e of sb.company.employees.slice(0, 80)) {
      for (const token of [v2, v2Restricted]) {
        expectValid(
          list,
          await get(`${sb.url}/v2/persons/${e.id}/employments`, token),
          `employments ${e.id}`,
        );
      }
      expectValid(
        one,
        await get(`${sb.url}/v2/persons/${e.id}/employments/${e.employmentId}`, v2),
        'employment',
      );
    }
    const terminated = sb.company.employees.find((e) => e.terminationDate !== null);
    expectValid(
      list,
      await get(`${sb.url}/v2/persons/${terminated?.id}/employments`, v2),
      'terminated',
    );
    const missing = await get(`${sb.url}/v2/persons/1/employments`, v2);
    expect(missing.status).toBe(404);
    expectValid(
      specs.response('v2-employments', '/v2/persons/{person_id}/employments', 'get', 404),
      missing,
      'employments 404',
    );
  });

  it('v2 errors of the other resources use the common ErrorResponse', async () => {
    const fn = specs.component('v2-common', 'ErrorResponse');
    const cases: Array<[string, string, number]> = [
      [`${sb.url}/v2/persons`, 'papi-invalid', 401],
      [`${sb.url}/v2/absence-periods`, v2Restricted, 403],
      [`${sb.url}/v2/org-units`, v2, 400],
      [`${sb.url}/v2/org-units/1?type=team`, v2, 404],
      [`${sb.url}/v2/absence-types/nope`, v2, 404],
    ];
    for (const [url, token, status] of cases) {
      const res = await get(url, token);
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expectValid(fn, res, url);
    }
  });

  it('v2 org units, absence periods and absence types list with cursor links', async () => {
    for (const path of [
      '/v2/org-units?type=department',
      '/v2/org-units?type=team&include_parent_chain=true',
      '/v2/absence-periods',
      '/v2/absence-types',
      '/v2/legal-entities',
    ]) {
      const res = await get<V2List>(`${sb.url}${path}`, v2);
      expect(res.status).toBe(200);
      expect(Array.isArray(res.body._data)).toBe(true);
      expect(res.body._data.length).toBeGreaterThan(0);
      expect(typeof res.body._meta.links.self.href).toBe('string');
    }
  });
});
