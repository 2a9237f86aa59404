/**
 * How fast the Personio sandbox serves v1 employee pages (limit 100, rate limits off) for a
 * 10,000 and a 100,000 employee company, how long generating them takes, and what the 100,000
 * company costs in memory. A fixed request count on 127.0.0.1, so it ends by itself.
 */
import autocannon from 'autocannon';
import { loadavg } from 'node:os';
import { startSandbox } from '../connectors/personio/sandbox/index';
import { type Benchmark, type BenchResult } from './benchmark';

const SIZES = [10_000, 100_000];
const PAGE = 100;
const REQUESTS = 2_000;
const CONNECTIONS = 8;

function mib(bytes: number): number {
  return Math.round((bytes / 2 ** 20) * 10) / 10;
}

async function measure(size: number): Promise<BenchResult> {
  // Other work on the machine shows up in these figures; the load average says how much.
  const load = loadavg()[0] ?? 0;
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const started = process.hrtime.bigint();
  const sandbox = await startSandbox({ seed: 42, employees: size, rateLimits: false });
  const generationMs = Number(process.hrtime.bigint() - started) / 1e6;
  gc?.();
  const heapAfter = process.memoryUsage().heapUsed;
  try {
    const credential = sandbox.credentials[0];
    if (!credential) throw new Error('no credential');
    const auth = await fetch(`${sandbox.url}/v1/auth`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_id: credential.clientId,
        client_secret: credential.clientSecret,
      }),
    });
    const token = ((await auth.json()) as { data: { token: string } }).data.token;
    const pages = Math.ceil(size / PAGE);
    // Each connection walks the pages in order, as a connector's full sync would. All of them
    // start at the first page, so 2,000 requests reach the first 250 pages only (25,000 records)
    // and read each several times: after the first pass they come from the sandbox's cache of
    // serialised records (see connectors/personio/sandbox/README.md).
    const requests = Array.from({ length: pages }, (_, i) => ({
      method: 'GET' as const,
      path: `/v1/company/employees?limit=${PAGE}&offset=${i * PAGE}`,
    }));
    const loadStarted = process.hrtime.bigint();
    const result = await autocannon({
      url: sandbox.url,
      connections: CONNECTIONS,
      amount: REQUESTS,
      headers: { authorization: `Bearer ${token}` },
      requests,
      // The load generator runs in its own thread so it does not share the sandbox's event loop.
      workers: 1,
    });
    // autocannon's own duration is coarse; the wall time of the run is what a reader expects.
    const seconds = Number(process.hrtime.bigint() - loadStarted) / 1e9;
    const records = (result.requests.total * PAGE) / seconds;
    const metrics = [
      {
        name: 'employee records per second',
        value: Math.round(records),
        unit: 'records/s',
        target: '> 20,000 records/s',
      },
      {
        name: 'pages per second',
        value: Math.round(result.requests.total / seconds),
        unit: 'req/s',
      },
      { name: 'p99 page latency', value: result.latency.p99, unit: 'ms' },
      { name: 'non-2xx answers', value: result.non2xx, unit: '', target: '0' },
      { name: 'company generation', value: Math.round(generationMs), unit: 'ms' },
      { name: 'heap used by the company', value: mib(heapAfter - heapBefore), unit: 'MiB' },
    ];
    if (size === SIZES[SIZES.length - 1]) {
      metrics.push({ name: 'process RSS', value: mib(process.memoryUsage().rss), unit: 'MiB' });
    }
    return {
      setup: `${size.toLocaleString('en-US')} employees, GET /v1/company/employees limit ${PAGE}, ${REQUESTS.toLocaleString('en-US')} requests, ${CONNECTIONS} connections, rate limits off, load average ${load.toFixed(1)} at start`,
      metrics,
    };
  } finally {
    await sandbox.close();
  }
}

export const benchmark: Benchmark = {
  name: 'personio-sandbox',
  async run(): Promise<BenchResult[]> {
    const results: BenchResult[] = [];
    for (const size of SIZES) results.push(await measure(size));
    return results;
  },
};
