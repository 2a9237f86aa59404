/**
 * A 100,000 employee company generates and serves: first, middle and last pages of v1
 * employees, v2 persons through their cursor, a time-off page. No timing is asserted here;
 * speed and memory live in bench/personio-sandbox.bench.ts.
 */
import type { RunningSandbox } from './index';
import { startSandbox } from './index';
import type { V1Page, V2List } from './test-kit';
import { get, v1Token, v2Token } from './test-kit';

const SIZE = 100_000;

describe(`a ${SIZE.toLocaleString('en-US')} employee company`, () => {
  let sb: RunningSandbox;
  let v1: string;
  let v2: string;

  beforeAll(async () => {
    sb = await startSandbox({ seed: 100, employees: SIZE, rateLimits: false });
    v1 = await v1Token(sb);
    v2 = await v2Token(sb);
  }, 120_000);

  afterAll(async () => {
    await sb.close();
  });

  it('serves v1 employee pages anywhere in the list', async () => {
    const ids = sb.company.employees.map((e) => e.id);
    for (const offset of [0, 50_000, SIZE - 100]) {
      const res = await get<V1Page>(
        `${sb.url}/v1/company/employees?limit=100&offset=${offset}`,
        v1,
      );
      expect(res.status).toBe(200);
      expect(res.body.metadata.total_elements).toBe(SIZE);
      expect(res.body.data.map((e) => e.attributes.id?.value)).toEqual(
        ids.slice(offset, offset + 100),
      );
    }
  });

  it('walks v2 persons by cursor and serves time-offs', async () => {
    let url: string | undefined = `${sb.url}/v2/persons?limit=50`;
    const seen = new Set<string>();
    for (let page = 0; page < 20 && url; page++) {
      const res: { body: V2List<{ id: string }> } = await get<V2List<{ id: string }>>(url, v2);
      for (const p of res.body._data) seen.add(p.id);
      url = res.body._meta.links.next?.href;
    }
    expect(seen.size).toBe(1000);
    const timeOffs = await get<V1Page>(`${sb.url}/v1/company/time-offs?limit=200&offset=3`, v1);
    expect(timeOffs.body.data).toHaveLength(200);
    expect(timeOffs.body.metadata.total_elements).toBe(sb.state.store.dayAbsences().length);
  });
});
