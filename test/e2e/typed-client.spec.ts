/**
 * The typed client example (clients/typescript/list-employees.ts, openapi-fetch over the
 * openapi-typescript types) against a real gateway and sandbox: it lists exactly the sandbox's
 * employees page by page, its command-line entry prints their names, and failures surface as
 * errors instead of a silently short list. Every response it receives is checked against the
 * contract through the `fetch` it is given.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type RunningSandbox } from '../../connectors/personio/sandbox';
import { getToken, listAllEmployees } from '../../clients/typescript/list-employees';
import {
  accessToken,
  createApplication,
  TEST_ADMIN_TOKEN,
  type TestApplication,
} from '../support/auth';
import { expectContract } from '../support/contract';
import { startTestGateway, type TestGateway } from '../support/gateway';
import { startTestSandbox } from '../support/sandbox';
import { connectThroughLink, waitForLatestRun } from '../support/sync';

const ROOT = join(__dirname, '..', '..');
const EMPLOYEES = 23;
const PAGE_SIZE = 5;
const MAX_REQUESTS = 50;

interface Exchange {
  method: string;
  path: string;
  query: URLSearchParams;
  status: number;
  body: unknown;
}

/** A fetch that checks every response against the contract and stops a runaway cursor loop. */
function contractFetch(log: Exchange[]): (request: Request) => Promise<Response> {
  return async (request) => {
    if (log.length >= MAX_REQUESTS) throw new Error(`more than ${MAX_REQUESTS} requests`);
    const response = await fetch(request);
    const text = await response.clone().text();
    const contentType = response.headers.get('content-type') ?? undefined;
    const body: unknown = text && contentType?.includes('json') ? JSON.parse(text) : undefined;
    const url = new URL(request.url);
    expectContract(
      { status: response.status, headers: { 'content-type': contentType }, body, text },
      { method: request.method, path: url.pathname },
    );
    log.push({
      method: request.method,
      path: url.pathname,
      query: url.searchParams,
      status: response.status,
      body,
    });
    return response;
  };
}

describe('typed client example (e2e: openapi-fetch over the generated types)', () => {
  let sandbox: RunningSandbox;
  let gateway: TestGateway;
  let app: TestApplication;
  let connectionId: string;

  beforeAll(async () => {
    sandbox = await startTestSandbox({ employees: EMPLOYEES });
    gateway = await startTestGateway({
      ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      PERSONIO_BASE_URL: sandbox.url,
      SYNC_TICK_MS: '100',
    });
    app = await createApplication(gateway, { name: 'Typed client' });
    const token = await accessToken(gateway, app);
    connectionId = await connectThroughLink(gateway, token, sandbox.credentials[0]!);
    expect((await waitForLatestRun(gateway, token, connectionId)).status).toBe('succeeded');
  });
  afterAll(async () => {
    await gateway?.close();
    await sandbox?.close();
  });

  const credentials = () => ({
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    connectionId,
  });

  it('gets a connection-bound token and lists exactly the sandbox employees, page by page', async () => {
    const log: Exchange[] = [];
    const token = await getToken(gateway.url, credentials(), { fetch: contractFetch(log) });
    const employees = await listAllEmployees(gateway.url, token, {
      pageSize: PAGE_SIZE,
      fetch: contractFetch(log),
    });

    const expected = sandbox.state.store.employees();
    expect(expected).toHaveLength(EMPLOYEES);
    expect(employees.map((e) => [e.remote_id, e.first_name, e.last_name]).sort()).toEqual(
      expected.map((e) => [String(e.id), e.firstName, e.lastName]).sort(),
    );
    expect(new Set(employees.map((e) => e.id)).size).toBe(employees.length);

    // The token request, then one request per page, each after the first carrying the cursor
    // the previous page returned.
    expect(log[0]).toMatchObject({ method: 'POST', path: '/v1/oauth/token', status: 200 });
    const pages = log.slice(1);
    expect(pages.length).toBeGreaterThanOrEqual(Math.ceil(EMPLOYEES / PAGE_SIZE));
    pages.forEach((page, i) => {
      expect(page).toMatchObject({ method: 'GET', path: '/v1/hris/employees', status: 200 });
      expect(page.query.get('limit')).toBe(String(PAGE_SIZE));
      const previous = pages[i - 1]?.body as { next_cursor: string | null } | undefined;
      expect(page.query.get('cursor')).toBe(previous ? previous.next_cursor : null);
      const body = page.body as { data: unknown[]; next_cursor: string | null };
      expect(body.data.length).toBeLessThanOrEqual(PAGE_SIZE);
      expect(body.next_cursor === null).toBe(i === pages.length - 1);
    });
  });

  it('runs from the command line as the README shows and prints every name', async () => {
    const token = await getToken(gateway.url, credentials());
    const names = (await listAllEmployees(gateway.url, token)).map((e) => e.display_name);
    expect(names.every((name) => typeof name === 'string' && name.length > 0)).toBe(true);

    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['-r', '@swc-node/register', 'clients/typescript/list-employees.ts'],
      {
        cwd: ROOT,
        timeout: 30_000,
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          SWC_NODE_PROJECT: join(ROOT, 'tsconfig.json'),
          GATEWAY_URL: gateway.url,
          CLIENT_ID: app.clientId,
          CLIENT_SECRET: app.clientSecret,
          CONNECTION_ID: connectionId,
        },
      },
    );
    expect(stdout.trimEnd().split('\n')).toEqual(names);
  });

  it('turns a refused token or a forbidden list into an error naming the status', async () => {
    const log: Exchange[] = [];
    await expect(
      getToken(
        gateway.url,
        { ...credentials(), clientSecret: 'wrong' },
        { fetch: contractFetch(log) },
      ),
    ).rejects.toThrow(/^token: 401 .*invalid_client/);

    // A token not bound to a connection may not read /v1/hris: 403, not an empty list.
    const unbound = await accessToken(gateway, app);
    await expect(
      listAllEmployees(gateway.url, unbound, { fetch: contractFetch(log) }),
    ).rejects.toThrow(/^employees: 403 /);
    expect(log.map((e) => e.status)).toEqual([401, 403]);
  });
});
