/**
 * The webhook dispatcher across real gateway processes (src/main.ts) on one PostgreSQL database,
 * with real receivers on 127.0.0.1 (WEBHOOK_ALLOW_INSECURE_URLS=true) and a short delivery
 * timeout, so a dead dispatcher's lease (2 x timeout + 5 s) runs out in about 7 s:
 *  1. killed (SIGKILL) after the receiver answered 200 but before the attempt was recorded: the
 *     receiver holds the delivery's row lock while it answers, so the recording provably waits
 *     on it when the process dies; the next process sends the event again, with the same
 *     webhook-id, once the lease has run out; nothing is lost and the delivery ends `succeeded`;
 *  2. killed while the receiver has the request but has not answered: the same;
 *  3. three processes drain ~260 deliveries (two endpoints, three connections each): no
 *     webhook-id is ever in flight twice at once, every event arrives exactly once, in sequence
 *     order per connection, and the requests came from more than one process.
 * Every process is stopped in afterAll; each test is bounded well under a minute.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { type ServerResponse } from 'node:http';
import { Client } from 'pg';
import request from 'supertest';
import { type RunningSandbox } from '../../connectors/personio/sandbox';
import { accessToken, createApplication } from '../support/auth';
import { expectContract } from '../support/contract';
import { createMigratedDatabase, type TestDatabase } from '../support/database';
import {
  asGateway,
  startGatewayProcesses,
  stopGatewayProcess,
  waitFor,
  type StartedProcess,
} from '../support/gateway-processes';
import { type GatewayProcess } from '../support/process';
import { startTestSandbox } from '../support/sandbox';
import { connectThroughLink } from '../support/sync';
import {
  answer,
  startWebhookReceiver,
  type ReceivedEvent,
  type ReceivedRequest,
  type WebhookReceiver,
} from '../support/webhook-receiver';

const TIMEOUT_MS = 1_000;
/** The dispatcher's lease: longer than an attempt (timeout) plus recording it. */
const LEASE_MS = TIMEOUT_MS * 2 + 5_000;

const running: GatewayProcess[] = [];
const databases: TestDatabase[] = [];
const sandboxes: RunningSandbox[] = [];
const receivers: WebhookReceiver[] = [];
const clients: Client[] = [];

/** Every process here: short delivery timeouts, loopback receivers, quick lost-run detection. */
const PROCESS_ENV: Record<string, string> = {
  // A process killed in a sync run must not hold the connection for the default 2 minutes.
  SYNC_STALE_AFTER_MS: '3000',
  WEBHOOK_ALLOW_INSECURE_URLS: 'true',
  WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS),
  WEBHOOK_TICK_MS: '50',
};

const startProcesses = (
  count: number,
  database: TestDatabase,
  sandbox: RunningSandbox,
  env: Record<string, string> = {},
  publicUrl?: string,
): Promise<StartedProcess[]> =>
  startGatewayProcesses(count, {
    database,
    sandbox,
    running,
    env: { ...PROCESS_ENV, ...env },
    publicUrl,
  });
const stop = (process: GatewayProcess): Promise<void> => stopGatewayProcess(process, 10_000);

async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url });
  await client.connect();
  clients.push(client);
  return client;
}

afterAll(async () => {
  for (const process of running) {
    if (process.child.exitCode === null && process.child.signalCode === null) {
      process.child.kill('SIGKILL');
    }
  }
  await Promise.all(running.map((p) => p.exited));
  await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  await Promise.all(receivers.map((r) => r.close()));
  await Promise.all(sandboxes.map((s) => s.close()));
  await Promise.all(databases.map((d) => d.drop()));
}, 30_000);

interface StoredEvent {
  id: string;
  sequence: number;
  type: string;
}

async function eventsOf(
  db: Client,
  connectionIds: string[],
  after = 0,
): Promise<Map<string, StoredEvent[]>> {
  const { rows } = await db.query<{
    id: string;
    connection_id: string;
    sequence: string;
    type: string;
  }>(
    `SELECT id, connection_id, sequence, type FROM events
     WHERE connection_id = ANY($1::uuid[]) AND sequence > $2 ORDER BY connection_id, sequence`,
    [connectionIds, after],
  );
  const byConnection = new Map<string, StoredEvent[]>(connectionIds.map((id) => [id, []]));
  for (const row of rows) {
    byConnection
      .get(row.connection_id)!
      .push({ id: row.id, sequence: Number(row.sequence), type: row.type });
  }
  return byConnection;
}

interface DeliveryRow {
  id: string;
  event_id: string;
  status: string;
  attempts: number;
  leased_until: Date | null;
}

async function deliveryOf(db: Client, endpointId: string, eventId: string): Promise<DeliveryRow> {
  const { rows } = await db.query<DeliveryRow>(
    `SELECT id, event_id, status, attempts, leased_until FROM webhook_deliveries
     WHERE endpoint_id = $1 AND event_id = $2`,
    [endpointId, eventId],
  );
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

async function attemptsLogged(db: Client, deliveryId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM webhook_attempts WHERE delivery_id = $1`,
    [deliveryId],
  );
  return rows[0]!.n;
}

/** Requests per webhook-id, in arrival order. */
function byWebhookId(requests: ReceivedRequest[]): Map<string, ReceivedRequest[]> {
  const grouped = new Map<string, ReceivedRequest[]>();
  for (const r of requests) {
    const id = String(r.headers['webhook-id']);
    grouped.set(id, [...(grouped.get(id) ?? []), r]);
  }
  return grouped;
}

type FirstRequest = (
  request: ReceivedRequest,
  response: ServerResponse,
  killer: GatewayProcess,
  /** A spare connection to the database, opened beforehand so the receiver answers quickly. */
  db: Client,
) => Promise<void>;

/**
 * One dispatcher process takes the first delivery of a stream of fresh events; `first` decides
 * what happens to that request (and kills the process). A second process then has to finish the
 * job. Returns what the test needs to judge the outcome.
 */
async function crashScenario(first: FirstRequest): Promise<{
  db: Client;
  endpointId: string;
  secret: string;
  receiver: WebhookReceiver;
  expected: StoredEvent[];
  firstId: string;
  leaseAtKill: Date;
  second: StartedProcess;
  token: string;
}> {
  const database = await createMigratedDatabase();
  databases.push(database);
  const sandbox = await startTestSandbox({ employees: 5, absencesPerEmployee: 0 });
  sandboxes.push(sandbox);
  const receiver = await startWebhookReceiver();
  receivers.push(receiver);
  const db = await connect(database.url);
  const spare = await connect(database.url);

  const [one] = await startProcesses(1, database, sandbox);
  const api = asGateway(one!.url, database);
  const token = await accessToken(api, await createApplication(api, { name: 'Crash' }));
  const connectionId = await connectThroughLink(api, token, sandbox.credentials[0]!);
  await waitFor(
    'the baseline run',
    async () => {
      const { rows } = await db.query<{ status: string }>(
        `SELECT status FROM sync_runs WHERE connection_id = $1`,
        [connectionId],
      );
      return rows[0]?.status === 'succeeded' ? true : undefined;
    },
    30_000,
  );

  // The endpoint hears events from now on: those of the next run only.
  const created = await request(one!.url)
    .post('/v1/webhooks')
    .set('Authorization', `Bearer ${token}`)
    .send({ url: receiver.url, event_types: ['*'] })
    .expect(201);
  expectContract(created);
  const endpointId = created.body.id as string;
  const secret = created.body.secret as string;
  const { rows: position } = await db.query<{ last: string }>(
    `SELECT last_sequence AS last FROM webhook_streams WHERE endpoint_id = $1 AND connection_id = $2`,
    [endpointId, connectionId],
  );
  const startedAt = Number(position[0]!.last);

  let firstRequest: { id: string } | undefined;
  const firstFailures: unknown[] = [];
  receiver.respond = (req, res) => {
    if (firstRequest) return answer(204)(req, res);
    firstRequest = { id: String(req.headers['webhook-id']) };
    return first(req, res, one!.process, spare).catch((error: unknown) => {
      firstFailures.push(error);
      res.destroy();
      one!.process.child.kill('SIGKILL');
    });
  };

  const employees = sandbox.state.store.employees();
  sandbox.control.hire({ first_name: 'Ada', last_name: 'Crash' });
  sandbox.control.hire({ first_name: 'Bo', last_name: 'Crash' });
  sandbox.control.updateEmployee(employees[0]!.id, { position: 'Head of Crashes' });
  const run = await request(one!.url)
    .post('/v1/sync-runs')
    .set('Authorization', `Bearer ${token}`)
    .send({ connection_id: connectionId })
    .expect(202);
  expectContract(run);

  let timer: NodeJS.Timeout | undefined;
  const died = await Promise.race([
    one!.process.exited.then(() => true),
    new Promise<false>((resolve) => (timer = setTimeout(resolve, 30_000, false))),
  ]);
  clearTimeout(timer);
  if (!died) {
    throw new Error(`the first request never came or the process was not killed:
${one!.process.output()}`);
  }
  expect(firstFailures).toEqual([]);
  expect(one!.process.child.signalCode).toBe('SIGKILL');
  const expected = (await eventsOf(db, [connectionId], startedAt)).get(connectionId)!;
  expect(expected.length).toBeGreaterThanOrEqual(4);
  const firstId = firstRequest!.id;
  // The dead process had the stream's first event: the others waited behind it.
  expect(firstId).toBe(expected[0]!.id);
  expect(receiver.requests).toHaveLength(1);

  // Nothing of that attempt was recorded; the delivery is still the dead process's.
  const orphan = await deliveryOf(db, endpointId, firstId);
  expect({ status: orphan.status, attempts: orphan.attempts }).toEqual({
    status: 'pending',
    attempts: 0,
  });
  expect(await attemptsLogged(db, orphan.id)).toBe(0);
  expect(orphan.leased_until!.getTime()).toBeGreaterThan(Date.now());
  expect(orphan.leased_until!.getTime()).toBeLessThanOrEqual(Date.now() + LEASE_MS);

  const [second] = await startProcesses(1, database, sandbox, {}, one!.url);
  return {
    db,
    endpointId,
    secret,
    receiver,
    expected,
    firstId,
    leaseAtKill: orphan.leased_until!,
    second: second!,
    token,
  };
}

/** What a crash test asserts once the second process has taken over. */
async function expectNothingLost(
  scenario: Awaited<ReturnType<typeof crashScenario>>,
): Promise<void> {
  const { db, endpointId, secret, receiver, expected, firstId, leaseAtKill, second, token } =
    scenario;
  await waitFor(
    'every delivery succeeded',
    async () => {
      const { rows } = await db.query<{ status: string; n: number }>(
        `SELECT status, count(*)::int AS n FROM webhook_deliveries WHERE endpoint_id = $1
         GROUP BY status`,
        [endpointId],
      );
      return rows.length === 1 && rows[0]!.status === 'succeeded' && rows[0]!.n === expected.length
        ? true
        : undefined;
    },
    30_000,
  );
  // Time for a wrong extra send to show up.
  await new Promise((resolve) => setTimeout(resolve, 500));

  // Every event arrived; the one the dead process had twice, both with its webhook-id; every
  // request verifies with the endpoint's secret.
  const received = byWebhookId(receiver.requests);
  expect(receiver.verified(secret)).toHaveLength(receiver.requests.length);
  expect(
    [...received].map(([id, requests]) => ({ id, times: requests.length })).sort(bySequence),
  ).toEqual(expected.map((e) => ({ id: e.id, times: e.id === firstId ? 2 : 1 })));
  const resent = received.get(firstId)!;
  expect(resent[1]!.body).toBe(resent[0]!.body);
  // Sent again only once the dead process's lease had run out, never while it could be alive.
  expect(resent[1]!.at).toBeGreaterThanOrEqual(leaseAtKill.getTime());
  // In sequence order: the later events waited for the first.
  const arrived = receiver.verified(secret).map((e: ReceivedEvent) => e.sequence);
  expect(arrived.slice(1)).toEqual(expected.map((e) => e.sequence));

  const res = await request(second.url)
    .get(`/v1/webhooks/${endpointId}/deliveries`)
    .set('Authorization', `Bearer ${token}`)
    .expect(200);
  expectContract(res);
  const view = (
    res.body.data as Array<{
      event_id: string;
      status: string;
      attempts: number;
      attempt_log: Array<{ status_code: number | null }>;
    }>
  ).find((d) => d.event_id === firstId)!;
  // The lost attempt left no trace; the one that counted is the second process's.
  expect({
    status: view.status,
    attempts: view.attempts,
    log: view.attempt_log.map((a) => a.status_code),
  }).toEqual({ status: 'succeeded', attempts: 1, log: [204] });

  function bySequence(a: { id: string }, b: { id: string }): number {
    const at = (id: string): number => expected.findIndex((e) => e.id === id);
    return at(a.id) - at(b.id);
  }
}

describe('webhook dispatchers across gateway processes (e2e: real processes, one PostgreSQL)', () => {
  it('killed after the receiver answered 200 but before recording: resent with the same webhook-id after the lease, nothing lost', async () => {
    const scenario = await crashScenario(async (req, res, killer, db) => {
      await db.query('BEGIN');
      await db.query(`SELECT id FROM webhook_deliveries WHERE event_id = $1 FOR UPDATE`, [
        String(req.headers['webhook-id']),
      ]);
      const { rows } = await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
      // Answered within the gateway's timeout, so what it goes on to record is this 200.
      const answeredAfterMs = Date.now() - req.at;
      if (answeredAfterMs >= TIMEOUT_MS) {
        throw new Error(`the receiver answered after ${answeredAfterMs} ms, past the timeout`);
      }
      // The gateway got the 200 and now waits on the row lock to record it: kill it right there.
      // (Only recording waits on this lock: claims skip locked rows and no new event conflicts.
      // pg_stat_activity may still show the backend's previous statement, so only the wait is
      // checked, not the query text.)
      await waitFor(
        'the gateway to wait on the lock while recording',
        async () => {
          const { rows: waiting } = await db.query<{ pid: number }>(
            `SELECT pid FROM pg_stat_activity WHERE $1 = ANY (pg_blocking_pids(pid))`,
            [rows[0]!.pid],
          );
          return waiting[0];
        },
        15_000,
        10,
      );
      killer.child.kill('SIGKILL');
      await killer.exited;
      await db.query('ROLLBACK');
    });
    await expectNothingLost(scenario);
  }, 60_000);

  it('killed while the receiver has the request unanswered: sent again after the lease, nothing lost', async () => {
    const scenario = await crashScenario((_req, res, killer) => {
      // No answer: the process dies waiting for it (well before its 1 s timeout).
      killer.child.kill('SIGKILL');
      res.on('close', () => undefined);
      return Promise.resolve();
    });
    await expectNothingLost(scenario);
  }, 60_000);

  it('three processes never have one webhook-id in flight twice, deliver every event once and in order per connection', async () => {
    const database = await createMigratedDatabase();
    databases.push(database);
    const sandbox = await startTestSandbox({ employees: 100, absencesPerEmployee: 0 });
    sandboxes.push(sandbox);
    const db = await connect(database.url);
    const processes = await startProcesses(3, database, sandbox, { WEBHOOK_TICK_MS: '20' });
    const pids = processes.map((p) => p.process.child.pid!);
    const api = asGateway(processes[0]!.url, database);
    const token = await accessToken(api, await createApplication(api, { name: 'Replicas' }));

    const tracked = await Promise.all([trackingReceiver(pids), trackingReceiver(pids)]);
    const secrets: string[] = [];
    for (const { receiver } of tracked) {
      receivers.push(receiver);
      const created = await request(processes[0]!.url)
        .post('/v1/webhooks')
        .set('Authorization', `Bearer ${token}`)
        .send({ url: receiver.url, event_types: ['*'] })
        .expect(201);
      expectContract(created);
      secrets.push(created.body.secret as string);
    }

    // Connections made after the endpoints: each endpoint hears them from their first event.
    const connectionIds = await Promise.all(
      processes.map((p) =>
        connectThroughLink(asGateway(p.url, database), token, sandbox.credentials[0]!),
      ),
    );
    const settled = async (trigger: string): Promise<void> => {
      await waitFor(
        `a succeeded ${trigger} run per connection`,
        async () => {
          const { rows } = await db.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM sync_runs
             WHERE connection_id = ANY($1::uuid[]) AND trigger = $2 AND status = 'succeeded'`,
            [connectionIds, trigger],
          );
          return rows[0]!.n === connectionIds.length ? true : undefined;
        },
        30_000,
      );
    };
    await settled('connect');
    // Enough changes for a few hundred deliveries; few enough to drain on a busy machine.
    for (const employee of sandbox.state.store.employees().slice(0, 40)) {
      sandbox.control.updateEmployee(employee.id, { last_name: `Replica ${employee.id}` });
    }
    for (const connectionId of connectionIds) {
      const res = await request(processes[0]!.url)
        .post('/v1/sync-runs')
        .set('Authorization', `Bearer ${token}`)
        .send({ connection_id: connectionId })
        .expect(202);
      expectContract(res);
    }
    await settled('manual');
    const expected = await eventsOf(db, connectionIds);
    const total = [...expected.values()].reduce((n, events) => n + events.length, 0);
    expect(total).toBeGreaterThanOrEqual(3 * 40);

    await waitFor(
      'every event at both receivers',
      () => Promise.resolve(tracked.every((t) => t.receiver.requests.length >= total) || undefined),
      45_000,
      50,
    ).catch(async (error: Error) => {
      const { rows } = await db.query<{ status: string; n: number }>(
        `SELECT status, count(*)::int AS n FROM webhook_deliveries GROUP BY status`,
      );
      throw new Error(
        `${error.message}: expected ${total} per receiver, got ${tracked
          .map((t) => t.receiver.requests.length)
          .join(', ')}; deliveries ${JSON.stringify(rows)}`,
      );
    });
    await waitFor(
      'every delivery recorded as succeeded',
      async () => {
        const { rows } = await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM webhook_deliveries WHERE status = 'succeeded'`,
        );
        return rows[0]!.n === 2 * total ? true : undefined;
      },
      10_000,
    );
    // Time for a duplicate to show up.
    await new Promise((resolve) => setTimeout(resolve, 500));

    tracked.forEach(({ receiver, overlaps, streamOverlaps, senders }, i) => {
      expect({ receiver: i, overlaps, streamOverlaps }).toEqual({
        receiver: i,
        overlaps: [],
        streamOverlaps: [],
      });
      const events = receiver.verified(secrets[i]!);
      expect(events).toHaveLength(receiver.requests.length);
      for (const connectionId of connectionIds) {
        // Exactly once each, in sequence order.
        expect({
          connection: connectionId,
          ids: events.filter((e) => e.connection_id === connectionId).map((e) => e.id),
        }).toEqual({
          connection: connectionId,
          ids: expected.get(connectionId)!.map((e) => e.id),
        });
      }
      expect(events).toHaveLength(total);
      // The requests came from more than one of the processes (found by their sockets).
      expect(senders.size).toBeGreaterThan(1);
      for (const pid of senders.keys()) expect(pids).toContain(pid);
    });
    await Promise.all(processes.map((p) => stop(p.process)));
  }, 60_000);
});

interface TrackingReceiver {
  receiver: WebhookReceiver;
  /** webhook-ids that were in flight twice at once. */
  overlaps: string[];
  /** Connections with two requests in flight at once (ordering allows one per stream). */
  streamOverlaps: string[];
  /** Requests per sending process id. */
  senders: Map<number, number>;
}

/**
 * A receiver that answers 204 after a short random delay (so sends of one delivery by two
 * processes would overlap) and records overlaps and which process sent each request.
 */
async function trackingReceiver(pids: number[]): Promise<TrackingReceiver> {
  const receiver = await startWebhookReceiver();
  const inFlight = new Map<string, number>();
  const perStream = new Map<string, number>();
  const tracked: TrackingReceiver = {
    receiver,
    overlaps: [],
    streamOverlaps: [],
    senders: new Map(),
  };
  receiver.respond = async (req, res) => {
    const id = String(req.headers['webhook-id']);
    const stream = String((JSON.parse(req.body) as ReceivedEvent).connection_id);
    const sender = senderPid(res.socket?.remotePort, pids);
    if (sender) tracked.senders.set(sender, (tracked.senders.get(sender) ?? 0) + 1);
    if ((inFlight.get(id) ?? 0) > 0) tracked.overlaps.push(id);
    if ((perStream.get(stream) ?? 0) > 0) tracked.streamOverlaps.push(stream);
    inFlight.set(id, (inFlight.get(id) ?? 0) + 1);
    perStream.set(stream, (perStream.get(stream) ?? 0) + 1);
    res.once('close', () => {
      inFlight.set(id, inFlight.get(id)! - 1);
      perStream.set(stream, perStream.get(stream)! - 1);
    });
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 8));
    res.writeHead(204);
    res.end();
  };
  return tracked;
}

/**
 * Which of `pids` owns the client end of a loopback TCP connection from `port` (Linux: the
 * socket's inode in /proc/net/tcp, then the process holding it). Undefined when not found.
 */
function senderPid(port: number | undefined, pids: number[]): number | undefined {
  if (!port) return undefined;
  try {
    const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
    const line = readFileSync('/proc/net/tcp', 'utf8')
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .find((cols) => cols[1] === local);
    const inode = line?.[9];
    if (!inode || inode === '0') return undefined;
    const target = `socket:[${inode}]`;
    return pids.find((pid) =>
      readdirSync(`/proc/${pid}/fd`).some((fd) => {
        try {
          return readlinkSync(`/proc/${pid}/fd/${fd}`) === target;
        } catch {
          return false;
        }
      }),
    );
  } catch {
    return undefined;
  }
}
