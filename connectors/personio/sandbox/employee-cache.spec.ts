/**
 * The cache of serialised v1 employees changes nothing that is served: the same bytes with the
 * cache off, with a budget that holds only a few records, and with the default; its own text
 * per credential whitelist, projection, base URL and quirk; nothing stale after a mutation,
 * including a supervisor's name nested in the reports' records.
 */
import type { CredentialInfo, RunningSandbox, SandboxConfig } from './index';
import { startSandbox } from './index';
import type { V1Page } from './test-kit';
import { get, v1Token } from './test-kit';

const BASE: SandboxConfig = {
  seed: 12,
  employees: 130,
  referenceDate: '2026-11-21',
  rateLimits: false,
};

async function pages(sb: RunningSandbox, token: string, query = ''): Promise<string[]> {
  const texts: string[] = [];
  for (let offset = 0; offset < 130; offset += 50) {
    const res = await get(
      `${sb.url}/v1/company/employees?limit=50&offset=${offset}${query}`,
      token,
    );
    expect(res.status).toBe(200);
    texts.push(res.text);
  }
  return texts;
}

function restrictedOf(sb: RunningSandbox): CredentialInfo {
  const c = sb.credentials[1];
  if (!c) throw new Error('no restricted credential');
  return c;
}

describe('serialised employee cache', () => {
  const started: RunningSandbox[] = [];
  const start = async (config: SandboxConfig): Promise<RunningSandbox> => {
    const sb = await startSandbox({ ...BASE, ...config });
    started.push(sb);
    return sb;
  };

  afterAll(async () => {
    await Promise.all(started.map((sb) => sb.close()));
  });

  it('serves the same bytes with the cache off, nearly full and at the default budget', async () => {
    const texts: string[][] = [];
    // A budget of ~3 records: pages mix cached records and records built per request.
    for (const employeeCacheBytes of [0, 15_000, undefined]) {
      const sb = await start({ employeeCacheBytes });
      const full = await v1Token(sb);
      const restricted = await v1Token(sb, restrictedOf(sb));
      const read = async (): Promise<string[]> => [
        ...(await pages(sb, full)),
        ...(await pages(sb, restricted)),
        ...(await pages(sb, full, '&attributes[]=last_name&attributes[]=supervisor')),
      ];
      const first = await read();
      // The second read comes from the cache where there is one.
      expect(await read()).toEqual(first);
      texts.push(first.map((t) => t.replace(/127\.0\.0\.1:\d+/g, 'HOST')));
    }
    expect(texts[1]).toEqual(texts[0]);
    expect(texts[2]).toEqual(texts[0]);
  });

  it('keeps one text per whitelist, projection and base URL', async () => {
    const sb = await start({});
    const full = await v1Token(sb);
    const restricted = await v1Token(sb, restrictedOf(sb));
    const url = (host: string) => `http://${host}:${sb.port}/v1/company/employees?limit=50`;
    const a = await get<V1Page>(url('127.0.0.1'), full);
    const b = await get<V1Page>(url('127.0.0.1'), restricted);
    const c = await get<V1Page>(url('localhost'), full);
    expect(a.body.data[0]?.attributes.fix_salary).toBeDefined();
    expect(b.body.data[0]?.attributes.fix_salary).toBeUndefined();
    const pictures = (page: V1Page): string[] =>
      page.data.flatMap((e) => {
        const link = e.attributes.profile_picture?.value;
        return typeof link === 'string' ? [link] : [];
      });
    expect(pictures(a.body).length).toBeGreaterThan(0);
    for (const link of pictures(c.body)) expect(link).toMatch(/^http:\/\/localhost:/);
    for (const link of pictures(a.body)) expect(link).toMatch(/^http:\/\/127\.0\.0\.1:/);
  });

  it('starts over past 32 views and still serves the same bytes', async () => {
    const sb = await start({});
    const token = await v1Token(sb);
    const first = await pages(sb, token);
    const keys = sb.state.catalog.specs.map((spec) => spec.key).filter((k) => k !== 'id');
    for (const key of keys.slice(0, 34)) {
      const one = await get<V1Page>(
        `${sb.url}/v1/company/employees?limit=5&attributes[]=${key}`,
        token,
      );
      expect(Object.keys(one.body.data[0]?.attributes ?? {}).sort()).toEqual(['id', key].sort());
    }
    expect(await pages(sb, token)).toEqual(first);
  });

  it('drops every cached record on a mutation (a supervisor rename shows in the reports)', async () => {
    const sb = await start({ quirks: { supervisorAttributes: 'short' } });
    const token = await v1Token(sb);
    const before = await get<V1Page>(`${sb.url}/v1/company/employees?limit=100`, token);
    const report = before.body.data.find((e) => e.attributes.supervisor?.value !== null);
    const boss = report?.attributes.supervisor?.value as {
      attributes: { id: { value: number } };
    };
    const bossId = boss.attributes.id.value;
    sb.control.updateEmployee(bossId, { last_name: 'Öztürk', position: 'CTO' });
    const after = await get<V1Page>(`${sb.url}/v1/company/employees?limit=100`, token);
    const bossRecord = after.body.data.find((e) => e.attributes.id?.value === bossId);
    expect(bossRecord?.attributes.position?.value).toBe('CTO');
    const nested = after.body.data
      .map(
        (e) =>
          e.attributes.supervisor?.value as {
            attributes: Record<string, { value: unknown }>;
          } | null,
      )
      .filter((s) => s !== null && s.attributes.id?.value === bossId);
    expect(nested.length).toBeGreaterThan(0);
    for (const s of nested) expect(s?.attributes.last_name?.value).toBe('Öztürk');
  });
});
