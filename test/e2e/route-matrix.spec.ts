/**
 * The route x scope x tenant matrix, generated from the OpenAPI document so that every route
 * added later is covered without anyone remembering to: each operation secured by access
 * tokens refuses a token that lacks its scope (403), and answers another tenant's ids exactly
 * like missing ones (404, same body).
 *
 * A new operation with ids in its path must add a way to find another tenant's ids below
 * (TENANT_TARGETS); the test fails until it does.
 */
import request from 'supertest';
import { SCOPES } from '../../src/auth/scopes';
import {
  accessToken,
  createApplication,
  createConnectSession,
  TEST_ADMIN_TOKEN,
  type TestApplication,
} from '../support/auth';
import { Contract, expectContract } from '../support/contract';
import { startTestGateway, type TestGateway } from '../support/gateway';

interface Operation {
  method: string;
  path: string;
  scopes: string[];
}

interface Tenant {
  app: TestApplication;
  connectionId: string;
  otherConnectionId: string;
}

interface Target {
  /** Path parameters naming the tenant's resources. */
  params?: (tenant: Tenant) => Record<string, string>;
  /** A body valid enough to reach the lookup, naming the tenant's resources. */
  body?: (tenant: Tenant) => Record<string, unknown>;
  /** The route serves the token's connection: the check sends a token bound to mine. */
  connectionBound?: boolean;
}

const MISSING_ID = '00000000-0000-4000-8000-000000000000';

/** How to aim each operation at a tenant's resources. */
const TENANT_TARGETS: Record<string, Target> = {
  'GET /v1/connections/{id}': { params: (t) => ({ id: t.connectionId }) },
  'PATCH /v1/connections/{id}': { params: (t) => ({ id: t.connectionId }), body: () => ({}) },
  'DELETE /v1/connections/{id}': { params: (t) => ({ id: t.connectionId }) },
  'POST /v1/connect/sessions': { body: (t) => ({ connection_id: t.connectionId }) },
  'POST /v1/connections/{id}/test': { params: (t) => ({ id: t.connectionId }) },
  'POST /v1/sync-runs': { body: (t) => ({ connection_id: t.connectionId }) },
  // A tenant has no sync run yet to name, so these use a connection id as the run id: it is no
  // one's run, so it must answer 404 for everyone, exactly like a missing id.
  'GET /v1/sync-runs/{id}': { params: (t) => ({ id: t.connectionId }) },
  'POST /v1/sync-runs/{id}/confirm': { params: (t) => ({ id: t.connectionId }), body: () => ({}) },
  // The unified records: a tenant here has no synced data to name, so these use a connection id
  // as the record id: it is no one's employee, team or absence, so it must answer 404 for
  // everyone, exactly like a missing id. These routes serve the token's connection, so the 404
  // check must send a token bound to the tenant's connection (an unbound one answers 403).
  // POST /v1/hris/employees/match names no record (unknown emails are `unmatched`, 200): no entry.
  'GET /v1/hris/employees/{id}': { params: (t) => ({ id: t.connectionId }), connectionBound: true },
  'GET /v1/hris/teams/{id}': { params: (t) => ({ id: t.connectionId }), connectionBound: true },
  'GET /v1/hris/employees/{id}/reports': {
    params: (t) => ({ id: t.connectionId }),
    connectionBound: true,
  },
  'GET /v1/hris/teams/{id}/members': {
    params: (t) => ({ id: t.connectionId }),
    connectionBound: true,
  },
  'GET /v1/hris/absences/{id}': { params: (t) => ({ id: t.connectionId }), connectionBound: true },
  // Webhook endpoints: a connection id is no one's endpoint (or delivery), so 404 for everyone.
  'GET /v1/webhooks/{id}': { params: (t) => ({ id: t.connectionId }) },
  'PATCH /v1/webhooks/{id}': { params: (t) => ({ id: t.connectionId }), body: () => ({}) },
  'DELETE /v1/webhooks/{id}': { params: (t) => ({ id: t.connectionId }) },
  'POST /v1/webhooks/{id}/rotate-secret': {
    params: (t) => ({ id: t.connectionId }),
    body: () => ({}),
  },
  'GET /v1/webhooks/{id}/deliveries': { params: (t) => ({ id: t.connectionId }) },
  'POST /v1/webhooks/{id}/deliveries/{delivery_id}/retry': {
    params: (t) => ({ id: t.connectionId, delivery_id: t.connectionId }),
  },
  'POST /v1/webhooks/{id}/replay': {
    params: (t) => ({ id: t.connectionId }),
    body: () => ({ after_sequence: 0 }),
  },
};

function tokenOperations(contract: Contract): Operation[] {
  const paths = contract.document.paths as Record<
    string,
    Record<string, { security?: Array<Record<string, string[]>> }>
  >;
  return contract.operations().flatMap(({ method, path }) => {
    const security = paths[path]?.[method.toLowerCase()]?.security ?? [];
    const scheme = security.find((s) => 'accessToken' in s);
    return scheme ? [{ method, path, scopes: scheme.accessToken ?? [] }] : [];
  });
}

const fill = (path: string, params: Record<string, string>): string =>
  path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`no value for path parameter ${name} of ${path}`);
    return value;
  });

const comparable = (body: Record<string, unknown>): Record<string, unknown> => {
  const { request_id: _r, instance: _i, ...rest } = body;
  return rest;
};

describe('route x scope x tenant matrix (e2e, from the OpenAPI document)', () => {
  const contract = Contract.load();
  const operations = tokenOperations(contract);
  let gateway: TestGateway;
  let mine: Tenant;
  let theirs: Tenant;

  async function tenant(name: string): Promise<Tenant> {
    const app = await createApplication(gateway, { name });
    const token = await accessToken(gateway, app);
    const first = await createConnectSession(gateway, token, { customer_ref: `${name}-1` });
    const second = await createConnectSession(gateway, token, { customer_ref: `${name}-2` });
    return { app, connectionId: first.connection_id, otherConnectionId: second.connection_id };
  }

  const send = (
    op: Operation,
    token: string,
    path: string,
    body?: Record<string, unknown>,
  ): request.Test => {
    const method = op.method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete';
    const req = request(gateway.url)[method](path).set('Authorization', `Bearer ${token}`);
    return body ? req.send(body) : req;
  };

  beforeAll(async () => {
    gateway = await startTestGateway({ ADMIN_TOKEN: TEST_ADMIN_TOKEN });
    mine = await tenant('mine');
    theirs = await tenant('theirs');
  });
  afterAll(async () => {
    await gateway.close();
  });

  it('finds the token-secured operations in the document', () => {
    expect(operations.length).toBeGreaterThanOrEqual(5);
    for (const op of operations) expect(op.scopes.length).toBeGreaterThan(0);
  });

  it('knows how to aim every operation that names resources at a tenant', () => {
    const uncovered = operations
      .filter((op) => op.path.includes('{') && !TENANT_TARGETS[`${op.method} ${op.path}`])
      .map((op) => `${op.method} ${op.path}`);
    expect(uncovered).toEqual([]);
  });

  it('refuses a token without the required scope on every operation (403)', async () => {
    for (const op of operations) {
      const others = SCOPES.filter((s) => !op.scopes.includes(s));
      const token = await accessToken(gateway, mine.app, { scope: others.join(' ') });
      const target = TENANT_TARGETS[`${op.method} ${op.path}`];
      const path = fill(op.path, target?.params?.(mine) ?? {});
      const res = await send(op, token, path, target?.body?.(mine) ?? {});
      expect({ op: `${op.method} ${op.path}`, status: res.status }).toEqual({
        op: `${op.method} ${op.path}`,
        status: 403,
      });
      expectContract(res);
      expect(res.body.code).toBe('forbidden');
    }
  });

  it('refuses a missing or invalid token on every operation (401)', async () => {
    for (const op of operations) {
      const target = TENANT_TARGETS[`${op.method} ${op.path}`];
      const path = fill(op.path, target?.params?.(mine) ?? {});
      const res = await request(gateway.url)[op.method.toLowerCase() as 'get'](path);
      expect({ op: `${op.method} ${op.path}`, status: res.status }).toEqual({
        op: `${op.method} ${op.path}`,
        status: 401,
      });
      expectContract(res);
    }
  });

  it("answers another tenant's ids exactly like missing ones (404)", async () => {
    const unbound = await accessToken(gateway, mine.app);
    const bound = await accessToken(gateway, mine.app, { connectionId: mine.connectionId });
    const targeted = operations.filter((op) => TENANT_TARGETS[`${op.method} ${op.path}`]);
    expect(targeted.length).toBeGreaterThan(0);
    for (const op of targeted) {
      const target = TENANT_TARGETS[`${op.method} ${op.path}`] as Target;
      const token = target.connectionBound ? bound : unbound;
      const missing: Tenant = {
        ...theirs,
        connectionId: MISSING_ID,
        otherConnectionId: MISSING_ID,
      };
      const foreign = await send(
        op,
        token,
        fill(op.path, target.params?.(theirs) ?? {}),
        target.body?.(theirs),
      );
      const absent = await send(
        op,
        token,
        fill(op.path, target.params?.(missing) ?? {}),
        target.body?.(missing),
      );
      const label = `${op.method} ${op.path}`;
      expect({ label, status: foreign.status }).toEqual({ label, status: 404 });
      expectContract(foreign);
      expect(comparable(foreign.body as Record<string, unknown>)).toEqual(
        comparable(absent.body as Record<string, unknown>),
      );
    }
    // Nothing of theirs was touched by those attempts.
    const theirToken = await accessToken(gateway, theirs.app);
    const still = await request(gateway.url)
      .get(`/v1/connections/${theirs.connectionId}`)
      .set('Authorization', `Bearer ${theirToken}`)
      .expect(200);
    expect(still.body.status).toBe('pending');
  });

  it('limits a connection-bound token to its own connection', async () => {
    const bound = await accessToken(gateway, mine.app, { connectionId: mine.connectionId });
    const own = await request(gateway.url)
      .get(`/v1/connections/${mine.connectionId}`)
      .set('Authorization', `Bearer ${bound}`);
    expect(own.status).toBe(200);
    const sibling = await request(gateway.url)
      .get(`/v1/connections/${mine.otherConnectionId}`)
      .set('Authorization', `Bearer ${bound}`)
      .expect(404);
    const absent = await request(gateway.url)
      .get(`/v1/connections/${MISSING_ID}`)
      .set('Authorization', `Bearer ${bound}`);
    expect(comparable(sibling.body as Record<string, unknown>)).toEqual(
      comparable(absent.body as Record<string, unknown>),
    );
    const list = await request(gateway.url)
      .get('/v1/connections')
      .set('Authorization', `Bearer ${bound}`)
      .expect(200);
    expectContract(list);
    expect((list.body.data as Array<{ id: string }>).map((c) => c.id)).toEqual([mine.connectionId]);
  });
});
