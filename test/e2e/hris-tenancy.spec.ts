/**
 * The tenant matrix of the unified read API, driven by the OpenAPI document: every /v1/hris
 * operation it lists, every id kind it takes, so a route added later is covered without anyone
 * remembering to.
 *
 * Two applications: A with connections A1 and A2, B with B1. All three sync the same Personio
 * sandbox through their own credentials (the gateway has one Personio base URL), and the
 * company changes between their first syncs, so each connection also holds people the others
 * do not: A2 has three hires that left before B1 connected, B1 three hires that came after.
 * Gateway ids derive from the connection, so even the people they share have different ids.
 *
 * What is proven, viewed from A1's bound token (and, where cheap, from every connection's):
 * - another connection's real ids, in a path, answer exactly like a random missing id (404, the
 *   same problem body apart from request_id and instance), while the owner gets 200;
 * - another connection's real values for every `*_id` filter give the same empty page as a
 *   random uuid, while the owner (and A1 with its own values) gets records;
 * - no body served to a connection's token holds an id served to another connection (ids
 *   collected from every list, every record-by-id answer and the events feed, per connection);
 * - matching B1's (or A2's) own emails finds nothing in A1;
 * - an application's unbound token never sees another application's connections or runs;
 * - a token with only `hris.employees:read` gets 403 wherever the document asks for more.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { type RunningSandbox } from '../../connectors/personio/sandbox';
import {
  accessToken,
  createApplication,
  TEST_ADMIN_TOKEN,
  type TestApplication,
} from '../support/auth';
import { Contract, expectContract } from '../support/contract';
import { startTestGateway, type TestGateway } from '../support/gateway';
import { startTestSandbox } from '../support/sandbox';
import { connectThroughLink, waitForLatestRun } from '../support/sync';

type Json = Record<string, unknown>;

interface Param {
  name: string;
  in: string;
  required: boolean;
  enum?: string[];
}

interface Op {
  method: string;
  path: string;
  params: Param[];
  scopes: string[];
  hasBody: boolean;
}

interface Tenant {
  label: string;
  app: TestApplication;
  unbound: string;
  connectionId: string;
  bound: string;
  /** Remote ids of the sandbox's employees when this connection synced. */
  remoteEmployeeIds: string[];
  /** Records of every documented list route (deleted ones included), by path. */
  records: Map<string, Json[]>;
  /** Every uuid in any body served to this connection's bound token. */
  seen: Set<string>;
  events: Json[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HRIS = '/v1/hris/';
const MATCH = 'POST /v1/hris/employees/match';
/** Ids per (route, other connection) tried in paths; values per filter and other connection. */
const IDS_PER_ROUTE = 8;
const VALUES_PER_FILTER = 4;
const MAX_PAGES = 50;

/** The document's operations with their parameters (path-level ones included) and scopes. */
function documentOperations(contract: Contract): Op[] {
  const doc = contract.document;
  const deref = (node: unknown): Json => {
    let at = node as Json;
    for (let hops = 0; typeof at?.$ref === 'string' && hops < 10; hops += 1) {
      at = at.$ref
        .replace(/^#\//, '')
        .split('/')
        .reduce<unknown>((n, key) => (n as Json)[key], doc) as Json;
    }
    return at;
  };
  const paths = doc.paths as Record<string, Json>;
  return contract.operations().map(({ method, path }) => {
    const item = paths[path]!;
    const operation = item[method.toLowerCase()] as Json;
    const params = [
      ...((item.parameters as unknown[] | undefined) ?? []),
      ...((operation.parameters as unknown[] | undefined) ?? []),
    ].map((p) => {
      const param = deref(p);
      const schema = deref(param.schema ?? {});
      return {
        name: String(param.name),
        in: String(param.in),
        required: param.required === true,
        ...(Array.isArray(schema.enum) ? { enum: (schema.enum as unknown[]).map(String) } : {}),
      };
    });
    const security = (operation.security as Array<Record<string, string[]>> | undefined) ?? [];
    return {
      method,
      path,
      params,
      scopes: security.find((s) => 'accessToken' in s)?.accessToken ?? [],
      hasBody: 'requestBody' in operation,
    };
  });
}

/** One query per combination of the required enum parameters ([{}] when there are none). */
function requiredVariants(op: Op): Json[] {
  let variants: Json[] = [{}];
  for (const p of op.params.filter((p) => p.in === 'query' && p.required)) {
    if (!p.enum) throw new Error(`${op.method} ${op.path}: no value known for required ${p.name}`);
    variants = variants.flatMap((v) => p.enum!.map((value) => ({ ...v, [p.name]: value })));
  }
  return variants;
}

/** One query per value of each optional enum parameter. */
const optionalVariants = (op: Op): Json[] =>
  op.params
    .filter((p) => p.in === 'query' && !p.required && p.enum)
    .flatMap((p) => p.enum!.map((value) => ({ [p.name]: value })));

const hasQuery = (op: Op, name: string): boolean =>
  op.params.some((p) => p.in === 'query' && p.name === name);

const fill = (path: string, id: string): string => path.replace(/\{[^}]+\}/, id);

/**
 * Personio's own identifiers: the same for every connection reading the same company (v2
 * absence periods have uuids), so they are not the gateway's, and not a tenant's to own.
 */
const PERSONIO_KEYS = new Set(['remote_id', 'remote_data']);

/** Every uuid the gateway put in a body: ids, references, connection and event ids. */
function collectUuids(node: unknown, into: Set<string>): void {
  if (typeof node === 'string') {
    if (UUID.test(node)) into.add(node.toLowerCase());
  } else if (Array.isArray(node)) {
    for (const item of node) collectUuids(item, into);
  } else if (typeof node === 'object' && node !== null) {
    for (const [key, value] of Object.entries(node)) {
      if (!PERSONIO_KEYS.has(key)) collectUuids(value, into);
    }
  }
}

/** What a client can compare between two answers: all but the per-request fields. */
function shape(res: request.Response): Json {
  const body = res.body as Json;
  const {
    request_id: _r,
    instance: _i,
    ...rest
  } = typeof body === 'object' && body !== null && !Array.isArray(body) ? body : { body };
  return {
    status: res.status,
    type: String(res.headers['content-type'] ?? '').split(';')[0],
    body: rest,
  };
}

describe('tenant matrix of the unified read API (e2e, from the OpenAPI document)', () => {
  const contract = Contract.load();
  const hrisOps = documentOperations(contract).filter((op) => op.path.startsWith(HRIS));
  const listOps = hrisOps.filter((op) => op.method === 'GET' && !op.path.includes('{'));
  const idOps = hrisOps.filter((op) => op.path.includes('{'));
  let sandbox: RunningSandbox;
  let gateway: TestGateway;
  let a1: Tenant;
  let a2: Tenant;
  let b1: Tenant;
  let tenants: Tenant[];

  const call = async (
    token: string,
    method: string,
    path: string,
    query: Json = {},
    body?: Json,
  ): Promise<request.Response> => {
    const agent = request(gateway.url);
    const req = agent[method.toLowerCase() as 'get'](path)
      .query(query)
      .set('Authorization', `Bearer ${token}`);
    const res = await (body ? req.send(body) : req);
    expectContract(res);
    return res;
  };

  const expectStatus = (res: request.Response, status: number, label: string): void => {
    if (res.status !== status) {
      throw new Error(`${label}: ${res.status}, expected ${status}: ${res.text.slice(0, 500)}`);
    }
  };

  /** Every record of a list, page by page (bounded); every uuid served goes into `seen`. */
  const walk = async (tenant: Tenant, path: string, query: Json): Promise<Json[]> => {
    const items: Json[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const res = await call(tenant.bound, 'GET', path, {
        ...query,
        ...(cursor ? { cursor } : {}),
      });
      expectStatus(res, 200, `${tenant.label} GET ${path} ${JSON.stringify(query)}`);
      collectUuids(res.body, tenant.seen);
      const body = res.body as { data: Json[]; next_cursor?: string | null };
      items.push(...body.data);
      cursor = body.next_cursor ?? null;
      if (!cursor) return items;
    }
    throw new Error(`${tenant.label} GET ${path}: more than ${MAX_PAGES} pages`);
  };

  /**
   * Ids of a collection in a fixed order: the most referenced first (managers, populated teams),
   * so that the nested lists of the sampled ids (reports, members) are not all empty.
   */
  const sampleIds = (tenant: Tenant, collection: string, count = IDS_PER_ROUTE): string[] => {
    const records = tenant.records.get(collection);
    if (!records?.length) throw new Error(`${tenant.label}: no records of ${collection}`);
    const references = new Map<string, number>();
    for (const list of tenant.records.values()) {
      for (const record of list) {
        for (const [key, value] of Object.entries(record)) {
          if (key !== 'id' && typeof value === 'string')
            references.set(value, (references.get(value) ?? 0) + 1);
        }
      }
    }
    const ids = records.map((r) => String(r.id));
    const ranked = [...ids].sort(
      (x, y) => (references.get(y) ?? 0) - (references.get(x) ?? 0) || x.localeCompare(y),
    );
    const top = ranked.slice(0, Math.ceil(count / 2));
    const rest = ranked.slice(top.length);
    const step = Math.max(1, Math.floor(rest.length / (count - top.length)));
    return [...top, ...rest.filter((_, i) => i % step === 0)].slice(0, count);
  };

  /** Distinct non-null values of a record field, most frequent first. */
  const fieldValues = (tenant: Tenant, collection: string, field: string): string[] => {
    const counts = new Map<string, number>();
    for (const record of tenant.records.get(collection) ?? []) {
      const value = record[field];
      if (typeof value === 'string') counts.set(value, (counts.get(value) ?? 0) + 1);
    }
    return [...counts.keys()].sort((x, y) => counts.get(y)! - counts.get(x)! || x.localeCompare(y));
  };

  async function connect(
    label: string,
    app: TestApplication,
    unbound: string,
    credentialIndex: number,
  ): Promise<Tenant> {
    const remoteEmployeeIds = sandbox.state.store
      .employees()
      .map((e) => String(e.id))
      .sort();
    const connectionId = await connectThroughLink(
      gateway,
      unbound,
      sandbox.credentials[credentialIndex]!,
      { customer_ref: `customer-${label}` },
    );
    const run = await waitForLatestRun(gateway, unbound, connectionId);
    expect({ label, status: run.status }).toEqual({ label, status: 'succeeded' });
    return {
      label,
      app,
      unbound,
      connectionId,
      bound: await accessToken(gateway, app, { connectionId }),
      remoteEmployeeIds,
      records: new Map(),
      seen: new Set(),
      events: [],
    };
  }

  /** Everything a connection's token is served: lists, records by id, the events feed. */
  async function collect(tenant: Tenant): Promise<void> {
    for (const op of listOps) {
      const full = {
        ...(hasQuery(op, 'limit') ? { limit: 500 } : {}),
        ...(hasQuery(op, 'include_deleted') ? { include_deleted: 'true' } : {}),
      };
      const records: Json[] = [];
      for (const variant of requiredVariants(op)) {
        records.push(...(await walk(tenant, op.path, { ...full, ...variant })));
        for (const optional of optionalVariants(op)) {
          await walk(tenant, op.path, { ...full, ...variant, ...optional });
        }
      }
      tenant.records.set(op.path, records);
    }
    for (const op of idOps) {
      const collection = op.path.slice(0, op.path.indexOf('/{'));
      let nonEmpty = false;
      for (const id of sampleIds(tenant, collection)) {
        for (const variant of [{}, ...optionalVariants(op)]) {
          const res = await call(tenant.bound, op.method, fill(op.path, id), variant);
          expectStatus(res, 200, `${tenant.label} ${op.method} ${op.path} own id ${id}`);
          collectUuids(res.body, tenant.seen);
          const data = (res.body as { data?: unknown }).data;
          if (!Array.isArray(data) || data.length > 0) nonEmpty = true;
        }
      }
      // The sampled ids give the owner something (a record, or a non-empty nested list).
      expect({ tenant: tenant.label, route: op.path, nonEmpty }).toEqual({
        tenant: tenant.label,
        route: op.path,
        nonEmpty: true,
      });
    }
    let after = 0;
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const res = await call(tenant.bound, 'GET', '/v1/events', { after, limit: 500 });
      expectStatus(res, 200, `${tenant.label} GET /v1/events`);
      collectUuids(res.body, tenant.seen);
      const body = res.body as { data: Json[]; next_after: number };
      if (body.data.length === 0) return;
      tenant.events.push(...body.data);
      after = body.next_after;
    }
    throw new Error(`${tenant.label} GET /v1/events: more than ${MAX_PAGES} pages`);
  }

  beforeAll(async () => {
    sandbox = await startTestSandbox({
      // 40 people give 4 teams, one with a parent team: every `*_id` filter has real values.
      employees: 40,
      credentials: [{ name: 'A1' }, { name: 'A2' }, { name: 'B1' }],
    });
    gateway = await startTestGateway({
      ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      PERSONIO_BASE_URL: sandbox.url,
      SYNC_TICK_MS: '100',
    });
    const appA = await createApplication(gateway, { name: 'Application A' });
    const appB = await createApplication(gateway, { name: 'Application B' });
    const tokenA = await accessToken(gateway, appA);
    const tokenB = await accessToken(gateway, appB);

    a1 = await connect('A1', appA, tokenA, 0);
    const onlyA2 = [1, 2, 3].map((i) =>
      sandbox.control.hire({
        first_name: 'Only',
        last_name: `Atwo${i}`,
        email: `only-a2-${i}@tenancy.example`,
      }),
    );
    a2 = await connect('A2', appA, tokenA, 1);
    for (const person of onlyA2) sandbox.control.deleteEmployee(person.id);
    for (const i of [1, 2, 3]) {
      sandbox.control.hire({
        first_name: 'Only',
        last_name: `Bone${i}`,
        email: `only-b1-${i}@tenancy.example`,
      });
    }
    b1 = await connect('B1', appB, tokenB, 2);
    tenants = [a1, a2, b1];
    for (const tenant of tenants) await collect(tenant);
  }, 120_000);
  afterAll(async () => {
    await gateway?.close();
    await sandbox?.close();
  });

  it('knows how to exercise every /v1/hris operation of the document', () => {
    expect(listOps.length).toBeGreaterThanOrEqual(7);
    expect(idOps.length).toBeGreaterThanOrEqual(5);
    const known = new Set([...listOps, ...idOps].map((op) => `${op.method} ${op.path}`));
    known.add(MATCH);
    expect(hrisOps.map((op) => `${op.method} ${op.path}`).filter((k) => !known.has(k))).toEqual([]);
    for (const op of idOps) {
      // One id per path, naming a record of the list route the path starts with.
      expect({ op: op.path, params: op.params.filter((p) => p.in === 'path').length }).toEqual({
        op: op.path,
        params: 1,
      });
      expect(listOps.map((l) => l.path)).toContain(op.path.slice(0, op.path.indexOf('/{')));
    }
  });

  it('serves each connection exactly the people its own sync stored', () => {
    for (const tenant of tenants) {
      const employees = tenant.records.get('/v1/hris/employees')!;
      expect({
        tenant: tenant.label,
        remoteIds: employees.map((e) => String(e.remote_id)).sort(),
      }).toEqual({ tenant: tenant.label, remoteIds: tenant.remoteEmployeeIds });
    }
    // The company changed between the syncs: each connection holds people the others do not.
    expect(a2.remoteEmployeeIds.length).toBe(a1.remoteEmployeeIds.length + 3);
    expect(b1.remoteEmployeeIds.filter((id) => !a2.remoteEmployeeIds.includes(id))).toHaveLength(3);
    for (const tenant of tenants) {
      for (const path of ['/v1/hris/teams', '/v1/hris/absences', '/v1/hris/positions']) {
        expect({ tenant: tenant.label, path, some: tenant.records.get(path)!.length > 0 }).toEqual({
          tenant: tenant.label,
          path,
          some: true,
        });
      }
    }
  });

  it('never serves one connection an id served to another (lists, records, events)', () => {
    for (const tenant of tenants) {
      expect(tenant.seen.size).toBeGreaterThan(50);
      expect(tenant.seen.has(tenant.connectionId)).toBe(true);
    }
    for (const mine of tenants) {
      for (const other of tenants.filter((t) => t !== mine)) {
        expect({
          viewer: mine.label,
          other: other.label,
          shared: [...mine.seen].filter((id) => other.seen.has(id)),
        }).toEqual({ viewer: mine.label, other: other.label, shared: [] });
      }
    }
  });

  it('feeds each connection only its own events, in gapless order', () => {
    for (const tenant of tenants) {
      expect(tenant.events.length).toBeGreaterThan(0);
      expect({
        tenant: tenant.label,
        connections: [...new Set(tenant.events.map((e) => e.connection_id))],
        refs: [...new Set(tenant.events.map((e) => e.customer_ref))],
      }).toEqual({
        tenant: tenant.label,
        connections: [tenant.connectionId],
        refs: [`customer-${tenant.label}`],
      });
      expect(tenant.events.map((e) => e.sequence)).toEqual(tenant.events.map((_, i) => i + 1));
    }
  });

  it("answers another connection's ids in every path exactly like a missing id", async () => {
    for (const op of idOps) {
      const collection = op.path.slice(0, op.path.indexOf('/{'));
      for (const variant of [{}, ...optionalVariants(op)]) {
        const label = `${op.method} ${op.path} ${JSON.stringify(variant)}`;
        const missing = await call(a1.bound, op.method, fill(op.path, randomUUID()), variant);
        expectStatus(missing, 404, `${label} missing id`);
        // The comparison also names an id kind the route does not serve (an employee id as a
        // team id ...): every kind must be missing alike.
        for (const other of [a2, b1]) {
          const ids = [
            ...sampleIds(other, collection),
            ...[...other.records.keys()]
              .filter((c) => c !== collection && other.records.get(c)!.some((r) => r.id))
              .map((c) => sampleIds(other, c, 1)[0]!),
          ];
          for (const id of ids) {
            const res = await call(a1.bound, op.method, fill(op.path, id), variant);
            expect({ label, other: other.label, id, answer: shape(res) }).toEqual({
              label,
              other: other.label,
              id,
              answer: shape(missing),
            });
          }
        }
      }
    }
  });

  it("gives another connection's filter values the empty page of a random uuid", async () => {
    let filters = 0;
    for (const op of listOps) {
      const idFilters = op.params.filter((p) => p.in === 'query' && p.name.endsWith('_id'));
      for (const filter of idFilters) {
        filters += 1;
        const [base = {}] = requiredVariants(op);
        const query = (value: string): Json => ({
          ...base,
          ...(hasQuery(op, 'limit') ? { limit: 500 } : {}),
          [filter.name]: value,
        });
        const label = `GET ${op.path} ?${filter.name}`;
        const missing = await call(a1.bound, 'GET', op.path, query(randomUUID()));
        expectStatus(missing, 200, `${label} random uuid`);
        expect((missing.body as { data: unknown[] }).data).toEqual([]);

        // Controls: the filter finds A1's own records, and the owner's value finds the owner's.
        const own = fieldValues(a1, op.path, filter.name);
        expect({ label, ownValues: own.length > 0 }).toEqual({ label, ownValues: true });
        const ownRes = await call(a1.bound, 'GET', op.path, query(own[0]!));
        const ownFound = (ownRes.body as { data: Json[] }).data;
        expect({ label, found: ownFound.length > 0 }).toEqual({ label, found: true });
        const mine = new Set(a1.records.get(op.path)!.map((r) => r.id));
        expect({ label, notMine: ownFound.filter((r) => !mine.has(r.id)) }).toEqual({
          label,
          notMine: [],
        });

        for (const other of [a2, b1]) {
          const values = fieldValues(other, op.path, filter.name);
          expect({ label, other: other.label, values: values.length > 0 }).toEqual({
            label,
            other: other.label,
            values: true,
          });
          const owner = await call(other.bound, 'GET', op.path, query(values[0]!));
          expect({
            label,
            other: other.label,
            found: (owner.body as { data: unknown[] }).data.length > 0,
          }).toEqual({ label, other: other.label, found: true });
          // The other connection's real values, then one id of every other kind it has.
          const tried = [
            ...values.slice(0, VALUES_PER_FILTER),
            ...[...other.records.keys()]
              .filter((c) => other.records.get(c)!.some((r) => r.id))
              .map((c) => sampleIds(other, c, 1)[0]!),
          ];
          for (const value of tried) {
            const res = await call(a1.bound, 'GET', op.path, query(value));
            expect({ label, other: other.label, value, answer: shape(res) }).toEqual({
              label,
              other: other.label,
              value,
              answer: shape(missing),
            });
          }
        }
      }
    }
    // manager_id, team_id, department_id, position_id, parent_id, employee_id, absence_type_id.
    expect(filters).toBeGreaterThanOrEqual(7);
  });

  it("matches none of another connection's own people by email", async () => {
    const emailsOf = (tenant: Tenant): string[] =>
      tenant.records
        .get('/v1/hris/employees')!
        .filter((e) => typeof e.email === 'string' && e.remote_deleted_at === null)
        .map((e) => String(e.email).toLowerCase());
    const mine = new Set(emailsOf(a1));
    for (const other of [a2, b1]) {
      const theirsOnly = emailsOf(other)
        .filter((e) => !mine.has(e))
        .sort();
      expect({ other: other.label, count: theirsOnly.length }).toEqual({
        other: other.label,
        count: 3,
      });
      const res = await call(
        a1.bound,
        'POST',
        '/v1/hris/employees/match',
        {},
        {
          emails: theirsOnly,
        },
      );
      expectStatus(res, 200, `A1 match ${other.label}'s emails`);
      expect({ other: other.label, ...(res.body as Json) }).toEqual({
        other: other.label,
        matched: [],
        ambiguous: [],
        unmatched: theirsOnly,
      });
      const owner = await call(
        other.bound,
        'POST',
        '/v1/hris/employees/match',
        {},
        {
          emails: theirsOnly,
        },
      );
      expect((owner.body as { matched: unknown[] }).matched).toHaveLength(theirsOnly.length);
    }
    // The emails both have match A1's own person, once: never ambiguous with the other's.
    const shared = emailsOf(b1).filter((e) => mine.has(e));
    expect(shared.length).toBeGreaterThan(5);
    const res = await call(a1.bound, 'POST', '/v1/hris/employees/match', {}, { emails: shared });
    const body = res.body as { matched: Array<{ employee: Json }>; ambiguous: unknown[] };
    expect(body.ambiguous).toEqual([]);
    expect(body.matched).toHaveLength(new Set(shared).size);
    const a1Ids = new Set(a1.records.get('/v1/hris/employees')!.map((e) => e.id));
    expect(body.matched.filter((m) => !a1Ids.has(m.employee.id))).toEqual([]);
  });

  it("never shows an application another application's connections or runs", async () => {
    const listConnections = async (token: string): Promise<string[]> => {
      const ids: string[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < MAX_PAGES; page += 1) {
        const res = await call(token, 'GET', '/v1/connections', {
          limit: 100,
          ...(cursor ? { cursor } : {}),
        });
        expectStatus(res, 200, 'GET /v1/connections');
        const body = res.body as { data: Json[]; next_cursor: string | null };
        ids.push(...body.data.map((c) => String(c.id)));
        cursor = body.next_cursor;
        if (!cursor) return ids.sort();
      }
      throw new Error('GET /v1/connections: too many pages');
    };
    expect(await listConnections(a1.unbound)).toEqual([a1.connectionId, a2.connectionId].sort());
    expect(await listConnections(b1.unbound)).toEqual([b1.connectionId]);

    const runsOf = async (token: string, connectionId?: string): Promise<request.Response> =>
      call(token, 'GET', '/v1/sync-runs', {
        limit: 100,
        ...(connectionId ? { connection_id: connectionId } : {}),
      });
    const pairs: Array<[Tenant, Tenant]> = [
      [a1, b1],
      [b1, a1],
      [b1, a2],
    ];
    for (const [viewer, other] of pairs) {
      const label = `${viewer.label}'s application, ${other.label}`;
      const missingConnection = await call(
        viewer.unbound,
        'GET',
        `/v1/connections/${randomUUID()}`,
      );
      expectStatus(missingConnection, 404, `${label}: missing connection`);
      const foreign = await call(viewer.unbound, 'GET', `/v1/connections/${other.connectionId}`);
      expect({ label, answer: shape(foreign) }).toEqual({
        label,
        answer: shape(missingConnection),
      });

      const ownerRuns = await runsOf(other.unbound, other.connectionId);
      const otherRuns = (ownerRuns.body as { data: Json[] }).data;
      expect(otherRuns.length).toBeGreaterThan(0);
      const filtered = await runsOf(viewer.unbound, other.connectionId);
      const filteredMissing = await runsOf(viewer.unbound, randomUUID());
      expect({ label, answer: shape(filtered) }).toEqual({
        label,
        answer: shape(filteredMissing),
      });

      const run = await call(viewer.unbound, 'GET', `/v1/sync-runs/${String(otherRuns[0]!.id)}`);
      const missingRun = await call(viewer.unbound, 'GET', `/v1/sync-runs/${randomUUID()}`);
      expectStatus(missingRun, 404, `${label}: missing run`);
      expect({ label, answer: shape(run) }).toEqual({ label, answer: shape(missingRun) });

      // A token bound to the other application's connection cannot be had either.
      const tokenFor = (connectionId: string) =>
        request(gateway.url).post('/v1/oauth/token').type('form').send({
          grant_type: 'client_credentials',
          client_id: viewer.app.clientId,
          client_secret: viewer.app.clientSecret,
          connection_id: connectionId,
        });
      const boundForeign = await tokenFor(other.connectionId);
      expectContract(boundForeign);
      const boundMissing = await tokenFor(randomUUID());
      expectContract(boundMissing);
      expect(boundMissing.status).toBeGreaterThanOrEqual(400);
      expect({ label, answer: shape(boundForeign) }).toEqual({
        label,
        answer: shape(boundMissing),
      });
    }
    for (const viewer of [a1, b1]) {
      const own = viewer === a1 ? [a1.connectionId, a2.connectionId] : [b1.connectionId];
      const runs = (await runsOf(viewer.unbound)).body as { data: Json[] };
      expect(runs.data.length).toBeGreaterThan(0);
      expect(runs.data.filter((r) => !own.includes(String(r.connection_id)))).toEqual([]);
    }
  });

  it('refuses a token with only hris.employees:read wherever the document asks for more', async () => {
    const token = await accessToken(gateway, a1.app, {
      scope: 'hris.employees:read',
      connectionId: a1.connectionId,
    });
    const refused: string[] = [];
    for (const op of hrisOps) {
      const label = `${op.method} ${op.path}`;
      const path = op.path.includes('{')
        ? fill(op.path, sampleIds(a1, op.path.slice(0, op.path.indexOf('/{')))[0]!)
        : op.path;
      const [query = {}] = requiredVariants(op);
      const email = String(a1.records.get('/v1/hris/employees')!.find((e) => e.email)!.email);
      const res = await call(
        token,
        op.method,
        path,
        query,
        label === MATCH ? { emails: [email] } : undefined,
      );
      const allowed = op.scopes.every((s) => s === 'hris.employees:read');
      expect({ label, status: res.status }).toEqual({ label, status: allowed ? 200 : 403 });
      if (!allowed) {
        expect((res.body as Json).code).toBe('forbidden');
        refused.push(op.path);
      }
    }
    for (const path of [
      '/v1/hris/teams',
      '/v1/hris/teams/{id}',
      '/v1/hris/teams/{id}/members',
      '/v1/hris/absences',
      '/v1/hris/absences/{id}',
      '/v1/hris/absence-types',
    ]) {
      expect(refused).toContain(path);
    }
  });
});
