import request from 'supertest';
import { type RunningSandbox } from '../../connectors/personio/sandbox';
import {
  accessToken,
  createApplication,
  TEST_ADMIN_TOKEN,
  type TestApplication,
} from '../support/auth';
import { startTestGateway, type TestGateway } from '../support/gateway';
import { startTestSandbox } from '../support/sandbox';
import { connectThroughLink, waitForLatestRun } from '../support/sync';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

describe('webhook deliveries (e2e: real receivers on 127.0.0.1, real PostgreSQL)', () => {
  let sandbox: RunningSandbox;
  let gateway: TestGateway;
  let app: TestApplication;
  let appToken: string;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    gateway = await startTestGateway({
      ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      PERSONIO_BASE_URL: sandbox.url,
      SYNC_TICK_MS: '100',
      WEBHOOK_TICK_MS: '50',
      WEBHOOK_ALLOW_INSECURE_URLS: 'true',
    });
    app = await createApplication(gateway, { name: 'Expense tool' });
    appToken = await accessToken(gateway, app);
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => {
    await gateway?.close();
    await sandbox?.close();
    await receiver?.close();
  });

  it("delivers a new connection's events in order, signed per Standard Webhooks", async () => {
    const created = await request(gateway.url)
      .post('/v1/webhooks')
      .set('Authorization', `Bearer ${appToken}`)
      .send({ url: receiver.url, event_types: ['connection.*'] })
      .expect(201);
    const secret = created.body.secret as string;
    expect(secret).toMatch(/^whsec_/);
    const connectionId = await connectThroughLink(gateway, appToken, sandbox.credentials[0]!);
    await waitForLatestRun(gateway, appToken, connectionId);
    await receiver.waitFor(2);
    const events = receiver.verified(secret);
    expect(events.map((e) => [e.type, e.sequence])).toEqual([
      ['connection.connected', 1],
      ['connection.sync_completed', 2],
    ]);
    expect(receiver.requests[0]?.headers['webhook-id']).toBe(events[0]?.id);
  });
});
