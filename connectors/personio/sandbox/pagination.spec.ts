/**
 * Pagination visits every record exactly once, for company sizes around the page limits, on
 * every paginated endpoint, over real HTTP.
 */
import type { RunningSandbox } from './index';
import { startSandbox } from './index';
import type { V1Page, V2List } from './test-kit';
import { get, v1Token, v2Token } from './test-kit';

const SIZES = [0, 1, 99, 100, 101, 10_001];

async function walkV1Employees(
  sb: RunningSandbox,
  token: string,
  limit: number | null,
): Promise<number[]> {
  const ids: number[] = [];
  for (let offset = 0; ;) {
    const q = limit === null ? `offset=${offset}` : `limit=${limit}&offset=${offset}`;
    const res = await get<V1Page>(`${sb.url}/v1/company/employees?${q}`, token);
    expect(res.status).toBe(200);
    const page = res.body;
    const pageSize = limit ?? 50;
    expect(page.limit).toBe(pageSize);
    expect(page.offset).toBe(offset);
    expect(page.metadata.current_page).toBe(offset / pageSize);
    expect(page.metadata.total_pages).toBe(Math.ceil(page.metadata.total_elements / pageSize));
    for (const e of page.data) ids.push(e.attributes.id?.value as number);
    offset += pageSize;
    if (offset >= page.metadata.total_elements) break;
  }
  return ids;
}

async function walkTimeOffs(sb: RunningSandbox, token: string): Promise<number[]> {
  const ids: number[] = [];
  for (let page = 1; ; page++) {
    const res = await get<V1Page<{ attributes: { id: number } }>>(
      `${sb.url}/v1/company/time-offs?limit=200&offset=${page}`,
      token,
    );
    expect(res.body.metadata.current_page).toBe(page);
    for (const t of res.body.data) ids.push(t.attributes.id);
    if (page >= res.body.metadata.total_pages) break;
  }
  return ids;
}

async function walkAbsencePeriods(sb: RunningSandbox, token: string): Promise<string[]> {
  const ids: string[] = [];
  for (let offset = 0; ; offset += 200) {
    const res = await get<V1Page<{ attributes: { id: string } }>>(
      `${sb.url}/v1/company/absence-periods?limit=200&offset=${offset}`,
      token,
    );
    for (const t of res.body.data) ids.push(t.attributes.id);
    if (offset + 200 >= res.body.metadata.total_elements) break;
  }
  return ids;
}

async function walkV2(sb: RunningSandbox, token: string, first: string): Promise<string[]> {
  const ids: string[] = [];
  const cursors = new Set<string>();
  let url: string | undefined = first;
  while (url) {
    const res: { status: number; body: V2List<{ id: string }> } = await get<V2List<{ id: string }>>(
      url,
      token,
    );
    expect(res.status).toBe(200);
    for (const item of res.body._data) ids.push(item.id);
    url = res.body._meta.links.next?.href;
    if (url) {
      expect(cursors.has(url)).toBe(false);
      cursors.add(url);
      expect(res.body._data.length).toBeGreaterThan(0);
    }
  }
  return ids;
}

function expectExactlyOnce<T>(seen: T[], expected: T[]): void {
  expect(new Set(seen).size).toBe(seen.length);
  expect([...seen].sort()).toEqual([...expected].sort());
}

describe.each(SIZES)('pagination with %i employees', (size) => {
  let sb: RunningSandbox;
  let v1: string;
  let v2: string;

  beforeAll(async () => {
    sb = await startSandbox({
      seed: 11,
      employees: size,
      // One absence per person on average keeps the absence walks short; sizes still vary.
      absencesPerEmployee: 1,
      referenceDate: '2026-11-21',
      rateLimits: false,
    });
    v1 = await v1Token(sb);
    v2 = await v2Token(sb);
  });

  afterAll(async () => {
    await sb.close();
  });

  it('v1 employees: limit 100 and the default page size visit each employee once', async () => {
    const ids = sb.company.employees.map((e) => e.id);
    expectExactlyOnce(await walkV1Employees(sb, v1, 100), ids);
    if (size <= 1000) {
      expectExactlyOnce(await walkV1Employees(sb, v1, null), ids);
      expectExactlyOnce(await walkV1Employees(sb, v1, 99), ids);
      expectExactlyOnce(await walkV1Employees(sb, v1, 1), ids);
    }
  });

  it('v1 time-offs (1-based page numbers) and absence periods visit each absence once', async () => {
    const store = sb.state.store;
    expectExactlyOnce(
      await walkTimeOffs(sb, v1),
      store.dayAbsences().map((a) => a.id),
    );
    expectExactlyOnce(
      await walkAbsencePeriods(sb, v1),
      store.hourAbsences().map((a) => a.uuid),
    );
  });

  it('v2 persons follow next.href to the end, each person once', async () => {
    const ids = sb.company.employees.map((e) => String(e.id));
    expectExactlyOnce(await walkV2(sb, v2, `${sb.url}/v2/persons?limit=50`), ids);
    if (size <= 1000) expectExactlyOnce(await walkV2(sb, v2, `${sb.url}/v2/persons`), ids);
  });

  it('v2 absence periods follow next.href to the end, each once', async () => {
    expectExactlyOnce(
      await walkV2(sb, v2, `${sb.url}/v2/absence-periods?limit=200`),
      sb.state.store.absences().map((a) => a.uuid),
    );
  });
});

describe('pagination edge rules', () => {
  let sb: RunningSandbox;
  let v1: string;
  let v2: string;

  beforeAll(async () => {
    sb = await startSandbox({
      seed: 2,
      employees: 120,
      referenceDate: '2026-11-21',
      rateLimits: false,
    });
    v1 = await v1Token(sb);
    v2 = await v2Token(sb);
  });

  afterAll(async () => {
    await sb.close();
  });

  it('v1 employees refuse a limit above 100 and below 1', async () => {
    for (const limit of [101, 200, 0]) {
      const res = await get<{ success: boolean }>(
        `${sb.url}/v1/company/employees?limit=${limit}`,
        v1,
      );
      expect(res.status).toBe(400);
      expect(res.body.success).toBe(false);
    }
  });

  it('v1 time-offs read offset 0 as page 1', async () => {
    const zero = await get<V1Page>(`${sb.url}/v1/company/time-offs?limit=5&offset=0`, v1);
    const one = await get<V1Page>(`${sb.url}/v1/company/time-offs?limit=5&offset=1`, v1);
    expect(zero.body.data).toEqual(one.body.data);
    expect(zero.body.metadata.current_page).toBe(1);
  });

  it('an empty time-off result reports total_pages 0 and current_page 1', async () => {
    const res = await get<V1Page>(`${sb.url}/v1/company/time-offs?employees[]=1`, v1);
    expect(res.body.metadata).toEqual({ total_elements: 0, current_page: 1, total_pages: 0 });
  });

  it('v2 persons: limit 1..50, the last page has no next link, filters travel in the cursor', async () => {
    expect((await get(`${sb.url}/v2/persons?limit=51`, v2)).status).toBe(400);
    expect((await get(`${sb.url}/v2/persons?limit=0`, v2)).status).toBe(400);
    expect((await get(`${sb.url}/v2/persons?cursor=garbage`, v2)).status).toBe(400);
    const active = sb.company.employees
      .filter((e) => e.status !== 'inactive')
      .map((e) => String(e.id));
    const seen: string[] = [];
    let url: string | undefined = `${sb.url}/v2/persons?status=ACTIVE&limit=7`;
    while (url) {
      const res: { body: V2List<{ id: string }> } = await get<V2List<{ id: string }>>(url, v2);
      seen.push(...res.body._data.map((p) => p.id));
      url = res.body._meta.links.next?.href;
      if (url) expect(new URL(url).searchParams.has('status')).toBe(false);
    }
    expect(seen).toEqual(active);
  });
});
