/**
 * Helpers for sync tests that go through the real API: connect a connection through its link,
 * run a sync and wait for its outcome, read events and stored rows straight from PostgreSQL.
 */
import { Client } from 'pg';
import request from 'supertest';
import { createConnectSession } from './auth';
import { openLink, submitLink } from './connect-page';
import { expectContract } from './contract';
import { type TestGateway } from './gateway';

export interface RunView {
  id: string;
  status: string;
  trigger: string;
  counts: Record<string, { created: number; updated: number; deleted: number; unchanged: number }>;
  error: { code: string; message: string } | null;
  [key: string]: unknown;
}

export interface StoredEvent {
  sequence: number;
  type: string;
  data: { object: Record<string, unknown>; previous?: Record<string, unknown>; reason?: string };
}

export async function query<T>(
  gateway: TestGateway,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new Client({ connectionString: gateway.database.url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** A connection connected through a real link and page; returns its id. */
export async function connectThroughLink(
  gateway: TestGateway,
  token: string,
  credentials: { clientId: string; clientSecret: string },
  body: Record<string, unknown> = {},
): Promise<string> {
  const link = await createConnectSession(gateway, token, {
    customer_ref: `customer-${Math.random().toString(36).slice(2)}`,
    ...body,
  });
  const form = await openLink(link.url);
  const res = await submitLink(link.url, form, credentials);
  if (res.status !== 200 || !res.text.includes('connected')) {
    throw new Error(`connect page answered ${res.status}: ${res.text.slice(0, 300)}`);
  }
  return link.connection_id;
}

export async function getRun(gateway: TestGateway, token: string, id: string): Promise<RunView> {
  const res = await request(gateway.url)
    .get(`/v1/sync-runs/${id}`)
    .set('Authorization', `Bearer ${token}`)
    .expect(200);
  expectContract(res);
  return res.body as RunView;
}

const TERMINAL = new Set(['succeeded', 'failed', 'needs_confirmation']);

/** Polls a run until it ends (bounded: fails the test after `timeoutMs`). */
export async function waitForRun(
  gateway: TestGateway,
  token: string,
  id: string,
  timeoutMs = 30_000,
): Promise<RunView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await getRun(gateway, token, id);
    if (TERMINAL.has(run.status)) return run;
    if (Date.now() > deadline)
      throw new Error(`run ${id} still ${run.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The latest run of a connection once it has ended (e.g. the one the connect page queued). */
export async function waitForLatestRun(
  gateway: TestGateway,
  token: string,
  connectionId: string,
  timeoutMs = 30_000,
): Promise<RunView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await request(gateway.url)
      .get('/v1/sync-runs')
      .query({ connection_id: connectionId, limit: 1 })
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expectContract(res);
    const [run] = res.body.data as RunView[];
    if (run && TERMINAL.has(run.status)) return run;
    if (Date.now() > deadline) throw new Error(`no finished run for ${connectionId}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Queues a manual run (expects a new one) and waits for it to end. */
export async function runSync(
  gateway: TestGateway,
  token: string,
  connectionId: string,
  actor?: { name?: string; email?: string },
): Promise<RunView> {
  const res = await request(gateway.url)
    .post('/v1/sync-runs')
    .set('Authorization', `Bearer ${token}`)
    .send({ connection_id: connectionId, ...(actor ? { actor } : {}) })
    .expect(202);
  expectContract(res);
  return waitForRun(gateway, token, (res.body as RunView).id);
}

export async function eventsAfter(
  gateway: TestGateway,
  connectionId: string,
  after: number,
): Promise<StoredEvent[]> {
  const rows = await query<{ sequence: string; type: string; data: StoredEvent['data'] }>(
    gateway,
    `SELECT sequence, type, data FROM events WHERE connection_id = $1 AND sequence > $2 ORDER BY sequence`,
    [connectionId, after],
  );
  return rows.map((r) => ({ sequence: Number(r.sequence), type: r.type, data: r.data }));
}

export async function lastSequence(gateway: TestGateway, connectionId: string): Promise<number> {
  const [row] = await query<{ s: string }>(
    gateway,
    `SELECT last_event_sequence AS s FROM connections WHERE id = $1`,
    [connectionId],
  );
  return Number(row?.s ?? 0);
}

/**
 * SQL counting the backends of the current database that hold an insert lock on `employees`
 * (the probing session excluded): first syncs writing straight into the tables, uncommitted.
 * A staged run never holds one while it reads.
 */
export const FIRST_SYNC_WRITERS_SQL = `SELECT count(DISTINCT l.pid)::int AS n
  FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
  WHERE l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
    AND c.relname = 'employees' AND l.mode = 'RowExclusiveLock' AND l.granted
    AND l.pid <> pg_backend_pid()`;
