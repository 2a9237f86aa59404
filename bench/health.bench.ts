/**
 * Throughput and latency of GET /health/live: the floor of what the HTTP stack (Nest, Express,
 * helmet, pino request logs) costs per request before any feature work.
 * A fixed request count, loopback only, so it ends by itself.
 */
import autocannon from 'autocannon';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { startGateway } from '../src/bootstrap';
import { loadConfig } from '../src/config/app-config';
import { createRootLogger } from '../src/common/logging/logger';
import { type Benchmark, type BenchResult } from './benchmark';

const REQUESTS = 20_000;
const CONNECTIONS = 50;

async function load(url: string): Promise<autocannon.Result> {
  return autocannon({
    url,
    connections: CONNECTIONS,
    amount: REQUESTS,
    // The load generator runs in its own thread so it does not share the server's event loop.
    workers: 1,
  });
}

/** The same load on a bare node:http server: the floor this machine allows, for context. */
async function baseline(): Promise<autocannon.Result> {
  const server = createServer((_req, res) => {
    res.setHeader('Content-Type', 'application/json');
    res.end('{"status":"ok"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await load(
      `http://127.0.0.1:${(server.address() as { port: number }).port}/health/live`,
    );
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

const metrics = (result: autocannon.Result): BenchResult['metrics'] => [
  { name: 'requests per second', value: Math.round(result.requests.average), unit: 'req/s' },
  { name: 'p50 latency', value: result.latency.p50, unit: 'ms' },
  { name: 'p99 latency', value: result.latency.p99, unit: 'ms' },
  { name: 'non-2xx answers', value: result.non2xx, unit: '' },
];

export const benchmark: Benchmark = {
  name: 'health-live',
  async run(): Promise<BenchResult[]> {
    const dataDir = mkdtempSync(join(tmpdir(), 'hris-bench-'));
    chmodSync(dataDir, 0o755);
    const config = loadConfig({
      PORT: '0',
      DATA_DIR: dataDir,
      EMBEDDED_POSTGRES_PORT: '25492',
      LOG_LEVEL: 'info',
    });
    // Logs are produced (that cost is real) but discarded rather than printed.
    const sink = new Writable({ write: (_chunk, _enc, done) => done() });
    const gateway = await startGateway(config, { logger: createRootLogger('info', sink) });
    try {
      const result = await load(`${gateway.url}/health/live`);
      const floor = await baseline();
      return [
        {
          setup: `${REQUESTS.toLocaleString('en-US')} requests, ${CONNECTIONS} connections, info-level logs discarded`,
          metrics: metrics(result),
        },
        {
          setup: `baseline: bare node:http answering the same body, same load`,
          metrics: metrics(floor),
        },
      ];
    } finally {
      await gateway.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
