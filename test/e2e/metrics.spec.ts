/**
 * /metrics answers the Prometheus text format with the gateway's own series, which move when
 * the gateway works: a sync run and a webhook attempt show up in them.
 */
import request from 'supertest';
import { type RunningSandbox } from '../../connectors/personio/sandbox';
import { accessToken, createApplication, TEST_ADMIN_TOKEN } from '../support/auth';
import { expectContract } from '../support/contract';
import { startTestGateway, type TestGateway } from '../support/gateway';
import { startTestSandbox } from '../support/sandbox';
import { connectThroughLink, waitForLatestRun } from '../support/sync';
import { answer, startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';

/** The value of one sample (`name{labels} value`), or undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('metrics (e2e)', () => {
  let sandbox: RunningSandbox;
  let gateway: TestGateway;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    receiver = await startWebhookReceiver();
    gateway = await startTestGateway({
      ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      METRICS_TOKEN,
      PERSONIO_BASE_URL: sandbox.url,
      SYNC_TICK_MS: '100',
      WEBHOOK_TICK_MS: '50',
      WEBHOOK_ALLOW_INSECURE_URLS: 'true',
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await sandbox?.close();
    await receiver?.close();
  });

  const scrape = async (): Promise<string> => {
    const res = await request(gateway.url)
      .get('/metrics')
      .set('Authorization', `Bearer ${METRICS_TOKEN}`)
      .expect(200);
    expectContract(res);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    return res.text;
  };

  it('refuses a scrape without the configured token', async () => {
    const res = await request(gateway.url).get('/metrics').expect(401);
    expectContract(res);
    await request(gateway.url).get('/metrics').set('Authorization', 'Bearer wrong').expect(401);
  });

  it('counts sync runs, records, Personio requests and webhook attempts', async () => {
    const before = await scrape();
    expect(sample(before, 'hris_sync_queue_depth{status="queued"}')).toBe(0);
    expect(before).toContain('# TYPE hris_sync_run_duration_seconds histogram');
    expect(before).toContain('hris_process_resident_memory_bytes');

    const app = await createApplication(gateway, { name: 'Metered' });
    const token = await accessToken(gateway, app);
    receiver.respond = answer(503);
    await request(gateway.url)
      .post('/v1/webhooks')
      .set('Authorization', `Bearer ${token}`)
      .send({ url: receiver.url, event_types: ['connection.connected'] })
      .expect(201);
    const connectionId = await connectThroughLink(gateway, token, sandbox.credentials[0]!);
    const run = await waitForLatestRun(gateway, token, connectionId);
    expect(run.status).toBe('succeeded');
    await receiver.waitFor(1);
    await new Promise((resolve) => setTimeout(resolve, 200));

    const after = await scrape();
    expect(sample(after, 'hris_sync_runs_total{outcome="succeeded",trigger="connect"}')).toBe(1);
    expect(sample(after, 'hris_sync_run_duration_seconds_count{outcome="succeeded"}')).toBe(1);
    expect(
      sample(after, 'hris_sync_records_changed_total{resource="employees",change="created"}'),
    ).toBe(sandbox.state.store.employees().length);
    expect(sample(after, 'hris_personio_requests_total')).toBeGreaterThan(0);
    expect(sample(after, 'hris_webhook_attempts_total{outcome="server_error"}')).toBe(1);
    expect(sample(after, 'hris_webhook_deliveries_pending{state="pending"}')).toBe(1);
    expect(sample(after, 'hris_connections{status="connected"}')).toBe(1);
  });
});
