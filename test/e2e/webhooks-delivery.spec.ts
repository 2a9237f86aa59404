/**
 * The webhook pipeline end to end: events written by real syncs reach real receivers on
 * 127.0.0.1, signed per Standard Webhooks (verified with the `standardwebhooks` package),
 * in order, through outages, rotations, replays and hostile answers. Time that a test needs to
 * pass (a receiver down for a day) moves on the gateway's Clock; nothing waits for it.
 */
import request from 'supertest';
import { Webhook } from 'standardwebhooks';
import { type RunningSandbox } from '../../connectors/personio/sandbox';
import { Clock } from '../../src/common/time/clock';
import { RETRY_DELAYS_MS } from '../../src/webhooks/retry-policy';
import { WebhookDispatcher } from '../../src/webhooks/webhook-dispatcher';
import { RESPONSE_EXCERPT_CHARS } from '../../src/webhooks/webhook-sender';
import { accessToken, createApplication, TEST_ADMIN_TOKEN } from '../support/auth';
import { expectContract } from '../support/contract';
import { startTestGateway, type TestGateway } from '../support/gateway';
import { startTestSandbox } from '../support/sandbox';
import { connectThroughLink, query, runSync, waitForLatestRun } from '../support/sync';
import {
  answer,
  startWebhookReceiver,
  type ReceivedEvent,
  type WebhookReceiver,
} from '../support/webhook-receiver';

const HOUR = 3_600_000;

describe('webhook deliveries (e2e: real receivers on 127.0.0.1, real PostgreSQL)', () => {
  let sandbox: RunningSandbox;
  let gateway: TestGateway;
  let clock: Clock;
  let dispatcher: WebhookDispatcher;
  const receivers: WebhookReceiver[] = [];

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    gateway = await startTestGateway({
      ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      PERSONIO_BASE_URL: sandbox.url,
      SYNC_TICK_MS: '100',
      WEBHOOK_TICK_MS: '50',
      WEBHOOK_TIMEOUT_MS: '2000',
      WEBHOOK_ALLOW_INSECURE_URLS: 'true',
    });
    clock = gateway.app.get(Clock);
    dispatcher = gateway.app.get(WebhookDispatcher);
  });
  afterAll(async () => {
    await gateway?.close();
    await sandbox?.close();
    await Promise.all(receivers.map((r) => r.close()));
  });

  async function receiver(): Promise<WebhookReceiver> {
    const started = await startWebhookReceiver();
    receivers.push(started);
    return started;
  }

  /** A new application with an app-level token, so tests never share endpoints. */
  async function application(name: string): Promise<{ token: string }> {
    const app = await createApplication(gateway, { name });
    return { token: await accessToken(gateway, app) };
  }

  async function endpoint(
    token: string,
    body: Record<string, unknown>,
  ): Promise<{ id: string; secret: string }> {
    const res = await request(gateway.url)
      .post('/v1/webhooks')
      .set('Authorization', `Bearer ${token}`)
      .send(body)
      .expect(201);
    expectContract(res);
    return { id: res.body.id as string, secret: res.body.secret as string };
  }

  async function deliveries(
    token: string,
    id: string,
    query: Record<string, string> = {},
  ): Promise<Array<Record<string, unknown> & { attempt_log: Array<Record<string, unknown>> }>> {
    const res = await request(gateway.url)
      .get(`/v1/webhooks/${id}/deliveries`)
      .query({ limit: '500', ...query })
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expectContract(res);
    return (
      res.body as {
        data: Array<Record<string, unknown> & { attempt_log: Array<Record<string, unknown>> }>;
      }
    ).data;
  }

  /** Moves the gateway's clock and lets the dispatcher act on what became due. */
  async function advance(ms: number): Promise<void> {
    clock.advance(ms);
    dispatcher.nudge();
    await dispatcher.idle();
    dispatcher.nudge();
    await dispatcher.idle();
  }

  async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 15_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        return await check();
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  /** A connected connection whose baseline sync finished; then `hires` new people synced. */
  async function connectionWithChanges(token: string, hires: number): Promise<string> {
    const connectionId = await connectThroughLink(gateway, token, sandbox.credentials[0]!);
    await waitForLatestRun(gateway, token, connectionId);
    if (hires > 0) {
      for (let i = 0; i < hires; i += 1) {
        const tag = Math.random().toString(36).slice(2, 8);
        sandbox.control.hire({
          first_name: `Hire${i}`,
          last_name: tag,
          email: `${tag}@example.com`,
        });
      }
      expect((await runSync(gateway, token, connectionId)).status).toBe('succeeded');
    }
    return connectionId;
  }

  const sequencesOf = (events: ReceivedEvent[], connectionId: string): number[] =>
    events.filter((e) => e.connection_id === connectionId).map((e) => e.sequence);

  it("delivers a new connection's events in order, signed per Standard Webhooks", async () => {
    const { token } = await application('Expense tool');
    const hooks = await receiver();
    const { secret } = await endpoint(token, { url: hooks.url, event_types: ['connection.*'] });
    expect(secret).toMatch(/^whsec_/);
    const connectionId = await connectionWithChanges(token, 0);
    await hooks.waitFor(2);
    const events = hooks.verified(secret);
    expect(events.map((e) => [e.type, e.sequence, e.connection_id])).toEqual([
      ['connection.connected', 1, connectionId],
      ['connection.sync_completed', 2, connectionId],
    ]);
    expect(hooks.requests.map((r) => r.headers['webhook-id'])).toEqual(events.map((e) => e.id));
    // Nothing verifies with another secret.
    expect(hooks.verified('whsec_' + Buffer.alloc(32, 7).toString('base64'))).toEqual([]);
  });

  it('sends a delivery in flight once when the clock moves a day on', async () => {
    const { token } = await application('Learning platform');
    const hooks = await receiver();
    // Each answer comes after 1.5 s (the timeout is 2 s): the clock moves while one is awaited.
    let arrived = 0;
    hooks.respond = async (_request, response) => {
      arrived += 1;
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      response.writeHead(204);
      response.end();
    };
    const { id, secret } = await endpoint(token, {
      url: hooks.url,
      event_types: ['connection.*'],
    });
    const connectionId = await connectionWithChanges(token, 0);
    await eventually(() => expect(arrived).toBeGreaterThanOrEqual(1));
    // What a test moving the schedule to the next 04:00 does; leases must not end with it.
    await advance(24 * HOUR);
    await hooks.waitFor(2);
    await eventually(async () => {
      const sent = await deliveries(token, id);
      expect(sent.map((d) => d.status)).toEqual(['succeeded', 'succeeded']);
    });
    const ids = hooks.requests.map((r) => r.headers['webhook-id']);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
    expect(sequencesOf(hooks.verified(secret), connectionId)).toEqual([1, 2]);
  });

  it('filters by event type with wildcards and by connection', async () => {
    const { token } = await application('Planner');
    const first = await connectionWithChanges(token, 0);
    const hooks = await receiver();
    const { secret } = await endpoint(token, {
      url: hooks.url,
      event_types: ['employee.*'],
      connection_ids: [first],
    });
    const second = await connectionWithChanges(token, 0);
    await connectionWithChanges(token, 0);
    sandbox.control.hire({ first_name: 'Filter', last_name: 'Case', email: 'filter@example.com' });
    expect((await runSync(gateway, token, first)).status).toBe('succeeded');
    expect((await runSync(gateway, token, second)).status).toBe('succeeded');
    await hooks.waitFor(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const events = hooks.verified(secret);
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.type.startsWith('employee.') && e.connection_id === first)).toBe(
      true,
    );
  });

  it('gets every event to a receiver that was down for a day, in order, with the original ids', async () => {
    const { token } = await application('Learning platform');
    const hooks = await receiver();
    hooks.respond = answer(503, {}, 'down for maintenance');
    const { id, secret } = await endpoint(token, { url: hooks.url, event_types: ['*'] });
    const connectionId = await connectionWithChanges(token, 5);
    await hooks.waitFor(1);
    // Only the head of the stream is tried while it fails: later events wait behind it.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(new Set(hooks.requests.map((r) => r.headers['webhook-id'])).size).toBe(1);

    // Down for a day: each retry step passes and fails.
    let elapsed = 0;
    for (const step of RETRY_DELAYS_MS) {
      if (elapsed + step * 1.1 > 24 * HOUR) break;
      await advance(step * 1.1);
      elapsed += step * 1.1;
    }
    const whileDown = hooks.requests.length;
    expect(whileDown).toBeGreaterThanOrEqual(5);
    expect(new Set(hooks.requests.map((r) => r.headers['webhook-id'])).size).toBe(1);
    const [head] = await deliveries(token, id, { status: 'pending' }).then((d) =>
      d.filter((x) => x.attempts === whileDown),
    );
    expect(head?.attempt_log.map((a) => a.status_code)).toEqual(Array(whileDown).fill(503));
    expect(head?.attempt_log[0]?.response_excerpt).toBe('down for maintenance');

    // Back up: the next retry gets through, and everything behind it follows in order.
    hooks.respond = answer(204);
    await advance(24 * HOUR - elapsed + 10 * HOUR * 1.1);
    const expected = await query<{ id: string; sequence: string }>(
      gateway,
      `SELECT id, sequence FROM events WHERE connection_id = $1 ORDER BY sequence`,
      [connectionId],
    );
    await eventually(() => {
      const received = hooks.verified(secret);
      expect(new Set(received.map((e) => e.id)).size).toBe(expected.length);
    });
    const received = hooks.verified(secret);
    // In order, none lost; the only duplicates are the failed attempts of the head, same id.
    const firstSeen = received.filter((e, i) => received.findIndex((x) => x.id === e.id) === i);
    expect(firstSeen.map((e) => e.id)).toEqual(expected.map((e) => e.id));
    expect(sequencesOf(firstSeen, connectionId)).toEqual(expected.map((e) => Number(e.sequence)));
    const ids = hooks.requests.map((r) => String(r.headers['webhook-id']));
    expect(ids.filter((x) => x !== ids[0]).length).toBe(expected.length - 1);
    // A day of failures is not three: the endpoint stays enabled.
    const view = await request(gateway.url)
      .get(`/v1/webhooks/${id}`)
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect(view.body).toMatchObject({ enabled: true, failing_since: null });
  });

  it('respects Retry-After on 429 and does not follow redirects', async () => {
    const { token } = await application('Benefits tool');
    const hooks = await receiver();
    const elsewhere = await receiver();
    hooks.respond = answer(429, { 'Retry-After': '7200' });
    const { id } = await endpoint(token, { url: hooks.url, event_types: ['connection.connected'] });
    await connectionWithChanges(token, 0);
    await hooks.waitFor(1);
    const [throttled] = await eventually(async () => {
      const list = await deliveries(token, id);
      expect(list[0]?.attempts).toBe(1);
      return list;
    });
    const due = Date.parse(String(throttled?.next_attempt_at));
    expect(due - clock.now().getTime()).toBeGreaterThan(7_000_000);

    hooks.respond = answer(307, { Location: elsewhere.url });
    await advance(2 * HOUR + 60_000);
    // This delivery's requests: the clock jump also makes other tests' retries due, and a
    // request of theirs to a port the kernel has since given to this receiver is not ours.
    const sent = hooks.requests.filter((r) => r.headers['webhook-id'] === throttled?.event_id);
    expect(sent).toHaveLength(2);
    expect(elsewhere.requests.length).toBe(0);
    const [redirected] = await deliveries(token, id);
    expect(redirected?.attempt_log.map((a) => a.status_code)).toEqual([429, 307]);
    expect(redirected?.status).toBe('pending');
  });

  it('disables an endpoint that answers 410 at once and tells the other endpoints and the feed', async () => {
    const { token } = await application('Feedback tool');
    const gone = await receiver();
    const other = await receiver();
    gone.respond = answer(410);
    const doomed = await endpoint(token, { url: gone.url, event_types: ['connection.connected'] });
    const witness = await endpoint(token, { url: other.url, event_types: ['employee.created'] });
    await connectionWithChanges(token, 0);
    const notice = await eventually(() => {
      const [event] = other
        .verified(witness.secret)
        .filter((e) => e.type === 'webhook_endpoint.disabled');
      if (!event) throw new Error('no notice yet');
      return event;
    });
    expect(notice).toMatchObject({
      connection_id: null,
      data: { object: { id: doomed.id, host: new URL(gone.url).host, reason: 'gone' } },
    });
    expect(gone.requests.length).toBe(1);
    const view = await request(gateway.url)
      .get(`/v1/webhooks/${doomed.id}`)
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expectContract(view);
    expect(view.body).toMatchObject({ enabled: false, disabled_reason: 'gone' });
    const feed = await request(gateway.url)
      .get('/v1/events')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expectContract(feed);
    expect(feed.body.data).toEqual([
      expect.objectContaining({ id: notice.id, type: 'webhook_endpoint.disabled', sequence: 1 }),
    ]);
  });

  it('disables an endpoint after three days without a 2xx; a manual retry and re-enabling bring it back', async () => {
    const { token } = await application('Failing receiver');
    const hooks = await receiver();
    hooks.respond = answer(500);
    const { id } = await endpoint(token, { url: hooks.url, event_types: ['connection.connected'] });
    await connectionWithChanges(token, 0);
    await hooks.waitFor(1);
    for (const step of RETRY_DELAYS_MS) await advance(step * 1.1);
    const [given] = await deliveries(token, id);
    expect(given).toMatchObject({ status: 'failed', attempts: RETRY_DELAYS_MS.length + 1 });
    await advance(2 * 24 * HOUR);
    const retried = await request(gateway.url)
      .post(`/v1/webhooks/${id}/deliveries/${String(given?.id)}/retry`)
      .set('Authorization', `Bearer ${token}`)
      .expect(202);
    expectContract(retried);
    await eventually(async () => {
      const view = await request(gateway.url)
        .get(`/v1/webhooks/${id}`)
        .set('Authorization', `Bearer ${token}`)
        .expect(200);
      expect(view.body).toMatchObject({ enabled: false, disabled_reason: 'failing' });
    });
    hooks.respond = answer(200);
    await request(gateway.url)
      .patch(`/v1/webhooks/${id}`)
      .set('Authorization', `Bearer ${token}`)
      .send({ enabled: true })
      .expect(200);
    await request(gateway.url)
      .post(`/v1/webhooks/${id}/deliveries/${String(given?.id)}/retry`)
      .set('Authorization', `Bearer ${token}`)
      .expect(202);
    await eventually(async () => {
      const [after] = await deliveries(token, id);
      expect(after?.status).toBe('succeeded');
    });
  });

  it('signs with both secrets during a rotation and with the new one only after the grace period', async () => {
    const { token } = await application('Rotating receiver');
    const hooks = await receiver();
    const { id, secret: oldSecret } = await endpoint(token, { url: hooks.url, event_types: ['*'] });
    const rotated = await request(gateway.url)
      .post(`/v1/webhooks/${id}/rotate-secret`)
      .set('Authorization', `Bearer ${token}`)
      .send({ grace_period_seconds: 3600 })
      .expect(200);
    expectContract(rotated);
    const newSecret = rotated.body.secret as string;
    expect(newSecret).not.toBe(oldSecret);
    expect(Date.parse(rotated.body.previous_secret_expires_at as string)).toBeGreaterThan(
      clock.now().getTime(),
    );
    const connectionId = await connectionWithChanges(token, 0);
    await hooks.waitFor(1);
    const during = hooks.requests[0]!;
    expect(String(during.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(hooks.verified(oldSecret)).toHaveLength(hooks.requests.length);
    expect(hooks.verified(newSecret)).toHaveLength(hooks.requests.length);

    await advance(3600 * 1000 + 1000);
    const before = hooks.requests.length;
    await request(gateway.url)
      .post(`/v1/webhooks/${id}/replay`)
      .set('Authorization', `Bearer ${token}`)
      .send({ after_sequence: 0, connection_id: connectionId })
      .expect(202);
    await hooks.waitFor(before + 1);
    const after = hooks.requests.slice(before);
    expect(String(after[0]?.headers['webhook-signature']).split(' ')).toHaveLength(1);
    const verifyWith = (secret: string) => () =>
      new Webhook(secret).verify(after[0]!.body, {
        'webhook-id': String(after[0]!.headers['webhook-id']),
        'webhook-timestamp': String(after[0]!.headers['webhook-timestamp']),
        'webhook-signature': String(after[0]!.headers['webhook-signature']),
      });
    expect(verifyWith(newSecret)).not.toThrow();
    expect(verifyWith(oldSecret)).toThrow();
  });

  it('replays a stream after a sequence with the original ids, in order', async () => {
    const { token } = await application('Replaying receiver');
    const hooks = await receiver();
    const { id, secret } = await endpoint(token, { url: hooks.url, event_types: ['*'] });
    const connectionId = await connectionWithChanges(token, 3);
    const total = (
      await query<{ n: number }>(
        gateway,
        'SELECT count(*)::int AS n FROM events WHERE connection_id = $1',
        [connectionId],
      )
    )[0]!.n;
    await hooks.waitFor(total);
    const original = hooks.verified(secret);
    const replay = await request(gateway.url)
      .post(`/v1/webhooks/${id}/replay`)
      .set('Authorization', `Bearer ${token}`)
      .send({ after_sequence: 2, connection_id: connectionId })
      .expect(202);
    expectContract(replay);
    expect(replay.body).toMatchObject({ queued: total - 2, more: false, last_sequence: total });
    await hooks.waitFor(total + total - 2);
    const replayed = hooks.verified(secret).slice(total);
    expect(replayed.map((e) => e.id)).toEqual(original.slice(2).map((e) => e.id));
    expect(replayed.map((e) => e.sequence)).toEqual(original.slice(2).map((e) => e.sequence));
    const log = await deliveries(token, id);
    expect(log.filter((d) => d.replay)).toHaveLength(total - 2);

    const noStream = await request(gateway.url)
      .post(`/v1/webhooks/${id}/replay`)
      .set('Authorization', `Bearer ${token}`)
      .send({ after_sequence: 0 })
      .expect(400);
    expectContract(noStream);
  });

  it('keeps a slow endpoint from delaying another, and reads only the start of a large answer', async () => {
    const { token } = await application('Slow and fast');
    const slow = await receiver();
    const fast = await receiver();
    slow.respond = (_req, res) => {
      setTimeout(() => {
        res.writeHead(200);
        res.end('x'.repeat(1_000_000));
      }, 1_500);
    };
    await endpoint(token, { url: slow.url, event_types: ['*'] });
    await endpoint(token, { url: fast.url, event_types: ['*'] });
    await connectionWithChanges(token, 0);
    await fast.waitFor(2);
    // The fast receiver had both events before the slow one answered its first.
    expect(fast.requests[1]!.at).toBeLessThan(slow.requests[0]!.at + 1_500);
    await slow.waitFor(2, 20_000);
  });

  it('caps the stored excerpt of an answer', async () => {
    const { token } = await application('Chatty receiver');
    const hooks = await receiver();
    hooks.respond = answer(200, {}, 'y'.repeat(100_000));
    const { id } = await endpoint(token, { url: hooks.url, event_types: ['connection.connected'] });
    await connectionWithChanges(token, 0);
    const [done] = await eventually(async () => {
      const list = await deliveries(token, id);
      expect(list[0]?.status).toBe('succeeded');
      return list;
    });
    expect(String(done?.attempt_log[0]?.response_excerpt)).toHaveLength(RESPONSE_EXCERPT_CHARS);
  });
});

describe('webhook payload cap (e2e)', () => {
  let sandbox: RunningSandbox;
  let gateway: TestGateway;
  let hooks: WebhookReceiver;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    hooks = await startWebhookReceiver();
    gateway = await startTestGateway({
      ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      PERSONIO_BASE_URL: sandbox.url,
      SYNC_TICK_MS: '100',
      WEBHOOK_TICK_MS: '50',
      WEBHOOK_ALLOW_INSECURE_URLS: 'true',
      WEBHOOK_MAX_PAYLOAD_BYTES: '1024',
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await sandbox?.close();
    await hooks?.close();
  });

  it('sends an event over the cap without its data, signed, with the id to fetch it by', async () => {
    const app = await createApplication(gateway, { name: 'Capped receiver' });
    const token = await accessToken(gateway, app);
    const created = await request(gateway.url)
      .post('/v1/webhooks')
      .set('Authorization', `Bearer ${token}`)
      .send({ url: hooks.url, event_types: ['employee.created', 'connection.connected'] })
      .expect(201);
    const secret = created.body.secret as string;
    const connectionId = await connectThroughLink(gateway, token, sandbox.credentials[0]!);
    await waitForLatestRun(gateway, token, connectionId);
    // A long name (served as first, last, display and preferred name) takes the event over 1 KiB.
    sandbox.control.hire({
      first_name: 'Big',
      last_name: 'Payload'.repeat(40),
      email: 'big@example.com',
    });
    expect((await runSync(gateway, token, connectionId)).status).toBe('succeeded');
    await hooks.waitFor(2);
    const [connected, hired] = hooks.verified(secret);
    expect(connected?.type).toBe('connection.connected');
    expect(connected?.data).toHaveProperty('object');
    expect(hired?.type).toBe('employee.created');
    expect(hired?.data).toEqual({ truncated: true });
    const [stored] = await query<{ data: Record<string, unknown> }>(
      gateway,
      'SELECT data FROM events WHERE id = $1',
      [hired?.id],
    );
    expect(Buffer.byteLength(JSON.stringify(stored?.data))).toBeGreaterThan(1024);
    expect(hooks.requests.every((r) => Buffer.byteLength(r.body) <= 1024)).toBe(true);
  });
});
