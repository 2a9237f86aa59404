/**
 * One customer's world for a scenario spec: the Personio sandbox over HTTP, an in-process
 * gateway, the product's application created from its recipe, the customer connected through a
 * real connect link with the recipe's settings, and its baseline run done. Time moves on the
 * gateway's Clock: `moveClock` advances it and lets the scheduler and the webhook dispatcher act
 * on what became due, so a 15-minute poll or tomorrow's 04:00 run takes milliseconds.
 */
import request from 'supertest';
import { type RunningSandbox, type SandboxConfig } from '../../../connectors/personio/sandbox';
import { Clock } from '../../../src/common/time/clock';
import { SyncScheduler } from '../../../src/sync/scheduler/sync-scheduler';
import { WebhookDispatcher } from '../../../src/webhooks/webhook-dispatcher';
import { accessToken, createApplication, TEST_ADMIN_TOKEN } from '../../support/auth';
import { expectContract } from '../../support/contract';
import { startTestGateway, type TestGateway } from '../../support/gateway';
import { startTestSandbox } from '../../support/sandbox';
import { connectThroughLink, waitForLatestRun, waitForRun, type RunView } from '../../support/sync';
import {
  startWebhookReceiver,
  type ReceivedEvent,
  type WebhookReceiver,
} from '../../support/webhook-receiver';
import { type Recipe } from './recipes';

export type Body = Record<string, unknown>;

export interface Scenario {
  sandbox: RunningSandbox;
  gateway: TestGateway;
  clock: Clock;
  /** The application's own token (connections, runs, webhooks). */
  appToken: string;
  /** A token bound to the customer's connection (the HRIS reads and the events feed). */
  token: string;
  connectionId: string;
  baseline: RunView;
  /** The product's webhook receiver and its endpoint's secret, when the recipe has a webhook. */
  receiver?: WebhookReceiver;
  webhookSecret?: string;
}

export interface ScenarioOptions {
  sandbox?: SandboxConfig;
  /** Changes the sandbox company before the customer connects. */
  prepare?: (sandbox: RunningSandbox) => void;
}

export async function startScenario(
  recipe: Recipe,
  options: ScenarioOptions = {},
): Promise<Scenario> {
  const sandbox = await startTestSandbox({ employees: 40, ...options.sandbox });
  options.prepare?.(sandbox);
  const gateway = await startTestGateway({
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    PERSONIO_BASE_URL: sandbox.url,
    SYNC_TICK_MS: '100',
    WEBHOOK_TICK_MS: '50',
    WEBHOOK_TIMEOUT_MS: '2000',
    WEBHOOK_ALLOW_INSECURE_URLS: 'true',
  });
  const app = await createApplication(gateway, { ...recipe.application });
  const appToken = await accessToken(gateway, app);
  const scenario: Partial<Scenario> = { sandbox, gateway, appToken };
  if (recipe.webhook) {
    // Registered before the customer connects: the product hears about it from the first event.
    const receiver = await startWebhookReceiver();
    const created = await call(gateway, appToken, 'POST', '/v1/webhooks', {
      body: { ...recipe.webhook, url: receiver.url },
      status: 201,
    });
    scenario.receiver = receiver;
    scenario.webhookSecret = created.secret as string;
  }
  const connectionId = await connectThroughLink(
    gateway,
    appToken,
    sandbox.credentials[0]!,
    recipe.connect_session,
  );
  const baseline = await waitForLatestRun(gateway, appToken, connectionId);
  expect(baseline).toMatchObject({ trigger: 'connect', status: 'succeeded', error: null });
  const token = await accessToken(gateway, app, { connectionId });
  return {
    ...(scenario as Scenario),
    clock: gateway.app.get(Clock),
    token,
    connectionId,
    baseline,
  };
}

export async function closeScenario(s: Scenario | undefined): Promise<void> {
  await s?.gateway.close();
  await s?.sandbox.close();
  await s?.receiver?.close();
}

/** One API call; the answer must have the expected status and match the contract. */
export async function call(
  gateway: TestGateway,
  token: string,
  method: 'GET' | 'POST' | 'PATCH',
  path: string,
  options: { query?: Record<string, string | number>; body?: unknown; status?: number } = {},
): Promise<Body> {
  const agent = request(gateway.url);
  const req =
    method === 'GET' ? agent.get(path) : method === 'POST' ? agent.post(path) : agent.patch(path);
  req.set('Authorization', `Bearer ${token}`);
  if (options.query) req.query(options.query);
  const res = options.body === undefined ? await req : await req.send(options.body as object);
  expectContract(res);
  const status = options.status ?? 200;
  if (res.status !== status) {
    throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
  }
  return res.body as Body;
}

/** A read with the connection-bound token. */
export function read(
  s: Scenario,
  path: string,
  query: Record<string, string | number> = {},
): Promise<Body> {
  return call(s.gateway, s.token, 'GET', path, { query });
}

/** Every page of a list endpoint (bound token). */
export async function readAll(
  s: Scenario,
  path: string,
  query: Record<string, string | number> = {},
): Promise<Body[]> {
  const items: Body[] = [];
  let cursor: string | null = null;
  do {
    const page = await read(s, path, { limit: 500, ...query, ...(cursor ? { cursor } : {}) });
    items.push(...(page.data as Body[]));
    cursor = page.next_cursor as string | null;
  } while (cursor);
  return items;
}

/** A call with the application's token (connections, runs, webhooks). */
export function manage(
  s: Scenario,
  method: 'GET' | 'POST' | 'PATCH',
  path: string,
  options: { query?: Record<string, string | number>; body?: unknown; status?: number } = {},
): Promise<Body> {
  return call(s.gateway, s.appToken, method, path, options);
}

export function getConnection(s: Scenario): Promise<Body> {
  return manage(s, 'GET', `/v1/connections/${s.connectionId}`);
}

/** The connection's runs, newest first, optionally of one trigger. */
export async function runs(s: Scenario, trigger?: string): Promise<RunView[]> {
  const page = await manage(s, 'GET', '/v1/sync-runs', {
    query: { connection_id: s.connectionId, limit: 100, ...(trigger ? { trigger } : {}) },
  });
  return page.data as RunView[];
}

/** Moves the gateway's clock and lets the scheduler and dispatcher act on what became due. */
export async function moveClock(s: Scenario, ms: number): Promise<void> {
  s.clock.advance(ms);
  s.gateway.app.get(SyncScheduler).nudge();
  const dispatcher = s.gateway.app.get(WebhookDispatcher);
  dispatcher.nudge();
  await dispatcher.idle();
}

/** Moves the clock to `at` plus a minute (it only moves forward). */
export async function moveClockPast(s: Scenario, at: Date): Promise<void> {
  const ms = at.getTime() - s.clock.now().getTime() + 60_000;
  await moveClock(s, Math.max(ms, 0));
}

/**
 * Waits for the scheduled run that is not among `before` and for its end. Bounded: fails when
 * no scheduled run appears, so a schedule that did not fire fails the test.
 */
export async function scheduledRunAfter(
  s: Scenario,
  before: readonly RunView[],
  timeoutMs = 15_000,
): Promise<RunView> {
  const known = new Set(before.map((r) => r.id));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const fresh = (await runs(s, 'schedule')).filter((r) => !known.has(r.id));
    if (fresh.length > 1) throw new Error(`expected one scheduled run, got ${fresh.length}`);
    if (fresh[0]) return waitForRun(s.gateway, s.appToken, fresh[0].id);
    if (Date.now() > deadline) throw new Error('no scheduled run was queued');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits a few scheduler ticks and proves no run was queued meanwhile. */
export async function expectNoNewRun(s: Scenario, before: readonly RunView[]): Promise<void> {
  s.gateway.app.get(SyncScheduler).nudge();
  await new Promise((resolve) => setTimeout(resolve, 400));
  expect((await runs(s)).map((r) => r.id)).toEqual(before.map((r) => r.id));
}

/** The connection's change events after `after`, through the pull feed (bound token). */
export async function feedAfter(s: Scenario, after: number): Promise<Body[]> {
  const events: Body[] = [];
  let position = after;
  for (;;) {
    const page = await read(s, '/v1/events', { after: position, limit: 500 });
    const data = page.data as Body[];
    events.push(...data);
    if (data.length === 0) return events;
    position = page.next_after as number;
  }
}

/** The last sequence the feed shows. */
export async function feedEnd(s: Scenario): Promise<number> {
  const all = await feedAfter(s, 0);
  return all.length === 0 ? 0 : (all.at(-1)!.sequence as number);
}

/** The first webhook delivery the scenario's receiver verified that matches (bounded wait). */
export async function waitForVerified(
  s: Scenario,
  match: (event: ReceivedEvent) => boolean,
  timeoutMs = 10_000,
): Promise<ReceivedEvent> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = s.receiver!.verified(s.webhookSecret!).find(match);
    if (found) return found;
    if (Date.now() > deadline) throw new Error('no verified webhook delivery matched');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function utcToday(): string {
  return new Date().toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
