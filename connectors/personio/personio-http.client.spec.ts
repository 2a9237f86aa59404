/**
 * The HTTP layer against a scripted loopback server, on a fake clock: backoff is exponential
 * with full jitter and never shorter than 1 s or Retry-After; only 429, 5xx and transport
 * failures are retried, inside the attempt limit and the run's retry budget; 401/403 cause one
 * re-authentication; identification headers and a base URL with a path prefix are honoured;
 * rotated tokens are adopted; cached tokens expire; secrets never reach an error.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConnectorError } from '../connector';
import { PersonioConnector, type PersonioConnectorOptions } from './personio.connector';
import { drain, fakeTime } from './personio.test-kit';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

const CREDENTIALS = { clientId: 'papi-client-1', clientSecret: 'papi-secret-do-not-leak' };

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function employeesPage(offset: number, total: number, limit: number): unknown {
  const data = [];
  for (let i = offset; i < Math.min(total, offset + limit); i++) {
    data.push({
      type: 'Employee',
      attributes: { id: { label: 'ID', value: i + 1, type: 'integer' } },
    });
  }
  return {
    success: true,
    metadata: { total_elements: total, current_page: 0, total_pages: 1 },
    offset,
    limit,
    data,
  };
}

describe('PersonioHttpClient (scripted server, fake clock)', () => {
  let server: Server;
  let url: string;
  let handler: Handler;
  let seen: IncomingMessage[];
  let authCalls: number;

  /** A well-behaved Personio: v1 auth issues `papi-token-N`, employees answer one page. */
  const personio =
    (resource: Handler): Handler =>
    (req, res, body) => {
      if (req.url?.endsWith('/v1/auth')) {
        authCalls += 1;
        send(res, 200, {
          success: true,
          data: { token: `papi-token-${authCalls}`, expires_in: 86_400, scope: 'employees:read' },
        });
        return;
      }
      resource(req, res, body);
    };

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push(req);
        handler(req, res, body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  beforeEach(() => {
    seen = [];
    authCalls = 0;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  function connector(extra: PersonioConnectorOptions = {}) {
    const time = fakeTime();
    const c = new PersonioConnector({
      baseUrl: url,
      rateLimits: false,
      clock: time.clock,
      sleep: time.sleep,
      random: () => 0.999,
      ...extra,
    });
    return { c, time, session: c.session(CREDENTIALS, { apiVersion: 'v1' }) };
  }

  async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
    try {
      await promise;
    } catch (error: unknown) {
      if (error instanceof ConnectorError) return error;
      throw error;
    }
    throw new Error('expected a ConnectorError');
  }

  it('backs off exponentially with full jitter, never under 1 s, then succeeds', async () => {
    let failures = 3;
    handler = personio((_req, res) => {
      if (failures-- > 0)
        return send(res, 503, { success: false, error: { code: 503, message: 'down' } });
      send(res, 200, employeesPage(0, 3, 100));
    });
    const { c, time, session } = connector();
    const { items } = await drain(session.employees());
    expect(items).toHaveLength(3);
    // ceilings 1 s, 2 s, 4 s times 0.999, floored at 1 s
    expect(time.slept).toEqual([1000, 1998, 3996]);
    expect(session.stats().retries).toBe(3);
    await c.close();
  });

  it('waits at least Retry-After on a 429, and at least 1 s without one', async () => {
    let step = 0;
    handler = personio((_req, res) => {
      step += 1;
      if (step === 1)
        return send(
          res,
          429,
          { success: false, error: { code: 429, message: 'Too Many Requests' } },
          { 'retry-after': '7' },
        );
      if (step === 2)
        return send(res, 429, {
          success: false,
          error: { code: 429, message: 'Too Many Requests' },
        });
      send(res, 200, employeesPage(0, 1, 100));
    });
    const { c, time, session } = connector({ random: () => 0 });
    await drain(session.employees());
    expect(time.slept).toEqual([7000, 1000]);
    expect(session.stats().throttled).toBe(2);
    await c.close();
  });

  it.each([
    [400, 'BAD_RESPONSE'],
    [422, 'BAD_RESPONSE'],
    [404, 'NOT_FOUND'],
  ] as const)('never retries a %i (gives %s at once)', async (status, code) => {
    handler = personio((_req, res) =>
      send(res, status, { success: false, error: { code: 0, message: 'nope' } }),
    );
    const { c, time, session } = connector();
    const error = await failure(drain(session.employees()));
    expect(error.code).toBe(code);
    expect(error.details.status).toBe(status);
    expect(time.slept).toEqual([]);
    expect(seen.filter((r) => r.url?.includes('/employees'))).toHaveLength(1);
    await c.close();
  });

  it('re-authenticates once on 401 and 403; then AUTH_INVALID or PERMISSION_MISSING', async () => {
    handler = personio((_req, res) =>
      send(res, 401, { success: false, error: { code: 401, message: 'x' } }),
    );
    let k = connector();
    expect((await failure(drain(k.session.employees()))).code).toBe('AUTH_INVALID');
    expect(authCalls).toBe(2);
    await k.c.close();

    authCalls = 0;
    handler = personio((_req, res) =>
      send(res, 403, {
        success: false,
        error: { code: 0, message: 'personio.core.api.exceptions.api.forbidden.http.exception' },
      }),
    );
    k = connector();
    const error = await failure(drain(k.session.employees()));
    expect(error.code).toBe('PERMISSION_MISSING');
    expect(error.details.scope).toBe('employees');
    expect(authCalls).toBe(2);
    expect(k.time.slept).toEqual([]);
    await k.c.close();
  });

  it('an expired token is replaced after one 403 and the read goes on', async () => {
    handler = personio((req, res) => {
      if (req.headers.authorization !== `Bearer papi-token-2`) {
        return send(res, 403, {
          success: false,
          error: { code: 403, message: 'Provided authorization is not valid' },
        });
      }
      send(res, 200, employeesPage(0, 2, 100));
    });
    const { c, session } = connector();
    expect((await drain(session.employees())).items).toHaveLength(2);
    expect(authCalls).toBe(2);
    await c.close();
  });

  it('gives up after the attempt limit and inside the run budget, with the right code', async () => {
    handler = personio((_req, res) => send(res, 503, {}));
    let k = connector({ retry: { maxAttempts: 4 } });
    let error = await failure(drain(k.session.employees()));
    expect(error.code).toBe('TEMPORARY');
    expect(error.details.attempts).toBe(4);
    await k.c.close();

    handler = personio((_req, res) => send(res, 429, {}, { 'retry-after': '30' }));
    k = connector({ retry: { maxAttempts: 3 } });
    error = await failure(drain(k.session.employees()));
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.details.retryAfterMs).toBe(30_000);
    await k.c.close();

    handler = personio((_req, res) => send(res, 500, {}));
    k = connector({ retry: { budgetPerRun: 2 } });
    error = await failure(drain(k.session.employees()));
    expect(error.details.attempts).toBe(3);
    expect(k.session.stats().retries).toBe(2);
    await k.c.close();
  });

  it('sends the identification headers and keeps a proxy path prefix', async () => {
    handler = personio((_req, res) => send(res, 200, employeesPage(0, 1, 100)));
    const { c, session } = connector({
      baseUrl: `${url}/proxy/personio/`,
      appId: 'HRIS_GATEWAY',
      partnerId: 'ACME',
    });
    await drain(session.employees());
    expect(seen.map((r) => r.url?.split('?')[0])).toEqual([
      '/proxy/personio/v1/auth',
      '/proxy/personio/v1/company/employees',
    ]);
    for (const r of seen) {
      expect(r.headers['x-personio-app-id']).toBe('HRIS_GATEWAY');
      expect(r.headers['x-personio-partner-id']).toBe('ACME');
    }
    await c.close();
  });

  it('adopts a token rotated through the Authorization response header (legacy one-time tokens)', async () => {
    let next = 0;
    handler = personio((req, res) => {
      const expected = next === 0 ? 'Bearer papi-token-1' : `Bearer papi-rotated-${next}`;
      if (req.headers.authorization !== expected)
        return send(res, 401, {
          success: false,
          error: { code: 401, message: 'The token has been blacklisted' },
        });
      next += 1;
      const offset = Number(new URL(req.url ?? '', url).searchParams.get('offset'));
      send(res, 200, employeesPage(offset, 4, 2), { authorization: `Bearer papi-rotated-${next}` });
    });
    const { c, session } = connector({ employeePageSize: 2 });
    expect((await drain(session.employees())).items).toHaveLength(4);
    expect(authCalls).toBe(1);
    await c.close();
  });

  it('caches the token per credential until shortly before it expires', async () => {
    handler = (req, res) => {
      if (req.url?.endsWith('/v1/auth')) {
        authCalls += 1;
        return send(res, 200, {
          success: true,
          data: { token: `papi-token-${authCalls}`, expires_in: 7200 },
        });
      }
      send(res, 200, employeesPage(0, 1, 100));
    };
    const { c, time, session } = connector();
    await session.verify();
    await session.verify();
    expect(authCalls).toBe(1);
    await time.sleep(3_601_000);
    await session.verify();
    expect(authCalls).toBe(2);
    await c.close();
  });

  it('paces /v1/auth under 60 per minute and keeps a 60 s cool-down after an auth 429', async () => {
    handler = personio((_req, res) => send(res, 200, employeesPage(0, 1, 100)));
    const time = fakeTime();
    const c = new PersonioConnector({ baseUrl: url, clock: time.clock, sleep: time.sleep });
    const start = time.clock();
    for (let i = 0; i < 60; i++) {
      await c.verify({ clientId: `papi-c-${i}`, clientSecret: 's' }, { apiVersion: 'v1' });
    }
    expect(authCalls).toBe(60);
    expect(time.clock() - start).toBeLessThan(60_000);
    await c.verify({ clientId: 'papi-c-60', clientSecret: 's' }, { apiVersion: 'v1' });
    // The 61st token request waited until the first one left the window.
    expect(time.clock() - start).toBeGreaterThanOrEqual(60_000);
    await c.close();

    authCalls = 0;
    let refused = 1;
    handler = (req, res) => {
      if (req.url?.endsWith('/v1/auth') && refused-- > 0) {
        return send(res, 429, {
          success: false,
          error: { code: 429, message: 'Too Many Requests' },
        });
      }
      personio((_r, rs) => send(rs, 200, employeesPage(0, 1, 100)))(req, res, '');
    };
    const t2 = fakeTime();
    const c2 = new PersonioConnector({ baseUrl: url, clock: t2.clock, sleep: t2.sleep });
    const before = t2.clock();
    await c2.verify(CREDENTIALS, { apiVersion: 'v1' });
    expect(authCalls).toBe(1);
    expect(t2.clock() - before).toBeGreaterThanOrEqual(60_000);
    await c2.close();
  });

  it('never lets a secret or token into an error, even when Personio echoes them', async () => {
    handler = (req, res, body) => {
      if (req.url?.endsWith('/v1/auth')) {
        return send(res, 401, {
          success: false,
          error: { code: 401, message: `bad credentials ${body}` },
        });
      }
      send(res, 500, {});
    };
    let k = connector();
    const authError = await failure(k.session.verify());
    expect(authError.code).toBe('AUTH_INVALID');
    const text = `${authError.message} ${JSON.stringify(authError.details)} ${String(authError.stack)}`;
    expect(text).not.toContain(CREDENTIALS.clientSecret);
    await k.c.close();

    handler = personio((req, res) =>
      send(res, 500, {
        success: false,
        error: { code: 500, message: `failed for ${req.headers.authorization ?? ''}` },
      }),
    );
    k = connector({ retry: { maxAttempts: 1 } });
    const error = await failure(drain(k.session.employees()));
    expect(error.code).toBe('TEMPORARY');
    expect(error.message).not.toContain('papi-token-1');
    expect(error.message).toContain('[redacted]');
    await k.c.close();
  });
});
