/**
 * The unified read API under load, against a bare baseline measured in the same run: for a
 * connection of 10,000 employees and ~50,000 absences (synced from the Personio sandbox, limits
 * off, through the real connect page), `GET /v1/hris/employees?limit=100` (first page and the
 * deep page whose cursor the API returns at record 9,900) and `GET /v1/hris/absences` with a
 * 30-day start_date/end_date window. Each is loaded with autocannon (32 connections, a fixed
 * request count after a warm-up, 127.0.0.1 only) on the in-process gateway, then on the baseline:
 * plain node:http with a pg Pool of the gateway's size, no framework, no auth, running the SQL
 * the gateway ran for that request (captured from its DataSource, not retyped) and serialising
 * with the gateway's own page/record presenters; both answer byte-identical bodies (checked
 * before measuring). Targets: gateway throughput >= 0.6x the baseline's; a deep page costs about
 * what the first page costs (keyset, not offset).
 * HRIS_BENCH_EMPLOYEES (default 10000, at least 200) changes the size for a quicker look;
 * absences scale with it (16 per person generated, ~31% of them in the window the sync stores).
 * The API rate limit is raised to 1,000,000/min so it never answers 429; its per-request upsert
 * still runs and is part of what the gateway's figures include.
 */
import autocannon from 'autocannon';
import { isDeepStrictEqual } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Client, Pool } from 'pg';
import { DataSource } from 'typeorm';
import { startGateway, type Gateway } from '../src/bootstrap';
import { createRootLogger } from '../src/common/logging/logger';
import { decodeCursor } from '../src/common/pagination/cursor';
import { loadConfig } from '../src/config/app-config';
import { idPage, type Page } from '../src/hris/hris-reader';
import { servedObject } from '../src/hris/served-object';
import { type Benchmark, type BenchResult, type Metric } from './benchmark';
import {
  accessToken,
  connectThroughPage,
  freePort,
  sandboxInWorker,
  startBenchPostgres,
  type SandboxHandle,
} from './bench-support';

const EMPLOYEES = Number(process.env.HRIS_BENCH_EMPLOYEES ?? 10_000);
/** As in sync.bench.ts: ~31% overlap the default -14/+180 day window, ~50,000 at 10,000 people. */
const ABSENCES_PER_EMPLOYEE = 16;
const PAGE = 100;
/** The deep page starts after this record (9,900 at the default size). */
const DEEP_AT = EMPLOYEES - PAGE;
const WINDOW_DAYS = 30;
const CONNECTIONS = 32;
const REQUESTS = 3_000;
/** Not recorded: JIT, PostgreSQL's buffer cache and plan caches settle first. */
const WARMUP_REQUESTS = 500;
const RATE_LIMIT = 1_000_000;
const SYNC_TIMEOUT_MS = 10 * 60_000;
const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef-hris-read';
const VAULT_KEYS = `bench1:${Buffer.alloc(32, 9).toString('base64')}`;

// ---------------------------------------------------------------- helpers

const fmt = (n: number): string => n.toLocaleString('en-US');
const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const loadAverage = (): string => loadavg()[0]!.toFixed(1);
const day = (d: Date): string => d.toISOString().slice(0, 10);

function log(message: string): void {
  process.stdout.write(`  [hris-read] ${message}\n`);
}

// ---------------------------------------------------------------- sandbox in a worker thread

// ---------------------------------------------------------------- database and gateway

/** The gateway in this process, info-level request logs produced and discarded (warnings kept). */
async function gatewayFor(
  databaseUrl: string,
  dataDir: string,
  sandboxUrl: string,
  warnings: string[],
): Promise<{ gateway: Gateway; poolSize: number }> {
  const port = await freePort();
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        const entry = JSON.parse(line) as { level: number };
        if (entry.level >= 40 && warnings.length < 20) warnings.push(line.slice(0, 300));
      }
      done();
    },
  });
  const config = loadConfig({
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    VAULT_KEYS,
    ADMIN_TOKEN,
    PERSONIO_BASE_URL: sandboxUrl,
    PERSONIO_PACING: 'off',
    SYNC_TICK_MS: '1000',
    API_RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT),
    LOG_LEVEL: 'info',
  });
  const gateway = await startGateway(config, { logger: createRootLogger('info', sink) });
  return { gateway, poolSize: config.database.poolSize };
}

/** An application, a connection made through the real connect page, and its first sync. */
async function connectAndSync(
  baseUrl: string,
  sb: SandboxHandle,
  db: Client,
): Promise<{ app: { id: string; secret: string }; connectionId: string; syncMs: number }> {
  const { app, connectionId } = await connectThroughPage(
    baseUrl,
    {
      adminToken: ADMIN_TOKEN,
      application: 'Read API benchmark',
      customerRef: 'hris-read-benchmark',
    },
    sb,
  );
  const started = Date.now();
  // The connect page queued the first run; poll its row until it ends (bounded).
  for (;;) {
    const { rows } = await db.query<{ status: string; error: unknown }>(
      `SELECT status, error FROM sync_runs WHERE connection_id = $1
       ORDER BY queued_at DESC LIMIT 1`,
      [connectionId],
    );
    const status = rows[0]?.status;
    if (status === 'succeeded') break;
    if (status === 'failed' || status === 'needs_confirmation') {
      throw new Error(`first sync ${status}: ${JSON.stringify(rows[0]?.error)}`);
    }
    if (Date.now() - started > SYNC_TIMEOUT_MS) throw new Error(`first sync still ${status}`);
    await sleep(200);
  }
  return { app, connectionId, syncMs: Date.now() - started };
}

// ---------------------------------------------------------------- the SQL the gateway runs

interface Statement {
  sql: string;
  params: unknown[];
}

/**
 * Runs `request` against the gateway while recording the statement its reader sends for
 * `table`, so the baseline runs exactly that text rather than a retyped copy.
 */
async function captureStatement(
  dataSource: DataSource,
  table: string,
  request: () => Promise<void>,
): Promise<Statement> {
  const original = dataSource.query.bind(dataSource);
  const matches = new RegExp(`\\bFROM ${table} WHERE\\b`);
  let captured: Statement | undefined;
  dataSource.query = ((sql: string, params?: unknown[], ...rest: unknown[]) => {
    if (matches.test(sql)) captured = { sql, params: params ?? [] };
    return (original as (...args: unknown[]) => Promise<unknown>)(sql, params, ...rest);
  }) as DataSource['query'];
  try {
    await request();
  } finally {
    // Back to the prototype's method: nothing of the capture stays in the measured path.
    Reflect.deleteProperty(dataSource, 'query');
  }
  if (!captured) throw new Error(`no statement on ${table} seen`);
  return captured;
}

// ---------------------------------------------------------------- the bare baseline

interface BaselineSql {
  employeesFirst: string;
  employeesAfter: string;
  absencesWindow: string;
}

interface Row {
  id: string;
  data: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
  remote_deleted_at: Date | null;
}

/** What the baseline binds for a request: the same values the gateway bound (checked). */
function baselineStatement(url: URL, connectionId: string, sql: BaselineSql): Statement {
  const limit = Number(url.searchParams.get('limit') ?? PAGE);
  const cursor = url.searchParams.get('cursor');
  if (url.pathname === '/v1/hris/employees') {
    return cursor
      ? {
          sql: sql.employeesAfter,
          params: [connectionId, decodeCursor(cursor, (k) => k.id), limit + 1],
        }
      : { sql: sql.employeesFirst, params: [connectionId, limit + 1] };
  }
  if (url.pathname === '/v1/hris/absences') {
    return {
      sql: sql.absencesWindow,
      params: [
        connectionId,
        url.searchParams.get('start_date'),
        url.searchParams.get('end_date'),
        limit + 1,
      ],
    };
  }
  throw new Error(`baseline has no route ${url.pathname}`);
}

async function startBaseline(
  pool: Pool,
  connectionId: string,
  sql: BaselineSql,
): Promise<{ url: string; server: Server }> {
  const server = createHttpServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const limit = Number(url.searchParams.get('limit') ?? PAGE);
    const { sql: text, params } = baselineStatement(url, connectionId, sql);
    pool.query<Row>(text, params).then(
      ({ rows }) => {
        const page = idPage(rows, limit, (row) => servedObject(row.id, row.data, row));
        res.setHeader('content-type', 'application/json; charset=utf-8');
        res.end(JSON.stringify(page));
      },
      (error: unknown) => {
        res.statusCode = 500;
        res.end(String(error));
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

// ---------------------------------------------------------------- load

async function load(url: string, token: string, amount: number): Promise<autocannon.Result> {
  return autocannon({
    url,
    connections: CONNECTIONS,
    amount,
    headers: { authorization: `Bearer ${token}` },
    // The load generator runs in its own thread so it does not share the servers' event loop.
    workers: 1,
    // autocannon ends a run of `amount` requests at its next sample tick, so its `duration` is
    // rounded up to a whole sample interval: with the default 1 s, a 5.2 s run counted 6.01 s
    // (every throughput this bench recorded before was requests / a whole number of seconds).
    sampleInt: 10,
  });
}

async function measure(url: string, token: string): Promise<autocannon.Result> {
  await load(url, token, WARMUP_REQUESTS);
  return load(url, token, REQUESTS);
}

/** Requests per second over the whole run (`duration` to 10 ms: the sample interval above). */
const throughput = (r: autocannon.Result): number => r.requests.total / (r.duration || 1);

const loadMetrics = (who: string, r: autocannon.Result): Metric[] => [
  { name: `${who} requests per second`, value: Math.round(throughput(r)), unit: 'req/s' },
  { name: `${who} p50 latency`, value: r.latency.p50, unit: 'ms' },
  { name: `${who} p99 latency`, value: r.latency.p99, unit: 'ms' },
  { name: `${who} non-2xx answers`, value: r.non2xx, unit: '', target: '0' },
];

// ---------------------------------------------------------------- the benchmark

interface Case {
  name: string;
  path: string;
  table: string;
}

async function getPage(url: string, token: string): Promise<{ text: string; page: Page }> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${text.slice(0, 300)}`);
  return { text, page: JSON.parse(text) as Page };
}

/** Pages through the employees once, returning the cursor the API gave after record `at`. */
async function cursorAt(baseUrl: string, token: string, at: number): Promise<string> {
  let cursor: string | null = null;
  for (let seen = 0; seen < at;) {
    const query: string = cursor ? `&cursor=${cursor}` : '';
    const { page } = await getPage(`${baseUrl}/v1/hris/employees?limit=${PAGE}${query}`, token);
    seen += page.data.length;
    cursor = page.next_cursor;
    if (!cursor) throw new Error(`the walk ended after ${seen} records, before ${at}`);
  }
  return cursor!;
}

/** Buffers (8 KiB pages) PostgreSQL touches for a statement: load-independent, unlike req/s. */
async function pagesTouched(db: Client, statement: Statement): Promise<number> {
  const { rows } = await db.query<{ 'QUERY PLAN': Array<{ Plan: Record<string, number> }> }>(
    `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${statement.sql}`,
    statement.params,
  );
  const plan = rows[0]!['QUERY PLAN'][0]!.Plan;
  return (plan['Shared Hit Blocks'] ?? 0) + (plan['Shared Read Blocks'] ?? 0);
}

async function countOf(db: Client, sql: string, params: unknown[]): Promise<number> {
  const { rows } = await db.query<{ n: string }>(sql, params);
  return Number(rows[0]?.n ?? 0);
}

export const benchmark: Benchmark = {
  name: 'hris-read',
  async run(): Promise<BenchResult[]> {
    if (!Number.isInteger(EMPLOYEES) || EMPLOYEES < 2 * PAGE) {
      throw new Error(`HRIS_BENCH_EMPLOYEES must be an integer >= ${2 * PAGE}`);
    }
    const loadAtStart = loadAverage();
    const dataDir = mkdtempSync(join(tmpdir(), 'hris-bench-read-'));
    const pg = await startBenchPostgres('read');
    const databaseUrl = await pg.database('hris_bench_read');
    const warnings: string[] = [];
    let sb: SandboxHandle | undefined = await sandboxInWorker({
      employees: EMPLOYEES,
      absencesPerEmployee: ABSENCES_PER_EMPLOYEE,
    });
    const { gateway, poolSize } = await gatewayFor(databaseUrl, dataDir, sb.url, warnings);
    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    // As many database connections as the gateway's pool: the baseline gets no extra lanes.
    const pool = new Pool({ connectionString: databaseUrl, max: poolSize });
    let baseline: { url: string; server: Server } | undefined;
    try {
      const { app, connectionId, syncMs } = await connectAndSync(gateway.url, sb, db);
      // Nothing reads Personio from here on: the sandbox's thread stops competing for a core.
      await sb.close();
      sb = undefined;
      // As autovacuum would after the bulk load: statistics for the planner, visibility map.
      await db.query('VACUUM (ANALYZE) employees, absences');
      const employees = await countOf(
        db,
        'SELECT count(*) AS n FROM employees WHERE connection_id = $1 AND remote_deleted_at IS NULL',
        [connectionId],
      );
      const absences = await countOf(
        db,
        'SELECT count(*) AS n FROM absences WHERE connection_id = $1 AND remote_deleted_at IS NULL',
        [connectionId],
      );
      const from = new Date();
      const to = new Date(from.getTime() + (WINDOW_DAYS - 1) * 86_400_000);
      const window = { start: day(from), end: day(to) };
      const inWindow = await countOf(
        db,
        `SELECT count(*) AS n FROM absences WHERE connection_id = $1 AND remote_deleted_at IS NULL
         AND end_date >= $2 AND start_date <= $3`,
        [connectionId, window.start, window.end],
      );
      log(
        `synced ${fmt(employees)} employees, ${fmt(absences)} absences in ${round(syncMs / 1000, 1)} s; ${fmt(inWindow)} overlap ${window.start}..${window.end}`,
      );

      const token = await accessToken(gateway.url, app, connectionId);
      const deepCursor = await cursorAt(gateway.url, token, DEEP_AT);
      const cases: Case[] = [
        { name: 'first page', path: `/v1/hris/employees?limit=${PAGE}`, table: 'employees' },
        {
          name: `deep page (cursor at record ${fmt(DEEP_AT)})`,
          path: `/v1/hris/employees?limit=${PAGE}&cursor=${deepCursor}`,
          table: 'employees',
        },
        {
          name: `absences ${WINDOW_DAYS}-day window`,
          path: `/v1/hris/absences?start_date=${window.start}&end_date=${window.end}`,
          table: 'absences',
        },
      ];

      // The gateway's statements for each case, then the baseline built on them.
      const dataSource = gateway.app.get(DataSource);
      const gatewayBodies: string[] = [];
      const statements: Statement[] = [];
      for (const c of cases) {
        statements.push(
          await captureStatement(dataSource, c.table, async () => {
            gatewayBodies.push((await getPage(`${gateway.url}${c.path}`, token)).text);
          }),
        );
      }
      const sql: BaselineSql = {
        employeesFirst: statements[0]!.sql,
        employeesAfter: statements[1]!.sql,
        absencesWindow: statements[2]!.sql,
      };
      baseline = await startBaseline(pool, connectionId, sql);
      for (const [i, c] of cases.entries()) {
        const bound = baselineStatement(new URL(c.path, baseline.url), connectionId, sql);
        if (!isDeepStrictEqual(bound.params, statements[i]!.params)) {
          throw new Error(
            `${c.name}: baseline binds ${JSON.stringify(bound.params)}, gateway bound ${JSON.stringify(statements[i]!.params)}`,
          );
        }
        const body = (await getPage(`${baseline.url}${c.path}`, token)).text;
        if (body !== gatewayBodies[i]) throw new Error(`${c.name}: baseline body differs`);
        const shown = (JSON.parse(body) as Page).data.length;
        if (shown !== PAGE) throw new Error(`${c.name}: ${shown} records, expected ${PAGE}`);
      }
      log(`baseline answers byte-identical bodies with the gateway's SQL for all cases`);

      const runsBefore = await countOf(
        db,
        'SELECT count(*) AS n FROM sync_runs WHERE connection_id = $1',
        [connectionId],
      );
      // Each pair back to back, the order alternating case by case, so a drift in the machine's
      // load does not always land on the same side of the ratio.
      const measured: Array<{ gateway: autocannon.Result; baseline: autocannon.Result }> = [];
      for (const [i, c] of cases.entries()) {
        const gatewayFirst = i % 2 === 0;
        const one = await measure(`${(gatewayFirst ? gateway : baseline).url}${c.path}`, token);
        const two = await measure(`${(gatewayFirst ? baseline : gateway).url}${c.path}`, token);
        const [g, b] = gatewayFirst ? [one, two] : [two, one];
        log(
          `${c.name} (${gatewayFirst ? 'gateway' : 'baseline'} first, ${fmt(Buffer.byteLength(gatewayBodies[i]!))} bytes per answer): gateway ${Math.round(throughput(g))} req/s p50 ${g.latency.p50} p99 ${g.latency.p99} ms; baseline ${Math.round(throughput(b))} req/s p50 ${b.latency.p50} p99 ${b.latency.p99} ms`,
        );
        measured.push({ gateway: g, baseline: b });
      }
      const syncsMeanwhile =
        (await countOf(db, 'SELECT count(*) AS n FROM sync_runs WHERE connection_id = $1', [
          connectionId,
        ])) - runsBefore;
      if (warnings.length > 0) log(`gateway warnings: ${warnings.join(' | ')}`);

      const loadAtEnd = loadAverage();
      const conditions = `${fmt(employees)} employees / ${fmt(absences)} absences stored (window -14/+180 days), ${fmt(REQUESTS)} requests after ${fmt(WARMUP_REQUESTS)} warm-up, ${CONNECTIONS} connections, 127.0.0.1; gateway in-process (info logs discarded, rate limiter on at ${fmt(RATE_LIMIT)}/min); baseline: the same SQL (captured) and JSON over bare node:http + pg Pool(${poolSize}), no auth; load average ${loadAtStart} at start, ${loadAtEnd} at end${syncsMeanwhile > 0 ? `; ${syncsMeanwhile} scheduled sync run(s) started during the measurement` : ''}`;
      const results: BenchResult[] = cases.map((c, i) => {
        const { gateway: g, baseline: b } = measured[i]!;
        return {
          setup: `GET ${c.path.replace(/cursor=[^&]+/, `cursor=<after record ${fmt(DEEP_AT)}>`)} (${c.name}${c.table === 'absences' ? `, ${fmt(inWindow)} absences overlap` : ''}, ${fmt(Math.round(Buffer.byteLength(gatewayBodies[i]!) / 1024))} KiB per answer), ${conditions}`,
          metrics: [
            ...loadMetrics('gateway', g),
            ...loadMetrics('baseline', b),
            {
              name: 'throughput ratio gateway / baseline',
              // Three digits: at two, 0.596 would print as a passing 0.6.
              value: round(throughput(g) / throughput(b), 3),
              unit: 'x',
              target: '>= 0.6x',
            },
          ],
        };
      });
      const [first, deep] = measured;
      const firstPages = await pagesTouched(db, statements[0]!);
      const deepPages = await pagesTouched(db, statements[1]!);
      results.push({
        setup: `deep page (cursor at record ${fmt(DEEP_AT)}) against the first page of GET /v1/hris/employees?limit=${PAGE}, ${conditions}`,
        metrics: [
          {
            name: 'gateway throughput ratio deep / first',
            value: round(throughput(deep!.gateway) / throughput(first!.gateway)),
            unit: 'x',
            target: '~1x (keyset)',
          },
          {
            name: 'baseline throughput ratio deep / first',
            value: round(throughput(deep!.baseline) / throughput(first!.baseline)),
            unit: 'x',
            target: '~1x (keyset)',
          },
          {
            name: 'gateway p50 ratio deep / first',
            value: round(deep!.gateway.latency.p50 / (first!.gateway.latency.p50 || 1)),
            unit: 'x',
            target: '~1x (keyset)',
          },
          { name: 'PostgreSQL buffers touched, first page', value: firstPages, unit: 'pages' },
          { name: 'PostgreSQL buffers touched, deep page', value: deepPages, unit: 'pages' },
          {
            name: 'buffers ratio deep / first (EXPLAIN ANALYZE, BUFFERS)',
            value: round(deepPages / (firstPages || 1)),
            unit: 'x',
            target: '~1x (keyset)',
          },
        ],
      });
      return results;
    } finally {
      if (baseline) await new Promise((resolve) => baseline!.server.close(resolve));
      await pool.end();
      await db.end();
      await gateway.close();
      if (sb) await sb.close();
      await pg.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
