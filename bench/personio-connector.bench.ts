/**
 * The Personio connector's costs: (a) mapping throughput of the pure v1 and v2 mappers;
 * (b) a full v1 read of 10,000 employees from the sandbox with Personio's real rate limits on,
 * as a ratio to the fastest time those limits allow, and the 429s it met (target: at most 1.15x,
 * zero 429s); (c) the same read with limits off in records per second, and the heap the
 * connector holds while streaming 10,000 and 100,000 employees (it must not grow with size).
 * The sandbox runs in a worker thread so its company does not count in the connector's heap.
 * Loopback only, fixed sizes, ends by itself.
 */
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Worker } from 'node:worker_threads';
import { PersonioConnector } from '../connectors/personio/personio.connector';
import { mapV1Employee } from '../connectors/personio/personio-v1.mapper';
import { mapV2Employee } from '../connectors/personio/personio-v2.mapper';
import type { V1Employee, V2EmployeeRaw } from '../connectors/personio/personio-raw.types';
import type { DeepPartial, RateLimitOptions } from '../connectors/personio/sandbox/options';
import { DEFAULT_RATE_LIMITS } from '../connectors/personio/sandbox/options';
import { type Benchmark, type BenchResult } from './benchmark';

interface SandboxHandle {
  url: string;
  clientId: string;
  clientSecret: string;
  close(): Promise<void>;
}

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { startSandbox } = require(workerData.sandboxPath);
startSandbox(workerData.config).then((sb) => {
  const c = sb.credentials[0];
  parentPort.postMessage({ url: sb.url, clientId: c.clientId, clientSecret: c.clientSecret });
  parentPort.on('message', () => { sb.close().then(() => parentPort.postMessage('closed')); });
});
`;

/** Starts the sandbox in its own thread (own heap, own event loop, like a remote Personio). */
function sandboxInWorker(config: {
  employees: number;
  rateLimits: DeepPartial<RateLimitOptions> | false;
}): Promise<SandboxHandle> {
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: {
      sandboxPath: join(__dirname, '..', 'connectors', 'personio', 'sandbox', 'index.js'),
      config: { seed: 42, referenceDate: '2026-06-15', absencesPerEmployee: 0, ...config },
    },
  });
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (m: { url: string; clientId: string; clientSecret: string }) => {
      resolve({
        ...m,
        close: () =>
          new Promise<void>((done) => {
            worker.once('message', () => {
              void worker.terminate().then(() => done());
            });
            worker.postMessage('close');
          }),
      });
    });
  });
}

function gcFunction(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

function mib(bytes: number): number {
  return Math.round((bytes / 2 ** 20) * 10) / 10;
}

function round(n: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** (a) records per second of a mapper over real sandbox payloads, for at least ~1.5 s. */
function mappingRate<T>(raws: readonly T[], map: (raw: T) => unknown): number {
  let sink = 0;
  for (let i = 0; i < 2; i++) for (const r of raws) sink += map(r) === null ? 0 : 1;
  let records = 0;
  const started = process.hrtime.bigint();
  let elapsedMs = 0;
  while (elapsedMs < 1_500) {
    for (const r of raws) sink += map(r) === null ? 0 : 1;
    records += raws.length;
    elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  }
  if (sink < 0) throw new Error('unreachable');
  return records / (elapsedMs / 1000);
}

async function mappingBench(): Promise<BenchResult> {
  const sb = await sandboxInWorker({ employees: 2_000, rateLimits: false });
  const connector = new PersonioConnector({ baseUrl: sb.url, rateLimits: false });
  try {
    const creds = { clientId: sb.clientId, clientSecret: sb.clientSecret };
    const v1: V1Employee[] = [];
    for await (const page of connector.session(creds, { apiVersion: 'v1' }).employees())
      for (const e of page) v1.push(e.remote_data as V1Employee);
    const v2: V2EmployeeRaw[] = [];
    for await (const page of connector.session(creds, { apiVersion: 'v2' }).employees())
      for (const e of page) v2.push(e.remote_data as V2EmployeeRaw);
    return {
      setup: `pure mappers over ${v1.length.toLocaleString('en-US')} sandbox employees (every attribute readable), single thread`,
      metrics: [
        {
          name: 'v1 employees mapped per second',
          value: round(mappingRate(v1, (r) => mapV1Employee(r))),
          unit: 'records/s',
        },
        {
          name: 'v2 employees mapped per second',
          value: round(mappingRate(v2, (r) => mapV2Employee(r))),
          unit: 'records/s',
        },
      ],
    };
  } finally {
    await connector.close();
    await sb.close();
  }
}

/** (b) a paced full read against the sandbox's real limits, on the real clock. */
async function pacedBench(): Promise<BenchResult> {
  const size = 10_000;
  const pageSize = 100;
  const limits = DEFAULT_RATE_LIMITS.v1Employees;
  const sb = await sandboxInWorker({ employees: size, rateLimits: {} });
  const connector = new PersonioConnector({ baseUrl: sb.url });
  try {
    const session = connector.session(
      { clientId: sb.clientId, clientSecret: sb.clientSecret },
      { apiVersion: 'v1' },
    );
    let records = 0;
    const started = process.hrtime.bigint();
    for await (const page of session.employees()) records += page.length;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (records !== size) throw new Error(`read ${records} of ${size} employees`);
    const stats = session.stats();
    // The employee bucket starts full: `capacity` pages leave at once, every further page waits
    // 1/refill s. The data needs ceil(size/limit) pages, so no client can finish sooner than this.
    const pages = Math.ceil(size / pageSize);
    const bound = Math.max(0, pages - limits.capacity) / limits.refillPerSecond;
    const employeeRequests = stats.requests - stats.authRequests;
    return {
      setup: `v1 full read, ${size.toLocaleString('en-US')} employees, limit ${pageSize}, sandbox limits on (employees bucket ${limits.capacity} burst + ${limits.refillPerSecond}/s, 2,000/min per IP, auth 60/min), real clock`,
      metrics: [
        { name: 'elapsed', value: round(seconds, 2), unit: 's' },
        { name: 'physical bound (pages - burst) / refill', value: round(bound, 2), unit: 's' },
        {
          name: 'ratio to the bound',
          value: round(seconds / bound, 3),
          unit: 'x',
          target: '<= 1.15x',
        },
        { name: '429 answers', value: stats.throttled, unit: '', target: '0' },
        { name: 'employee requests (pages + end probe)', value: employeeRequests, unit: '' },
        { name: 'client-side pacing waits', value: stats.rateLimitWaits, unit: '' },
      ],
    };
  } finally {
    await connector.close();
    await sb.close();
  }
}

/** (c) unpaced read speed and the connector's heap while streaming. */
async function streamingBench(size: number, gc: () => void): Promise<BenchResult> {
  const sb = await sandboxInWorker({ employees: size, rateLimits: false });
  const connector = new PersonioConnector({ baseUrl: sb.url, rateLimits: false });
  try {
    const session = connector.session(
      { clientId: sb.clientId, clientSecret: sb.clientSecret },
      { apiVersion: 'v1' },
    );
    gc();
    const baseline = process.memoryUsage().heapUsed;
    let peakLive = 0;
    let peakUsed = 0;
    let records = 0;
    let pages = 0;
    const started = process.hrtime.bigint();
    for await (const page of session.employees()) {
      records += page.length;
      pages += 1;
      peakUsed = Math.max(peakUsed, process.memoryUsage().heapUsed - baseline);
      // Live heap (after a collection) every 20 pages: what the stream really keeps.
      if (pages % 20 === 0) {
        gc();
        peakLive = Math.max(peakLive, process.memoryUsage().heapUsed - baseline);
      }
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (records !== size) throw new Error(`read ${records} of ${size} employees`);
    return {
      setup: `v1 full read, ${size.toLocaleString('en-US')} employees, limit 100, limits off, sandbox in a worker thread${size >= 100_000 ? '' : ' (GC every 20 pages slows it slightly)'}`,
      metrics: [
        { name: 'employees per second', value: round(records / seconds), unit: 'records/s' },
        { name: 'peak live heap held by the read', value: mib(peakLive), unit: 'MiB' },
        { name: 'peak heap incl. garbage', value: mib(peakUsed), unit: 'MiB' },
      ],
    };
  } finally {
    await connector.close();
    await sb.close();
  }
}

export const benchmark: Benchmark = {
  name: 'personio-connector',
  async run(): Promise<BenchResult[]> {
    const gc = gcFunction();
    return [
      await mappingBench(),
      await pacedBench(),
      await streamingBench(10_000, gc),
      await streamingBench(100_000, gc),
    ];
  },
};
