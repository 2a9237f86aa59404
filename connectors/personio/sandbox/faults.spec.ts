/**
 * Each fault happens exactly when asked (method, path, Nth request, page) and only as often as
 * asked; the requests around it are untouched.
 */
import type { RunningSandbox } from './index';
import { startSandbox } from './index';
import type { V1Page, V2List } from './test-kit';
import { call, get, v1Token, v2Token } from './test-kit';

describe('fault injection', () => {
  let sb: RunningSandbox;
  let v1: string;
  let v2: string;
  const employees = (offset = 0): string =>
    `${sb.url}/v1/company/employees?limit=10&offset=${offset}`;

  beforeAll(async () => {
    sb = await startSandbox({
      seed: 6,
      employees: 45,
      referenceDate: '2026-11-21',
      rateLimits: false,
    });
    v1 = await v1Token(sb);
    v2 = await v2Token(sb);
  });

  afterEach(() => {
    sb.control.clearFaults();
  });

  afterAll(async () => {
    await sb.close();
  });

  it('5xx on the Nth matching request only', async () => {
    sb.control.addFault({ kind: 'status', status: 500, path: '/v1/company/employees', nth: 3 });
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await get(employees(), v1)).status);
    expect(codes).toEqual([200, 200, 500, 200, 200]);
  });

  it('5xx on page N of v1 offsets and of v2 cursors', async () => {
    sb.control.addFault({
      kind: 'status',
      status: 502,
      path: '/v1/company/employees',
      page: 2,
      times: 0,
    });
    expect((await get(employees(0), v1)).status).toBe(200);
    const failed = await get<{ success: boolean }>(employees(10), v1);
    expect(failed.status).toBe(502);
    expect(failed.body.success).toBe(false);
    expect((await get(employees(10), v1)).status).toBe(502);
    expect((await get(employees(20), v1)).status).toBe(200);
    sb.control.clearFaults();
    sb.control.addFault({ kind: 'status', status: 503, path: '/v2/persons', page: 3 });
    const statuses: number[] = [];
    let url: string | undefined = `${sb.url}/v2/persons?limit=10`;
    while (url) {
      const res: { status: number; body: V2List } = await get<V2List>(url, v2);
      statuses.push(res.status);
      if (res.status !== 200) {
        expect(res.body).toMatchObject({ errors: [{ title: 'Service Unavailable' }] });
        continue;
      }
      url = res.body._meta.links.next?.href;
    }
    expect(statuses).toEqual([200, 200, 503, 200, 200, 200]);
  });

  it('a 429 burst of exactly N answers', async () => {
    sb.control.addFault({ kind: 'rate-limit', path: '/v1/company/employees*', times: 3 });
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await get(employees(), v1)).status);
    expect(codes).toEqual([429, 429, 429, 200, 200]);
  });

  it('a 429 with a chosen Retry-After, and without one unless the limiter option sends it', async () => {
    sb.control.addFault({
      kind: 'rate-limit',
      path: '/v1/company/employees',
      retryAfterSeconds: 7,
    });
    const chosen = await get(employees(), v1);
    expect(chosen.status).toBe(429);
    expect(chosen.headers.get('retry-after')).toBe('7');
    sb.control.addFault({ kind: 'rate-limit', path: '/v2/persons', retryAfterSeconds: 0 });
    const v2Answer = await get(`${sb.url}/v2/persons`, v2);
    expect(v2Answer.status).toBe(429);
    expect(v2Answer.headers.get('retry-after')).toBe('0');
    sb.control.addFault({ kind: 'rate-limit', path: '/v1/company/employees' });
    const plain = await get(employees(), v1);
    expect(plain.status).toBe(429);
    expect(plain.headers.get('retry-after')).toBeNull();
    expect(() => sb.control.addFault({ kind: 'rate-limit', retryAfterSeconds: 1.5 })).toThrow(
      'retryAfterSeconds must be a non-negative integer',
    );
  });

  it('latency delays only the matching request', async () => {
    sb.control.addFault({ kind: 'latency', delayMs: 400, path: '/v1/company/time-off-types' });
    expect((await get(`${sb.url}/v1/company/time-offs`, v1)).status).toBe(200);
    expect(sb.control.listFaults()).toHaveLength(1);
    const started = Date.now();
    expect((await get(`${sb.url}/v1/company/time-off-types`, v1)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    // Spent after one use (times defaults to 1): the next request is not delayed.
    expect(sb.control.listFaults()).toHaveLength(0);
  });

  it('a malformed body: 200, but not JSON', async () => {
    sb.control.addFault({ kind: 'malformed-body', path: '/v1/company/employees' });
    const bad = await get(employees(), v1);
    expect(bad.status).toBe(200);
    expect(() => JSON.parse(bad.text) as unknown).toThrow();
    const good = await get(employees(), v1);
    expect(() => JSON.parse(good.text) as unknown).not.toThrow();
  });

  it('a truncated body: the connection drops before Content-Length bytes arrive', async () => {
    sb.control.addFault({ kind: 'truncated-body', path: '/v1/company/employees' });
    await expect(get(employees(), v1)).rejects.toThrow();
    expect((await get(employees(), v1)).status).toBe(200);
  });

  it('a connection reset before any answer', async () => {
    sb.control.addFault({ kind: 'connection-reset', path: '/v2/persons' });
    await expect(get(`${sb.url}/v2/persons`, v2)).rejects.toThrow();
    expect((await get(`${sb.url}/v2/persons`, v2)).status).toBe(200);
  });

  it('a slow body arrives complete, spread over the requested time', async () => {
    sb.control.addFault({ kind: 'slow-body', delayMs: 500, path: '/v1/company/employees' });
    const started = Date.now();
    const res = await get<V1Page>(employees(), v1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(res.body.data).toHaveLength(10);
  });

  it('a changed total_elements', async () => {
    sb.control.addFault({
      kind: 'total-elements',
      totalElements: 7,
      path: '/v1/company/employees',
    });
    const res = await get<V1Page>(employees(), v1);
    expect(res.body.metadata.total_elements).toBe(7);
    expect((await get<V1Page>(employees(), v1)).body.metadata.total_elements).toBe(45);
  });

  it('a v2 next link that repeats the page just served', async () => {
    sb.control.addFault({ kind: 'repeat-cursor', path: '/v2/persons', page: 2 });
    const first = await get<V2List>(`${sb.url}/v2/persons?limit=10`, v2);
    const secondUrl = first.body._meta.links.next?.href ?? '';
    const second = await get<V2List>(secondUrl, v2);
    expect(second.body._meta.links.next?.href).toBe(second.body._meta.links.self.href);
    const again = await get<V2List>(secondUrl, v2);
    expect(again.body._meta.links.next?.href).not.toBe(again.body._meta.links.self.href);
  });

  it('a body-rewriting fault on a v1 page keeps non-ASCII names intact (UTF-8, not Latin-1)', async () => {
    const clean = await get<V1Page>(employees(0), v1);
    const id = clean.body.data[0]?.attributes.id?.value as number;
    // U+0131 is one byte as Latin-1 (0x31, "1"): a Latin-1 write still parses, wrongly.
    sb.control.updateEmployee(id, { first_name: 'Zoë', last_name: 'Yılmaz' });
    const expected = await get<V1Page>(employees(0), v1);
    expect(expected.body.data[0]?.attributes.last_name?.value).toBe('Yılmaz');
    // repeat-cursor re-serialises every 200 body, so the escapes become real characters.
    sb.control.addFault({ kind: 'repeat-cursor', path: '/v1/company/employees', page: 1 });
    const rewritten = await get<V1Page>(employees(0), v1);
    expect(rewritten.status).toBe(200);
    expect(rewritten.body.data[0]?.attributes.last_name?.value).toBe('Yılmaz');
    expect(rewritten.body.data[0]?.attributes.first_name?.value).toBe('Zoë');
    expect(rewritten.text.includes('Yılmaz')).toBe(true);
    expect(rewritten.body).toEqual(expected.body);
    expect(Number(rewritten.headers.get('content-length'))).toBe(
      Buffer.byteLength(rewritten.text, 'utf8'),
    );
  });

  it('a v1 page that repeats the last record of the page before', async () => {
    sb.control.addFault({ kind: 'duplicate-record', path: '/v1/company/employees', page: 2 });
    const first = await get<V1Page>(employees(0), v1);
    const second = await get<V1Page>(employees(10), v1);
    expect(second.body.data).toHaveLength(11);
    expect(second.body.data[0]).toEqual(first.body.data[9]);
    expect((await get<V1Page>(employees(10), v1)).body.data).toHaveLength(10);
    sb.control.addFault({ kind: 'duplicate-record', path: '/v1/company/time-offs', page: 2 });
    const t1 = await get<V1Page>(`${sb.url}/v1/company/time-offs?limit=5&offset=1`, v1);
    const t2 = await get<V1Page>(`${sb.url}/v1/company/time-offs?limit=5&offset=2`, v1);
    expect(t2.body.data[0]).toEqual(t1.body.data[4]);
  });

  it('faults can be managed over the HTTP control API', async () => {
    const added = await call<{ id: string }>(`${sb.url}/_sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        kind: 'status',
        status: 504,
        method: 'GET',
        path: '/v1/company/time-offs',
      }),
    });
    expect(added.status).toBe(201);
    const listed = await call<Array<{ id: string }>>(`${sb.url}/_sandbox/faults`);
    expect(listed.body.map((f) => f.id)).toEqual([added.body.id]);
    expect((await get(`${sb.url}/v1/company/time-offs`, v1)).status).toBe(504);
    expect((await get(`${sb.url}/v1/company/time-offs`, v1)).status).toBe(200);
    const invalid = await call(`${sb.url}/_sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'explode' }),
    });
    expect(invalid.status).toBe(400);
  });
});
