/**
 * What the benchmarks share (loopback only): ports, answers, an ephemeral PostgreSQL and its CPU,
 * the Personio sandbox in a worker thread, tokens and a connection made through the real page.
 */
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Client } from 'pg';
import { freePort } from '../src/common/net/free-port';
import { SCOPES } from '../src/auth/scopes';
import { EmbeddedPostgres } from '../src/database/embedded-postgres';

export { freePort };

/** The JSON body of an answer that must have `status`; anything else stops the benchmark. */
export async function jsonOf(
  res: Response,
  status: number,
  what: string,
): Promise<Record<string, unknown>> {
  const text = await res.text();
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as Record<string, unknown>;
}

/** utime + stime of a process or thread, in ms, from a /proc stat file; 0 once it is gone. */
export function cpuMsOf(statFile: string, withChildren = false): number {
  try {
    const stat = readFileSync(statFile, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = withChildren ? [11, 12, 13, 14] : [11, 12];
    return ticks.reduce((sum, i) => sum + Number(fields[i]), 0) * 10;
  } catch {
    return 0;
  }
}

/** CPU of one PostgreSQL cluster: its postmaster (with reaped backends) and live backends. */
function postgresCpuMs(postmasterPid: number): number {
  let total = cpuMsOf(`/proc/${postmasterPid}/stat`, true);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === postmasterPid) total += cpuMsOf(`/proc/${entry}/stat`);
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}

export interface BenchPostgres {
  /** CPU the cluster has used so far (ms). */
  cpuMs(): number;
  /** URL of a database (created on first use). */
  database(name: string): Promise<string>;
  stop(): Promise<void>;
}

/** An ephemeral embedded PostgreSQL (fsync off) for one benchmark; `name` tags its folder. */
export async function startBenchPostgres(name: string): Promise<BenchPostgres> {
  // /tmp is reachable by the `postgres` user when the bench runs as root; the checkout may not be.
  const parent = mkdtempSync(join(tmpdir(), `hris-bench-${name}-pg-`));
  chmodSync(parent, 0o755);
  const server = new EmbeddedPostgres({
    dataDir: join(parent, 'data'),
    port: await freePort(),
    database: 'postgres',
    ephemeral: true,
  });
  const adminUrl = await server.start();
  const postmaster = Number(
    readFileSync(join(parent, 'data', 'postmaster.pid'), 'utf8').split('\n')[0],
  );
  return {
    cpuMs: () => postgresCpuMs(postmaster),
    database: async (name) => {
      const admin = new Client({ connectionString: adminUrl });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end();
      }
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return url.toString();
    },
    stop: async () => {
      await server.stop();
      rmSync(parent, { recursive: true, force: true });
    },
  };
}

export interface SandboxHandle {
  url: string;
  clientId: string;
  clientSecret: string;
  employees: number;
  absences: number;
  /** Sets `attributes` on each employee (sandbox control API, in the sandbox's thread). */
  update(ids: readonly string[], attributes: Record<string, string>): Promise<number>;
  close(): Promise<void>;
}

/** The sandbox's company lives in its own thread: not in the gateway's heap or event loop. */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { startSandbox } = require(workerData.sandboxPath);
startSandbox(workerData.config).then((sb) => {
  const c = sb.credentials[0];
  parentPort.postMessage({
    type: 'ready', url: sb.url, clientId: c.clientId, clientSecret: c.clientSecret,
    employees: sb.state.store.employees().length, absences: sb.state.store.absences().length,
  });
  parentPort.on('message', (m) => {
    if (m.cmd === 'update') {
      m.ids.forEach((id, i) => {
        const attributes = {};
        for (const [k, v] of Object.entries(m.attributes)) attributes[k] = v + ' ' + i;
        sb.control.updateEmployee(Number(id), attributes);
      });
      parentPort.postMessage({ type: 'updated', count: m.ids.length });
    } else if (m.cmd === 'close') {
      sb.close().then(() => parentPort.postMessage({ type: 'closed' }));
    }
  });
});
`;

export function sandboxInWorker(config: {
  employees: number;
  absencesPerEmployee: number;
}): Promise<SandboxHandle> {
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: {
      // index.js under dist/, index.ts when run through a TypeScript loader (inherited execArgv).
      sandboxPath: require.resolve('../connectors/personio/sandbox'),
      config: { seed: 42, rateLimits: false, ...config },
    },
  });
  const next = (type: string): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      const onMessage = (m: Record<string, unknown>): void => {
        if (m.type !== type) return;
        worker.off('message', onMessage);
        worker.off('error', reject);
        resolve(m);
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
    });
  return next('ready').then((m) => ({
    url: m.url as string,
    clientId: m.clientId as string,
    clientSecret: m.clientSecret as string,
    employees: m.employees as number,
    absences: m.absences as number,
    update: async (ids, attributes) => {
      const done = next('updated');
      worker.postMessage({ cmd: 'update', ids, attributes });
      return (await done).count as number;
    },
    close: async () => {
      const closed = next('closed');
      worker.postMessage({ cmd: 'close' });
      await closed;
      await worker.terminate();
    },
  }));
}

/** An access token of the application (bound to a connection when one is given). */
export async function accessToken(
  baseUrl: string,
  app: { id: string; secret: string },
  connectionId?: string,
): Promise<string> {
  const answer = await jsonOf(
    await fetch(`${baseUrl}/v1/oauth/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: app.id,
        client_secret: app.secret,
        ...(connectionId ? { connection_id: connectionId } : {}),
      }),
    }),
    200,
    'token',
  );
  return answer.access_token as string;
}

export interface Connected {
  app: { id: string; secret: string };
  /** A token of the application alone. */
  token: string;
  connectionId: string;
  /** When the connect page answered "connected" (it has queued the first run). */
  connectedAt: bigint;
}

/** An application (admin API), its token and a connection made through the real connect page. */
export async function connectThroughPage(
  baseUrl: string,
  names: { adminToken: string; application: string; customerRef: string },
  sb: Pick<SandboxHandle, 'clientId' | 'clientSecret'>,
): Promise<Connected> {
  const json = { 'content-type': 'application/json' };
  const created = await jsonOf(
    await fetch(`${baseUrl}/v1/admin/applications`, {
      method: 'POST',
      headers: { ...json, authorization: `Bearer ${names.adminToken}` },
      body: JSON.stringify({ name: names.application, scopes: [...SCOPES] }),
    }),
    201,
    'create application',
  );
  const app = { id: created.client_id as string, secret: created.client_secret as string };
  const token = await accessToken(baseUrl, app);
  const link = await jsonOf(
    await fetch(`${baseUrl}/v1/connect/sessions`, {
      method: 'POST',
      headers: { ...json, authorization: `Bearer ${token}` },
      body: JSON.stringify({ customer_ref: names.customerRef }),
    }),
    201,
    'connect session',
  );
  const page = await fetch(link.url as string);
  const html = await page.text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
  const cookie = page.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  if (page.status !== 200 || !csrf) throw new Error(`connect page: ${page.status}`);
  const submitted = await fetch(link.url as string, {
    method: 'POST',
    headers: { cookie, origin: new URL(baseUrl).origin },
    body: new URLSearchParams({ csrf, client_id: sb.clientId, client_secret: sb.clientSecret }),
  });
  const answer = await submitted.text();
  const connectedAt = process.hrtime.bigint();
  if (submitted.status !== 200 || !/connected/i.test(answer)) {
    throw new Error(`connect page answered ${submitted.status}: ${answer.slice(0, 300)}`);
  }
  return { app, token, connectionId: link.connection_id as string, connectedAt };
}
