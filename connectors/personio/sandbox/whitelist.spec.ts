/**
 * Readable-attribute whitelists per credential: attributes not on the list silently disappear
 * from v1 and v2 answers and from `updated_since`, and a changed list applies at once.
 */
import type { RunningSandbox } from './index';
import { RESTRICTED_ATTRIBUTES, startSandbox } from './index';
import type { V1Employee, V1Page } from './test-kit';
import { call, get, v1Token, v2Token } from './test-kit';

describe('readable employee attributes', () => {
  let sb: RunningSandbox;
  let full: string;
  let restricted: string;
  let restrictedV2: string;

  beforeAll(async () => {
    sb = await startSandbox({
      seed: 8,
      employees: 60,
      referenceDate: '2026-11-21',
      rateLimits: false,
    });
    full = await v1Token(sb);
    const r = sb.credentials[1];
    if (!r) throw new Error('no restricted credential');
    restricted = await v1Token(sb, r);
    restrictedV2 = await v2Token(sb, r);
  });

  afterAll(async () => {
    await sb.close();
  });

  const allowed = new Set<string>(['id', ...RESTRICTED_ATTRIBUTES]);

  it('v1 employees carry only whitelisted attributes (plus id), with no placeholder', async () => {
    const page = await get<V1Page>(`${sb.url}/v1/company/employees?limit=100`, restricted);
    expect(page.body.data).toHaveLength(60);
    for (const e of page.body.data) {
      for (const key of Object.keys(e.attributes)) expect(allowed.has(key)).toBe(true);
      expect(e.attributes.fix_salary).toBeUndefined();
    }
    const fullPage = await get<V1Page>(`${sb.url}/v1/company/employees?limit=1`, full);
    const keys = Object.keys(fullPage.body.data[0]?.attributes ?? {});
    expect(keys).toContain('fix_salary');
    expect(keys.some((k) => k.startsWith('dynamic_'))).toBe(true);
    const one = await get<{ data: V1Employee }>(
      `${sb.url}/v1/company/employees/${sb.company.employees[0]?.id}`,
      restricted,
    );
    for (const key of Object.keys(one.body.data.attributes)) expect(allowed.has(key)).toBe(true);
  });

  it('attributes[] narrows within the whitelist and cannot widen it', async () => {
    const page = await get<V1Page>(
      `${sb.url}/v1/company/employees?limit=5&attributes[]=first_name&attributes[]=fix_salary`,
      restricted,
    );
    for (const e of page.body.data)
      expect(Object.keys(e.attributes).sort()).toEqual(['first_name', 'id']);
  });

  it('the attribute list names only readable attributes', async () => {
    const res = await get<{ data: Array<{ key: string }> }>(
      `${sb.url}/v1/company/employees/attributes`,
      restricted,
    );
    expect(res.body.data.map((a) => a.key).sort()).toEqual([...allowed].sort());
  });

  it('v2 persons and employments leave out fields that are not readable', async () => {
    const person = sb.company.employees[1];
    const res = await get<Record<string, unknown>>(
      `${sb.url}/v2/persons/${person?.id}`,
      restrictedV2,
    );
    expect(res.body.gender).toBeUndefined();
    expect(res.body.custom_attributes).toEqual([]);
    expect(res.body.first_name).toBe(person?.firstName);
    const employment = await get<{ _data: Array<Record<string, unknown>> }>(
      `${sb.url}/v2/persons/${person?.id}/employments`,
      restrictedV2,
    );
    const item = employment.body._data[0] ?? {};
    expect(item.weekly_working_hours).toBeUndefined();
    expect(item.cost_centers).toBeUndefined();
    expect(item.position).toBeDefined();
  });

  it('a whitelist changed through the control API applies to the next request', async () => {
    const r = sb.credentials[1];
    const res = await call(`${sb.url}/_sandbox/credentials/${r?.clientId}/readable-attributes`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ attributes: ['last_name'] }),
    });
    expect(res.status).toBe(200);
    const page = await get<V1Page>(`${sb.url}/v1/company/employees?limit=3`, restricted);
    for (const e of page.body.data)
      expect(Object.keys(e.attributes).sort()).toEqual(['id', 'last_name']);
    sb.control.setReadableAttributes(r?.clientId ?? '', [...RESTRICTED_ATTRIBUTES]);
  });

  it('updated_since only considers changes to readable attributes', async () => {
    const e = sb.company.employees[5];
    const since = sb.control.now();
    sb.control.advanceClock(60_000);
    sb.control.updateEmployee(e?.id ?? 0, { fix_salary: 99_999 });
    const q = `updated_since=${encodeURIComponent(since.toISOString())}`;
    const fullAnswer = await get<V1Page>(`${sb.url}/v1/company/employees?${q}`, full);
    expect(fullAnswer.body.data.map((x) => x.attributes.id?.value)).toEqual([e?.id]);
    const restrictedAnswer = await get<V1Page>(`${sb.url}/v1/company/employees?${q}`, restricted);
    expect(restrictedAnswer.body.data).toEqual([]);
    sb.control.advanceClock(60_000);
    sb.control.updateEmployee(e?.id ?? 0, { position: 'Head of Things' });
    const after = await get<V1Page>(`${sb.url}/v1/company/employees?${q}`, restricted);
    expect(after.body.data.map((x) => x.attributes.id?.value)).toEqual([e?.id]);
  });
});
