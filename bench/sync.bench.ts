/**
 * The sync engine's costs against the Personio sandbox (limits off, loopback only):
 * (1) the connector's read alone of everything a sync reads (employees, org units, absence
 * types, absences in the default -14/+180 day window) for 10,000 employees and ~50,000 absences;
 * (2) the initial sync of the same company through an in-process gateway, as a ratio to (1)
 * (target at most 1.5x); (3) a no-change re-sync (target at most 1.1x) with proof that it wrote
 * no data (PostgreSQL's tuple counters and row versions of the data tables, the event sequence);
 * (4) a re-sync after 1% of the employees changed; (5) the peak RSS of a gateway process
 * (`node dist/src/main.js`, like `npm start`) during the initial sync of 100,000 employees and
 * a no-change re-sync after it (target under 400 MB for both). The sandbox runs in a worker
 * thread of this process: its company is neither in the gateway's heap nor, for (5), in the
 * gateway process. Phases come from the run's own progress record (`progress.resource`, written
 * at most once a second and at "applying"). Every wait is bounded; the benchmark stops by itself
 * (about 12-20 minutes on 2 cores, depending on the machine's load).
 * SYNC_BENCH_EMPLOYEES (0 skips (1)-(4)) and SYNC_BENCH_LARGE_EMPLOYEES (a comma list, empty
 * skips (5)) change the sizes for a quicker look; recorded figures use the defaults.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Client } from 'pg';
import type { DateWindow } from '../connectors/connector';
import { PersonioConnector } from '../connectors/personio/personio.connector';
import { startGateway } from '../src/bootstrap';
import { createRootLogger } from '../src/common/logging/logger';
import { projectRoot } from '../src/common/project-root';
import { loadConfig } from '../src/config/app-config';
import { absenceWindow } from '../src/sync/absence-window';
import { type Benchmark, type BenchResult } from './benchmark';
import {
  connectThroughPage,
  cpuMsOf,
  freePort,
  jsonOf,
  sandboxInWorker,
  startBenchPostgres,
  type BenchPostgres,
  type Connected,
  type SandboxHandle,
} from './bench-support';

/** Head count of the measured company. */
const EMPLOYEES = Number(process.env.SYNC_BENCH_EMPLOYEES ?? 10_000);
/**
 * The generator spreads absences over a year either side of today; about 28% of them overlap the
 * default -14/+180 day window, so 18 per person gives ~50,000 in the window the sync reads.
 */
const ABSENCES_PER_EMPLOYEE = 18;
/** Companies synced by a gateway process for its memory: a smaller one shows the trend. */
const LARGE_SIZES = (process.env.SYNC_BENCH_LARGE_EMPLOYEES ?? '20000,100000')
  .split(',')
  .filter(Boolean)
  .map(Number);
/** About 28% overlap the window: ~0.28 absences per person read (v2: one request each). */
const LARGE_ABSENCES_PER_EMPLOYEE = 1;
const LARGE_RUN_TIMEOUT_MS = 12 * 60_000;
const CHANGED = EMPLOYEES / 100;
/**
 * Runs of each kind, each between two reads alone, the target row being the median of their
 * paired ratios. Seven, not three: on this 2-core machine the same read alone took from 8.8 to
 * 13.1 s within one bench run (its main thread's CPU time moved alike, 7.9 to 11.2 s), and a
 * single pair of one kind ranged from 1.03x to 1.29x; a median of three still moved by ~0.1x
 * from one bench run to the next, and one of five by ~0.05x.
 */
const PAIRED_RUNS = 7;
/** No-change re-syncs, each measured against the reads alone right before and after it. */
const NO_CHANGE_RUNS = PAIRED_RUNS;
/**
 * Initial syncs, each of a new connection to the same sandbox, each between two reads alone
 * (R I R I R I R ...). The first connection is the one the re-syncs below use.
 */
const INITIAL_RUNS = PAIRED_RUNS;
const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef-sync';
const SYNC_BENCH_NAMES = {
  adminToken: ADMIN_TOKEN,
  application: 'Sync benchmark',
  customerRef: 'sync-benchmark',
};
const VAULT_KEYS = `bench1:${Buffer.alloc(32, 7).toString('base64')}`;
const RUN_TIMEOUT_MS = 10 * 60_000;
/** How often a timed run's row is polled (see watchRun). */
const TIMED_POLL_MS = 500;
/** How often a memory run's row is polled, and so its RSS sampled. */
const MEMORY_POLL_MS = 100;
/** A backend flushes its table counters when idle, at the latest ~10 s after its last change. */
const STATS_FLUSH_MS = 12_000;
/** Tables a sync writes data to (sync_runs and connections are the run's own bookkeeping). */
const DATA_TABLES = [
  'employees',
  'teams',
  'positions',
  'reporting_lines',
  'absence_types',
  'absences',
  'events',
  'sync_staging',
] as const;

// ---------------------------------------------------------------- helpers

const round = (n: number, digits = 0): number => Math.round(n * 10 ** digits) / 10 ** digits;
const seconds = (ms: number): number => round(ms / 1000, 2);
const mib = (kib: number): number => round(kib / 1024, 1);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const elapsedSince = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;
const fmt = (n: number): string => n.toLocaleString('en-US');

/** CPU of this process's main thread: where the in-process gateway (and the read alone) run. */
const mainThreadCpuMs = (): number => cpuMsOf(`/proc/self/task/${process.pid}/stat`);

const utcDayNow = (): string => new Date().toISOString().slice(0, 10);

function loadAverage(): string {
  return loadavg()[0]!.toFixed(1);
}

function log(message: string): void {
  process.stdout.write(`  [sync] ${message}\n`);
}

// ---------------------------------------------------------------- sandbox in a worker thread

// ---------------------------------------------------------------- (1) the read alone

interface ReadAlone {
  ms: number;
  apiVersion: string;
  phasesMs: Record<string, number>;
  records: Record<string, number>;
  requests: number;
}

/** Everything a sync of the default settings reads, through a session opened like a run opens it. */
async function readAlone(sb: SandboxHandle, window: DateWindow): Promise<ReadAlone> {
  // The gateway's sync connector with PERSONIO_PACING=off (src/providers/providers.module.ts).
  const connector = new PersonioConnector({
    baseUrl: sb.url,
    appId: 'HRIS_GATEWAY',
    rateLimits: false,
  });
  try {
    const started = process.hrtime.bigint();
    const session = connector.session(
      { clientId: sb.clientId, clientSecret: sb.clientSecret },
      { apiVersion: 'auto' },
    );
    const apiVersion = await session.apiVersion();
    const phasesMs: Record<string, number> = {};
    const records: Record<string, number> = {};
    const readPhase = async (name: string, pages: AsyncIterable<unknown[]>): Promise<void> => {
      const t = process.hrtime.bigint();
      let n = 0;
      for await (const page of pages) n += page.length;
      phasesMs[name] = elapsedSince(t);
      records[name] = n;
    };
    await readPhase('employees', session.employees());
    await readPhase('teams', session.orgUnits());
    await readPhase('absence_types', session.absenceTypes());
    await readPhase('absences', session.absences(window));
    return {
      ms: elapsedSince(started),
      apiVersion,
      phasesMs,
      records,
      requests: session.stats().requests,
    };
  } finally {
    await connector.close();
  }
}

// ---------------------------------------------------------------- gateway API and database

interface RunRow {
  id: string;
  status: string;
  trigger: string;
  duration_ms: number | null;
  progress: { resource: string | null; pages: number; records: number } | null;
  counts: Record<string, { created: number; updated: number; deleted: number; unchanged: number }>;
  requests: { made: number } | null;
  error: { code: string; message: string } | null;
  warnings: string[] | null;
  /** finished_at - queued_at, both stamped by the database (null while running). */
  queued_to_finished_ms: number | null;
}

interface WatchedRun {
  run: RunRow;
  /**
   * The run's wall time, queued to finished, from the run row's own timestamps: exact, where a
   * poll every 100 ms would add 50 ms on average to every run and none to the reads alone. It
   * leaves out the commit that follows `finished_at` in the same transaction (for a first sync,
   * the commit of what it wrote during the read; not measured apart). Until the run ends (a
   * timeout), from `since` to the last poll.
   */
  wallMs: number;
  /**
   * From `since` until the poll saw the run end: the scale of `phases` and `startedAtMs`, so the
   * phase figures are as coarse as the polls (500 ms for timed runs) and can disagree with
   * `wallMs` by that much.
   */
  seenMs: number;
  /** Milliseconds after `since` at which each progress.resource value was first seen. */
  phases: Array<{ resource: string; atMs: number }>;
  /** Milliseconds after `since` at which the run was first seen running. */
  startedAtMs: number | null;
}

const TERMINAL = new Set(['succeeded', 'failed', 'needs_confirmation']);

async function latestRunId(db: Client, connectionId: string): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM sync_runs WHERE connection_id = $1 ORDER BY queued_at DESC LIMIT 1`,
    [connectionId],
  );
  if (!rows[0]) throw new Error(`no run for connection ${connectionId}`);
  return rows[0].id;
}

/**
 * Polls the run's row until it ends (bounded), noting each phase change. Timed runs poll every
 * 500 ms: their wall time comes from the row's timestamps, and each poll is work in the measured
 * process (and PostgreSQL) that the reads alone do not have. The memory runs poll every 100 ms,
 * as each poll samples RSS.
 */
async function watchRun(
  db: Client,
  runId: string,
  since: bigint,
  timeoutMs: number,
  onPoll?: (phase: string | null) => void,
  onTimeout: 'throw' | 'return' = 'throw',
  pollMs = TIMED_POLL_MS,
): Promise<WatchedRun> {
  const phases: WatchedRun['phases'] = [];
  let startedAtMs: number | null = null;
  for (;;) {
    const { rows } = await db.query<RunRow>(
      `SELECT id, status, trigger, progress, counts, requests, error, warnings,
              (extract(epoch FROM finished_at - started_at) * 1000)::int AS duration_ms,
              (extract(epoch FROM finished_at - queued_at) * 1000)::float8 AS queued_to_finished_ms
       FROM sync_runs WHERE id = $1`,
      [runId],
    );
    const run = rows[0];
    if (!run) throw new Error(`run ${runId} is gone`);
    const at = elapsedSince(since);
    if (run.status !== 'queued' && startedAtMs === null) startedAtMs = at;
    const resource = run.progress?.resource ?? null;
    if (resource !== null && phases[phases.length - 1]?.resource !== resource) {
      phases.push({ resource, atMs: at });
    }
    onPoll?.(run.status === 'running' ? (resource ?? 'starting') : run.status);
    const ended = { run, wallMs: run.queued_to_finished_ms ?? at, seenMs: at, phases, startedAtMs };
    if (TERMINAL.has(run.status)) return ended;
    if (at > timeoutMs) {
      if (onTimeout === 'return') return ended;
      throw new Error(
        `run ${runId} still ${run.status} after ${seconds(timeoutMs)} s (${JSON.stringify(run.progress)})`,
      );
    }
    await sleep(pollMs);
  }
}

async function startRun(baseUrl: string, token: string, connectionId: string): Promise<string> {
  const run = await jsonOf(
    await fetch(`${baseUrl}/v1/sync-runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ connection_id: connectionId }),
    }),
    202,
    'start sync run',
  );
  return run.id as string;
}

function succeeded(watched: WatchedRun, what: string): RunRow {
  const { run } = watched;
  if (run.status !== 'succeeded') {
    throw new Error(`${what}: run ${run.status} ${JSON.stringify(run.error)}`);
  }
  return run;
}

/** "employees 0.1 s, absences 21.3 s, applying 38.2 s, done 52.0 s" relative to run start. */
function timeline(watched: WatchedRun): string {
  const start = watched.startedAtMs ?? 0;
  const marks = watched.phases.map((p) => `${p.resource} ${seconds(p.atMs - start)} s`);
  return [...marks, `done ${seconds(watched.seenMs - start)} s`].join(', ');
}

function phaseSpan(watched: WatchedRun, resource: string): number | null {
  const i = watched.phases.findIndex((p) => p.resource === resource);
  if (i < 0) return null;
  const end = watched.phases[i + 1]?.atMs ?? watched.seenMs;
  return end - watched.phases[i]!.atMs;
}

type TupleCounts = Record<string, { ins: number; upd: number; del: number }>;

async function tupleCounts(db: Client): Promise<TupleCounts> {
  await db.query('SELECT pg_stat_clear_snapshot()');
  const { rows } = await db.query<{ relname: string; ins: string; upd: string; del: string }>(
    `SELECT relname, n_tup_ins AS ins, n_tup_upd AS upd, n_tup_del AS del
     FROM pg_stat_user_tables WHERE relname = ANY($1::text[])`,
    [[...DATA_TABLES]],
  );
  const out: TupleCounts = {};
  for (const r of rows) out[r.relname] = { ins: +r.ins, upd: +r.upd, del: +r.del };
  return out;
}

function tupleWrites(before: TupleCounts, after: TupleCounts): number {
  let n = 0;
  for (const table of DATA_TABLES) {
    const a = after[table];
    const b = before[table];
    if (!a || !b) throw new Error(`no statistics for ${table}`);
    n += a.ins - b.ins + (a.upd - b.upd) + (a.del - b.del);
  }
  return n;
}

/** Row versions of the connection's data created by a transaction at or after `xid`. */
async function rowVersionsSince(db: Client, connectionId: string, xid: number): Promise<number> {
  let n = 0;
  for (const table of DATA_TABLES.filter((t) => t !== 'sync_staging')) {
    const { rows } = await db.query<{ n: string }>(
      `SELECT count(*) AS n FROM ${table}
       WHERE connection_id = $1 AND xmin::text::bigint >= $2`,
      [connectionId, xid],
    );
    n += Number(rows[0]?.n ?? 0);
  }
  return n;
}

async function eventState(db: Client, connectionId: string): Promise<{ seq: number; n: number }> {
  const { rows } = await db.query<{ seq: string; n: string }>(
    `SELECT c.last_event_sequence AS seq,
            (SELECT count(*) FROM events e WHERE e.connection_id = c.id) AS n
     FROM connections c WHERE c.id = $1`,
    [connectionId],
  );
  return { seq: Number(rows[0]?.seq ?? 0), n: Number(rows[0]?.n ?? 0) };
}

async function storedCount(db: Client, table: string, connectionId: string): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    `SELECT count(*) AS n FROM ${table} WHERE connection_id = $1 AND remote_deleted_at IS NULL`,
    [connectionId],
  );
  return Number(rows[0]?.n ?? 0);
}

function totals(counts: RunRow['counts']): Record<'created' | 'updated' | 'deleted', number> {
  const out = { created: 0, updated: 0, deleted: 0 };
  for (const c of Object.values(counts ?? {})) {
    out.created += c.created;
    out.updated += c.updated;
    out.deleted += c.deleted;
  }
  return out;
}

// ---------------------------------------------------------------- infrastructure

function gatewayEnv(
  port: number,
  databaseUrl: string,
  dataDir: string,
  sandboxUrl: string,
): Record<string, string> {
  return {
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
    // The connect page and POST /v1/sync-runs nudge the scheduler, so runs start at once; a 100 ms
    // tick would only add ten scheduler queries a second to what is measured.
    SYNC_TICK_MS: '1000',
  };
}

// ---------------------------------------------------------------- (1)-(4): 10,000 employees

interface Cpu {
  /** This process's main thread: the in-process gateway, or the read alone's connector. */
  mainMs: number;
  postgresMs: number;
}

async function withCpu<T>(pg: BenchPostgres, work: () => Promise<T>): Promise<T & { cpu: Cpu }> {
  const main = mainThreadCpuMs();
  const postgres = pg.cpuMs();
  const result = await work();
  return {
    ...result,
    cpu: { mainMs: mainThreadCpuMs() - main, postgresMs: pg.cpuMs() - postgres },
  };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

type MeasuredRun = WatchedRun & { cpu: Cpu };

async function tenThousand(pg: BenchPostgres, dataDir: string): Promise<BenchResult[]> {
  // A day boundary during the runs makes the generated hires and leavers of the new day due:
  // the no-change runs then rightly write their settled dates and employee.started/terminated
  // events, and would be recorded as writes of a run with no changes.
  const dayAtStart = utcDayNow();
  const generation = process.hrtime.bigint();
  const sb = await sandboxInWorker({
    employees: EMPLOYEES,
    absencesPerEmployee: ABSENCES_PER_EMPLOYEE,
  });
  log(
    `sandbox: ${fmt(sb.employees)} employees, ${fmt(sb.absences)} absences generated in ${seconds(elapsedSince(generation))} s`,
  );
  const window = absenceWindow({ days_back: 14, days_ahead: 180 }, new Date());
  const warnings: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        const entry = JSON.parse(line) as { level: number };
        if (entry.level >= 40 && warnings.length < 20) warnings.push(line.slice(0, 300));
      }
      done();
    },
  });
  const port = await freePort();
  const databaseUrl = await pg.database('hris_bench_sync');
  const gateway = await startGateway(
    loadConfig({ ...gatewayEnv(port, databaseUrl, dataDir, sb.url), LOG_LEVEL: 'info' }),
    { logger: createRootLogger('info', sink) },
  );
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const load = loadAverage();
  try {
    // The read alone around each initial sync and each no-change run below, so the machine's
    // noise shows; `ratio to the read alone` uses the median of all of them, the targets the
    // reads right around each run.
    const reads: Array<ReadAlone & { cpu: Cpu }> = [];
    const readOnce = async (): Promise<void> => {
      const read = await withCpu(pg, () => readAlone(sb, window));
      reads.push(read);
      log(
        `read alone ${reads.length}: ${seconds(read.ms)} s, main thread ${seconds(read.cpu.mainMs)} s CPU, ${JSON.stringify(read.records)}`,
      );
    };
    const pairedRatio = (ms: number, readBefore: number): number =>
      ms / ((reads[readBefore]!.ms + reads[readBefore + 1]!.ms) / 2);

    // (2) initial syncs: the connect page queues each (trigger "connect").
    const initials: MeasuredRun[] = [];
    const initialRatios: number[] = [];
    await readOnce();
    for (let i = 0; i < INITIAL_RUNS; i += 1) {
      const measured = await withCpu(pg, async () => {
        const connected = await connectThroughPage(
          gateway.url,
          {
            ...SYNC_BENCH_NAMES,
            application: `${SYNC_BENCH_NAMES.application} ${i + 1}`,
            customerRef: `${SYNC_BENCH_NAMES.customerRef}-${i + 1}`,
          },
          sb,
        );
        const watched = await watchRun(
          db,
          await latestRunId(db, connected.connectionId),
          connected.connectedAt,
          RUN_TIMEOUT_MS,
        );
        return { ...watched, connected };
      });
      succeeded(measured, `initial sync ${i + 1}`);
      initials.push(measured);
      log(`initial ${i + 1}: ${describeRun(measured)}`);
      await readOnce();
      initialRatios.push(pairedRatio(measured.wallMs, reads.length - 2));
    }
    const initial = initials[0]!;
    const { connected } = initial as MeasuredRun & { connected: Connected };
    const initialRun = initial.run;
    const { connectionId } = connected;
    const stored = {
      employees: await storedCount(db, 'employees', connectionId),
      absences: await storedCount(db, 'absences', connectionId),
    };
    log(`initial sync 1 stored ${JSON.stringify(stored)}`);

    const resync = async (): Promise<MeasuredRun> =>
      withCpu(pg, async () =>
        watchRun(
          db,
          await startRun(gateway.url, connected.token, connectionId),
          process.hrtime.bigint(),
          RUN_TIMEOUT_MS,
        ),
      );

    // Settle the database as autovacuum does after a bulk load (statistics, visibility map):
    // left to autovacuum, its first pass over the ~70,000 new rows and their TOASTed raw
    // payloads lands in the first no-change run, which then measures PostgreSQL's upkeep.
    await db.query(`VACUUM (ANALYZE) ${DATA_TABLES.join(', ')}`);

    // (3) no change, NO_CHANGE_RUNS times, each between two reads alone (R N R N R N R): the
    // machine's load drifts by +-20% over minutes, and a run compared with the reads right around
    // it is affected alike. The counters settle before and after the first run, so the
    // comparison sees every write any backend made.
    await sleep(STATS_FLUSH_MS);
    const statsBefore = await tupleCounts(db);
    const eventsBefore = await eventState(db, connectionId);
    const xid = Number(
      (await db.query<{ x: string }>('SELECT txid_current() % 4294967296 AS x')).rows[0]!.x,
    );
    const noChange: MeasuredRun[] = [];
    /** Per run: the index in `reads` of the read right before it (the next one follows it). */
    const readBefore: number[] = [];
    let tuples = -1;
    for (let i = 0; i < NO_CHANGE_RUNS; i += 1) {
      await readOnce();
      readBefore.push(reads.length - 1);
      noChange.push(await resync());
      succeeded(noChange[i]!, `no-change sync ${i + 1}`);
      if (i === 0) {
        await sleep(STATS_FLUSH_MS);
        tuples = tupleWrites(statsBefore, await tupleCounts(db));
      }
    }
    await readOnce();
    const versions = await rowVersionsSince(db, connectionId, xid);
    const eventsAfter = await eventState(db, connectionId);
    for (const run of noChange) log(`no change: ${describeRun(run)}`);
    log(
      `no change: tuple writes ${tuples}, new row versions ${versions}, events ${JSON.stringify(eventsBefore)} -> ${JSON.stringify(eventsAfter)}`,
    );

    // (4) 1% of the people change (a new last name each), in the sandbox.
    const { rows: picked } = await db.query<{ remote_id: string }>(
      `SELECT remote_id FROM employees WHERE connection_id = $1 AND remote_deleted_at IS NULL
       ORDER BY id LIMIT $2`,
      [connectionId, CHANGED],
    );
    await sb.update(
      picked.map((r) => r.remote_id),
      { last_name: 'Benchmark' },
    );
    // Between two reads alone, paired like the others. The sandbox empties its response caches
    // on any change, so the first read after one pays for rebuilding them: a read alone goes
    // first, as one does before every other measured run.
    await readOnce();
    const changed = await resync();
    const changedRun = succeeded(changed, '1% change sync');
    await readOnce();
    const changedRatio = pairedRatio(changed.wallMs, reads.length - 2);
    const eventsAfterChange = await eventState(db, connectionId);
    log(`1% change: ${describeRun(changed)}; counts ${JSON.stringify(totals(changedRun.counts))}`);
    if (utcDayNow() !== dayAtStart) {
      throw new Error(
        `the UTC day changed during the runs (${dayAtStart} -> ${utcDayNow()}): effective-date events were due, so the no-change and 1% runs wrote them; run the benchmark again`,
      );
    }
    if (warnings.length > 0) log(`gateway warnings:\n    ${warnings.join('\n    ')}`);

    const readMs = median(reads.map((r) => r.ms));
    const first = reads[0]!;
    const ratio = (ms: number): number => round(ms / readMs, 2);
    const company = `${fmt(sb.employees)} employees, ${fmt(first.records.absences ?? 0)} absences in the -14/+180 day window (${fmt(sb.absences)} in the sandbox), Personio ${first.apiVersion} (settings default "auto"), sandbox limits off in a worker thread, PERSONIO_PACING=off, load average ${load} at start`;
    /** `target`: the issue's ratio target for this kind of run, when it has one. */
    const runMetrics = (w: MeasuredRun, target?: string): BenchResult['metrics'] => [
      { name: 'wall time (queued to finished)', value: seconds(w.wallMs), unit: 's' },
      {
        name: 'ratio to the read alone (median)',
        value: ratio(w.wallMs),
        unit: 'x',
        ...(target ? { target } : {}),
      },
      {
        name: "run's duration_ms (started_at to finished_at)",
        value: w.run.duration_ms ?? 0,
        unit: 'ms',
      },
      { name: 'read phase (run start to "applying")', value: seconds(readPhaseMs(w)), unit: 's' },
      {
        name: 'apply phase ("applying" to finished)',
        value: seconds(phaseSpan(w, 'applying') ?? 0),
        unit: 's',
      },
      { name: 'gateway main-thread CPU', value: seconds(w.cpu.mainMs), unit: 's' },
      { name: 'PostgreSQL CPU', value: seconds(w.cpu.postgresMs), unit: 's' },
      { name: 'requests to Personio', value: w.run.requests?.made ?? 0, unit: '' },
    ];
    const pairedRatios = noChange.map((r, i) => pairedRatio(r.wallMs, readBefore[i]!));
    /** Runs measured between reads alone: the target row is the median of their paired ratios. */
    const pairedMetrics = (
      runs: MeasuredRun[],
      ratios: number[],
      target: string,
    ): BenchResult['metrics'] => {
      const wallMs = median(runs.map((r) => r.wallMs));
      return [
        {
          name: `ratio to the two reads around it (median of ${runs.length} runs)`,
          value: round(median(ratios), 2),
          unit: 'x',
          target,
        },
        ...ratios.map((r, i) => ({
          name: `ratio to the two reads around it, run ${i + 1}`,
          value: round(r, 2),
          unit: 'x',
        })),
        { name: `wall time (median of ${runs.length})`, value: seconds(wallMs), unit: 's' },
        { name: 'ratio to the read alone (median of all reads)', value: ratio(wallMs), unit: 'x' },
        ...runs.map((run, i) => ({
          name: `wall time (queued to finished), run ${i + 1}`,
          value: seconds(run.wallMs),
          unit: 's',
        })),
      ];
    };

    return [
      {
        setup: `read alone (a connector session reading everything a sync reads), ${company}`,
        metrics: [
          { name: `elapsed (median of ${reads.length})`, value: seconds(readMs), unit: 's' },
          ...reads.map((r, i) => ({
            name: `elapsed, read ${i + 1}`,
            value: seconds(r.ms),
            unit: 's',
          })),
          {
            name: 'employees (persons + employments)',
            value: seconds(first.phasesMs.employees ?? 0),
            unit: 's',
          },
          {
            name: 'absences (periods + breakdowns)',
            value: seconds(first.phasesMs.absences ?? 0),
            unit: 's',
          },
          { name: 'main-thread CPU', value: seconds(first.cpu.mainMs), unit: 's' },
          {
            name: 'records read',
            value: Object.values(first.records).reduce((a, b) => a + b, 0),
            unit: '',
          },
          { name: 'requests', value: first.requests, unit: '' },
        ],
      },
      {
        setup: `initial sync through an in-process gateway (connect page, trigger "connect"), ${INITIAL_RUNS} times (a new connection each), each between two reads alone, ${company}; target <= 1.5x`,
        metrics: [
          ...pairedMetrics(initials, initialRatios, '<= 1.5x'),
          ...runMetrics(initial).slice(2),
          { name: 'records created', value: totals(initialRun.counts).created, unit: '' },
        ],
      },
      {
        setup: `no-change re-sync (POST /v1/sync-runs), ${NO_CHANGE_RUNS} times, each between two reads alone, ${company}; target <= 1.1x, zero data writes`,
        metrics: [
          ...pairedMetrics(noChange, pairedRatios, '<= 1.1x'),
          ...runMetrics(noChange[0]!).slice(2),
          {
            name: 'tuples inserted/updated/deleted in data tables + staging (pg_stat_user_tables)',
            value: tuples,
            unit: '',
            target: '0',
          },
          {
            name: 'row versions of the data written by either run (xmin)',
            value: versions,
            unit: '',
            target: '0',
          },
          {
            name: 'events appended (last_event_sequence delta)',
            value: eventsAfter.seq - eventsBefore.seq,
            unit: '',
            target: '0',
          },
        ],
      },
      {
        setup: `1% change re-sync: ${fmt(CHANGED)} employees get a new last name in the sandbox, ${company}`,
        metrics: [
          {
            name: 'ratio to the two reads around it',
            value: round(changedRatio, 2),
            unit: 'x',
          },
          ...runMetrics(changed),
          { name: 'employees updated', value: changedRun.counts.employees?.updated ?? 0, unit: '' },
          {
            name: 'events appended',
            value: eventsAfterChange.seq - eventsAfter.seq,
            unit: '',
          },
        ],
      },
    ];
  } finally {
    await db.end();
    await gateway.close();
    await sb.close();
  }
}

/**
 * The run's own duration (started_at to finished_at, from its row) less the apply phase the
 * polls saw: never longer than the wall time, as a difference of two polls could be.
 */
function readPhaseMs(w: WatchedRun): number {
  const ranMs = w.run.duration_ms ?? w.seenMs - (w.startedAtMs ?? 0);
  return ranMs - (phaseSpan(w, 'applying') ?? 0);
}

function describeRun(w: MeasuredRun): string {
  return `${seconds(w.wallMs)} s wall (${timeline(w)}), gateway ${seconds(w.cpu.mainMs)} s CPU, PostgreSQL ${seconds(w.cpu.postgresMs)} s CPU`;
}

// ---------------------------------------------------------------- (5): memory at 100,000

function statusKib(pid: number, field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** CPU of another process (utime + stime), ms. */
const processCpuMs = (pid: number): number => cpuMsOf(`/proc/${pid}/stat`);

async function largeCompanyMemory(
  pg: BenchPostgres,
  dataDir: string,
  size: number,
): Promise<BenchResult> {
  const main = join(projectRoot(), 'dist', 'src', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run node scripts/build-if-needed.js`);
  const sb = await sandboxInWorker({
    employees: size,
    absencesPerEmployee: LARGE_ABSENCES_PER_EMPLOYEE,
  });
  log(`large sandbox: ${fmt(sb.employees)} employees, ${fmt(sb.absences)} absences`);
  const port = await freePort();
  const databaseUrl = await pg.database(`hris_bench_sync_${size}`);
  const child = spawn(process.execPath, [main], {
    cwd: projectRoot(),
    // Only what the gateway needs, like `npm start` with an .env: no inherited NODE_OPTIONS.
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      ...gatewayEnv(port, databaseUrl, dataDir, sb.url),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const pid = child.pid!;
  const baseUrl = `http://127.0.0.1:${port}`;
  const db = new Client({ connectionString: databaseUrl });
  const load = loadAverage();
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`gateway exited: ${output}`);
      if (Date.now() > deadline) throw new Error(`gateway not ready in 60 s: ${output}`);
      const ok = await fetch(`${baseUrl}/health/ready`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) break;
      await sleep(200);
    }
    await db.connect();
    const idleKib = statusKib(pid, 'VmRSS') ?? 0;
    const cpuBefore = { gateway: processCpuMs(pid), postgres: pg.cpuMs() };
    const connected = await connectThroughPage(baseUrl, SYNC_BENCH_NAMES, sb);
    // Peak RSS while each phase ran, sampled on every poll (100 ms).
    const peakByPhase = new Map<string, number>();
    const watched = await watchRun(
      db,
      await latestRunId(db, connected.connectionId),
      connected.connectedAt,
      LARGE_RUN_TIMEOUT_MS,
      (phase) => {
        const rss = statusKib(pid, 'VmRSS');
        if (phase === null || rss === null) return;
        peakByPhase.set(phase, Math.max(peakByPhase.get(phase) ?? 0, rss));
      },
      'return',
      MEMORY_POLL_MS,
    );
    const hwm = statusKib(pid, 'VmHWM') ?? 0;
    const cpu = {
      gateway: processCpuMs(pid) - cpuBefore.gateway,
      postgres: pg.cpuMs() - cpuBefore.postgres,
    };
    const finished = watched.run.status === 'succeeded';
    if (!finished && watched.run.status !== 'running') succeeded(watched, `${size} initial sync`);
    const stored = await storedCount(db, 'employees', connected.connectionId);
    const absences = await storedCount(db, 'absences', connected.connectionId);
    const phases = Object.fromEntries([...peakByPhase].map(([k, v]) => [k, mib(v)]));
    log(
      `${fmt(size)}: ${finished ? '' : 'NOT FINISHED, '}${seconds(watched.wallMs)} s wall (${timeline(watched)}), gateway ${seconds(cpu.gateway)} s CPU, PostgreSQL ${seconds(cpu.postgres)} s CPU; peak RSS ${mib(hwm)} MiB; by phase ${JSON.stringify(phases)}`,
    );
    /** A phase shorter than one poll (a first sync's apply often is) has no sample: no metric. */
    const phasePeaks = (
      [
        ['employees', 'peak RSS sampled while reading employees'],
        ['absences', 'peak RSS sampled while reading absences'],
        ['applying', 'peak RSS sampled while applying'],
      ] as const
    )
      .filter(([phase]) => peakByPhase.has(phase))
      .map(([phase, name]) => ({ name, value: mib(peakByPhase.get(phase)!), unit: 'MiB' }));
    const progress = watched.run.progress;

    // A no-change re-sync holds what the initial one did not: the stored index (remote id ->
    // hash) of every resource. VmHWM only grows, so its own peak is the sampled maximum.
    let resync: { peakKib: number; hwmKib: number; wallMs: number } | null = null;
    if (finished) {
      let peakKib = 0;
      const again = await watchRun(
        db,
        await startRun(baseUrl, connected.token, connected.connectionId),
        process.hrtime.bigint(),
        LARGE_RUN_TIMEOUT_MS,
        () => {
          peakKib = Math.max(peakKib, statusKib(pid, 'VmRSS') ?? 0);
        },
        'throw',
        MEMORY_POLL_MS,
      );
      succeeded(again, `${size} no-change re-sync`);
      resync = { peakKib, hwmKib: statusKib(pid, 'VmHWM') ?? 0, wallMs: again.wallMs };
      log(
        `${fmt(size)} no-change re-sync: ${seconds(again.wallMs)} s wall, peak RSS sampled ${mib(peakKib)} MiB, VmHWM ${mib(resync.hwmKib)} MiB`,
      );
    }
    return {
      setup: `initial sync in a gateway process (node dist/src/main.js with default settings, so HEAP_GROWING_PERCENT=100), ${fmt(sb.employees)} employees, ${finished ? fmt(absences) : '?'} absences in the window (generator average ${LARGE_ABSENCES_PER_EMPLOYEE} per person), Personio v2 ("auto"), sandbox in the bench process, load average ${load} at start${finished ? '' : `; NOT FINISHED within ${seconds(LARGE_RUN_TIMEOUT_MS)} s: stopped at ${progress?.resource ?? '?'} after ${fmt(progress?.records ?? 0)} records read`}; target < 400 MB`,
      metrics: [
        {
          name: 'peak RSS of the gateway process (VmHWM)',
          value: mib(hwm),
          unit: 'MiB',
          target: '< 400 MB (381 MiB), flat',
        },
        { name: 'RSS idle before the sync', value: mib(idleKib), unit: 'MiB' },
        ...phasePeaks,
        { name: 'wall time', value: seconds(watched.wallMs), unit: 's' },
        { name: 'read phase', value: seconds(readPhaseMs(watched)), unit: 's' },
        { name: 'apply phase', value: seconds(phaseSpan(watched, 'applying') ?? 0), unit: 's' },
        { name: 'gateway process CPU', value: seconds(cpu.gateway), unit: 's' },
        { name: 'PostgreSQL CPU', value: seconds(cpu.postgres), unit: 's' },
        { name: 'employees stored', value: stored, unit: '' },
        { name: 'records created', value: totals(watched.run.counts).created, unit: '' },
        ...(resync
          ? [
              {
                name: 'peak RSS sampled during a following no-change re-sync',
                value: mib(resync.peakKib),
                unit: 'MiB',
              },
              {
                name: 'VmHWM after that re-sync',
                value: mib(resync.hwmKib),
                unit: 'MiB',
                target: '< 400 MB (381 MiB), flat',
              },
              { name: 'no-change re-sync wall time', value: seconds(resync.wallMs), unit: 's' },
            ]
          : []),
      ],
    };
  } finally {
    await db.end().catch(() => undefined);
    if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.race([exited, sleep(30_000)]);
    if (child.exitCode === null) child.kill('SIGKILL');
    await sb.close();
  }
}

export const benchmark: Benchmark = {
  name: 'sync-engine',
  async run(): Promise<BenchResult[]> {
    const dataDir = mkdtempSync(join(tmpdir(), 'hris-bench-sync-'));
    const pg = await startBenchPostgres('sync');
    try {
      const results = EMPLOYEES > 0 ? await tenThousand(pg, dataDir) : [];
      for (const size of LARGE_SIZES) results.push(await largeCompanyMemory(pg, dataDir, size));
      return results;
    } finally {
      await pg.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
