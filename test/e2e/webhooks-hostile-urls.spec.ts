/**
 * Hostile webhook URLs against in-process gateways (real PostgreSQL, real listeners on loopback):
 *  1. with the default config (WEBHOOK_ALLOW_INSECURE_URLS unset, so off) registration refuses
 *     http, localhost, every spelling of 127.0.0.1, private, metadata, CGNAT, unspecified,
 *     IPv6 loopback / unique-local / link-local / IPv4-mapped forms, other schemes, credentials,
 *     and DNS names whose answers include such an address;
 *  2. with the switch on, loopback http is accepted and everything else is still refused;
 *  3. at send time, a name that resolved to a public address at registration and now answers
 *     with a loopback form (DNS rebinding) is refused before connecting: its attempt log says
 *     so and listeners bound to 127.0.0.1, 127.0.0.2 and ::1 see no connection. A control
 *     endpoint, allowed to reach those listeners, proves that they do count connections.
 * DNS answers come from a fake resolver set on the WebhookSender (the one both registration and
 * sending use), so no real DNS is asked and every name is under the test's control.
 */
import { createServer, type Server, type Socket } from 'node:net';
import request from 'supertest';
import { type RunningSandbox } from '../../connectors/personio/sandbox';
import { AppConfig } from '../../src/config/app-config';
import { type LookupAll } from '../../src/webhooks/url-guard';
import { WebhookSender } from '../../src/webhooks/webhook-sender';
import {
  accessToken,
  createApplication,
  TEST_ADMIN_TOKEN,
  type TestApplication,
} from '../support/auth';
import { expectContract } from '../support/contract';
import { startTestGateway, type TestGateway } from '../support/gateway';
import { startTestSandbox } from '../support/sandbox';
import { connectThroughLink } from '../support/sync';

const PUBLIC_V4 = '93.184.216.34';

type Answer = { address: string; family: 4 | 6 };
const v4 = (address: string): Answer => ({ address, family: 4 });
const v6 = (address: string): Answer => ({ address, family: 6 });

/** A dns.lookup({ all: true }) stand-in answering from a table the test can change. */
interface FakeResolver {
  lookup: LookupAll;
  answers: Map<string, Answer[]>;
  asked: string[];
}

function fakeResolver(initial: Record<string, Answer[]>): FakeResolver {
  const answers = new Map(Object.entries(initial));
  const asked: string[] = [];
  const lookup: LookupAll = (hostname, _options, callback) => {
    asked.push(hostname);
    const found = answers.get(hostname.toLowerCase());
    process.nextTick(() => {
      if (found) return callback(null, found.slice());
      const err: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
      err.code = 'ENOTFOUND';
      callback(err, []);
    });
  };
  return { lookup, answers, asked };
}

/** Names a test registers; each resolves to what its name says. */
const HOSTILE_NAMES: Record<string, Answer[]> = {
  'loopback.example.test': [v4('127.0.0.1')],
  'loopback-alt.example.test': [v4('127.0.0.2')],
  'loopback6.example.test': [v6('::1')],
  'mapped.example.test': [v6('::ffff:127.0.0.1')],
  'metadata.example.test': [v4('169.254.169.254')],
  'private.example.test': [v4('10.0.0.5')],
  'unspecified.example.test': [v4('0.0.0.0')],
  // One good answer proves nothing: the name's owner controls every record.
  'mixed.example.test': [v4(PUBLIC_V4), v4('127.0.0.1')],
  'mixed-metadata.example.test': [v4('127.0.0.1'), v4('169.254.169.254')],
};
const FRIENDLY_NAMES: Record<string, Answer[]> = {
  'hooks.example.test': [v4(PUBLIC_V4)],
  localhost: [v4('127.0.0.1'), v6('::1')],
};

interface Case {
  url: string;
  /** What the refusal must name: proves it was refused for this reason, not another. */
  reason: RegExp;
}

const SCHEMES: Case[] = [
  { url: 'ftp://hooks.example.test/hook', reason: /scheme ftp: is not allowed/ },
  { url: 'file:///etc/passwd', reason: /scheme file: is not allowed/ },
  { url: 'javascript:alert(1)', reason: /scheme javascript: is not allowed/ },
  { url: 'data:text/plain,hello', reason: /scheme data: is not allowed/ },
  { url: 'gopher://hooks.example.test:70/_hook', reason: /scheme gopher: is not allowed/ },
  { url: 'ws://hooks.example.test/hook', reason: /scheme ws: is not allowed/ },
  { url: '//hooks.example.test/hook', reason: /not an absolute URL/ },
  { url: 'hooks.example.test/hook', reason: /not an absolute URL/ },
];

/** Refused with either setting of the switch. */
const ALWAYS_REFUSED: Case[] = [
  ...SCHEMES,
  { url: 'https://10.0.0.1/hook', reason: /private \(10\.0\.0\.0\/8\)/ },
  { url: 'https://10.255.255.254/hook', reason: /private/ },
  { url: 'https://172.16.0.1/hook', reason: /private \(172\.16\.0\.0\/12\)/ },
  { url: 'https://172.31.255.254/hook', reason: /private/ },
  { url: 'https://192.168.1.1/hook', reason: /private \(192\.168\.0\.0\/16\)/ },
  { url: 'https://169.254.169.254/latest/meta-data/', reason: /cloud metadata/ },
  { url: 'https://169.254.10.10/hook', reason: /link-local/ },
  { url: 'https://100.64.0.1/hook', reason: /carrier-grade NAT/ },
  { url: 'https://100.127.255.254/hook', reason: /carrier-grade NAT/ },
  { url: 'https://100.100.100.200/hook', reason: /cloud metadata/ },
  { url: 'https://0.0.0.0/hook', reason: /unspecified/ },
  { url: 'https://0/hook', reason: /unspecified/ },
  { url: 'https://0xa9fea9fe/hook', reason: /cloud metadata/ }, // 169.254.169.254 in hex
  { url: 'https://012.0.0.1/hook', reason: /private/ }, // 10.0.0.1 in octal
  { url: 'https://[::]/hook', reason: /unspecified/ },
  { url: 'https://[fc00::1]/hook', reason: /unique-local/ },
  { url: 'https://[fd12:3456:789a::1]/hook', reason: /unique-local/ },
  { url: 'https://[fe80::1]/hook', reason: /link-local/ },
  { url: 'https://[fd00:ec2::254]/hook', reason: /cloud metadata/ },
  { url: 'https://[::ffff:127.0.0.1]/hook', reason: /IPv4-mapped/ },
  { url: 'https://[::ffff:7f00:1]/hook', reason: /IPv4-mapped/ },
  { url: 'https://[0:0:0:0:0:ffff:7f00:1]/hook', reason: /IPv4-mapped/ },
  { url: 'https://[::ffff:169.254.169.254]/hook', reason: /IPv4-mapped/ },
  { url: 'https://[::ffff:10.0.0.1]/hook', reason: /IPv4-mapped/ },
  { url: 'https://[::127.0.0.1]/hook', reason: /IPv4-compatible/ },
  { url: 'https://[64:ff9b::7f00:1]/hook', reason: /NAT64.*carrying 127\.0\.0\.1/ },
  { url: 'https://[2002:7f00:1::]/hook', reason: /6to4.*carrying 127\.0\.0\.1/ },
  // Credentials: sent to the receiver and shown in logs; `a@b` tricks put the real host last.
  { url: 'https://user:secret@hooks.example.test/hook', reason: /credentials/ },
  { url: 'https://hooks.example.test@10.0.0.1/hook', reason: /credentials|private/ },
  { url: 'https://hooks.example.test:443@169.254.169.254/', reason: /credentials|metadata/ },
  { url: 'https://169.254.169.254#@hooks.example.test/', reason: /fragment|metadata/ },
  { url: 'https://10.0.0.1\\@hooks.example.test/', reason: /credentials|private/ },
  // DNS names whose answers include a forbidden address.
  { url: 'https://private.example.test/hook', reason: /resolves to 10\.0\.0\.5 is private/ },
  { url: 'https://metadata.example.test/hook', reason: /resolves to .*cloud metadata/ },
  { url: 'https://mapped.example.test/hook', reason: /resolves to .*IPv4-mapped/ },
  { url: 'https://unspecified.example.test/hook', reason: /resolves to .*unspecified/ },
  {
    url: 'https://mixed-metadata.example.test/hook',
    // The first answer is loopback (refused unless insecure); the second is refused either way.
    reason: /resolves to (127\.0\.0\.1 is loopback|169\.254\.169\.254 is cloud metadata)/,
  },
  { url: 'https://unknown.example.test/hook', reason: /could not be resolved \(ENOTFOUND\)/ },
];

/** Refused by default, allowed only by WEBHOOK_ALLOW_INSECURE_URLS (http and loopback). */
const LOOPBACK_OR_HTTP: Case[] = [
  { url: 'http://hooks.example.test/hook', reason: /scheme http: is not allowed/ },
  { url: `http://${PUBLIC_V4}/hook`, reason: /scheme http: is not allowed/ },
  { url: 'HTTP://hooks.example.test/hook', reason: /scheme http: is not allowed/ },
  { url: 'https://localhost/hook', reason: /localhost is a loopback name/ },
  { url: 'https://LOCALHOST:8443/hook', reason: /localhost is a loopback name/ },
  { url: 'https://hooks.localhost/hook', reason: /loopback name/ },
  { url: 'https://127.0.0.1/hook', reason: /127\.0\.0\.1 is loopback/ },
  { url: 'https://127.255.255.254/hook', reason: /loopback/ },
  { url: 'https://2130706433/hook', reason: /127\.0\.0\.1 is loopback/ }, // decimal
  { url: 'https://0177.0.0.1/hook', reason: /127\.0\.0\.1 is loopback/ }, // octal
  { url: 'https://017700000001/hook', reason: /127\.0\.0\.1 is loopback/ }, // octal, whole
  { url: 'https://0x7f.0.0.1/hook', reason: /127\.0\.0\.1 is loopback/ }, // hex
  { url: 'https://0x7f000001/hook', reason: /127\.0\.0\.1 is loopback/ }, // hex, whole
  { url: 'https://127.1/hook', reason: /127\.0\.0\.1 is loopback/ }, // short
  { url: 'https://127.0.1/hook', reason: /127\.0\.0\.1 is loopback/ },
  { url: 'https://[::1]/hook', reason: /::1 is loopback/ },
  { url: 'https://[0:0:0:0:0:0:0:1]/hook', reason: /::1 is loopback/ },
  { url: 'https://loopback.example.test/hook', reason: /resolves to 127\.0\.0\.1 is loopback/ },
  { url: 'https://loopback-alt.example.test/hook', reason: /resolves to 127\.0\.0\.2/ },
  { url: 'https://loopback6.example.test/hook', reason: /resolves to ::1 is loopback/ },
  { url: 'https://mixed.example.test/hook', reason: /resolves to 127\.0\.0\.1 is loopback/ },
];

async function register(
  gateway: TestGateway,
  token: string,
  url: string,
  eventTypes: string[] = ['connection.*'],
): Promise<request.Response> {
  const res = await request(gateway.url)
    .post('/v1/webhooks')
    .set('Authorization', `Bearer ${token}`)
    .send({ url, event_types: eventTypes });
  expectContract(res);
  return res;
}

/** The refusal as a comparable value, so a failing row names its URL. */
function refusal(url: string, res: request.Response): Record<string, unknown> {
  const errors = (res.body.errors ?? []) as Array<{ field: string; message: string }>;
  return {
    url,
    status: res.status,
    code: res.body.code,
    fields: errors.map((e) => e.field),
    message: errors[0]?.message ?? res.body.detail,
  };
}

async function expectRefused(gateway: TestGateway, token: string, cases: Case[]): Promise<void> {
  for (const { url, reason } of cases) {
    const res = await register(gateway, token, url);
    expect(refusal(url, res)).toEqual({
      url,
      status: 400,
      code: 'validation_failed',
      fields: ['url'],
      message: expect.stringMatching(reason),
    });
  }
}

async function endpointUrls(gateway: TestGateway, token: string): Promise<string[]> {
  const res = await request(gateway.url)
    .get('/v1/webhooks')
    .query({ limit: 100 })
    .set('Authorization', `Bearer ${token}`)
    .expect(200);
  expectContract(res);
  return (res.body.data as Array<{ url: string }>).map((e) => e.url).sort();
}

/** A TCP listener that counts connections and closes each at once (it speaks no TLS). */
interface CountingListener {
  host: string;
  connections: number;
  close(): Promise<void>;
}

async function listen(host: string, port: number): Promise<CountingListener> {
  const sockets = new Set<Socket>();
  const listener: CountingListener = {
    host,
    connections: 0,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((socket) => {
    listener.connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return listener;
}

interface DeliveryView {
  id: string;
  event_type: string;
  status: string;
  attempt_log: Array<{ status_code: number | null; error: string | null }>;
}

async function deliveries(
  gateway: TestGateway,
  token: string,
  endpointId: string,
): Promise<DeliveryView[]> {
  const res = await request(gateway.url)
    .get(`/v1/webhooks/${endpointId}/deliveries`)
    .set('Authorization', `Bearer ${token}`)
    .expect(200);
  expectContract(res);
  return res.body.data as DeliveryView[];
}

/** Polls until every endpoint has a delivery with at least one logged attempt (bounded). */
async function firstAttempts(
  gateway: TestGateway,
  token: string,
  endpointIds: string[],
  timeoutMs = 20_000,
): Promise<Map<string, DeliveryView>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = new Map<string, DeliveryView>();
    for (const id of endpointIds) {
      const attempted = (await deliveries(gateway, token, id)).find(
        (d) => d.attempt_log.length > 0,
      );
      if (attempted) found.set(id, attempted);
    }
    if (found.size === endpointIds.length) return found;
    if (Date.now() > deadline) {
      throw new Error(`only ${found.size} of ${endpointIds.length} endpoints saw an attempt`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('hostile webhook URLs (e2e: in-process gateways, real listeners on loopback)', () => {
  let sandbox: RunningSandbox;
  let secure: TestGateway;
  let insecure: TestGateway;
  let secureResolver: FakeResolver;
  let insecureResolver: FakeResolver;
  let secureApp: TestApplication;
  let secureToken: string;
  let insecureToken: string;

  beforeAll(async () => {
    sandbox = await startTestSandbox({ employees: 3, absencesPerEmployee: 0 });
    const common = {
      ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      PERSONIO_BASE_URL: sandbox.url,
      SYNC_TICK_MS: '100',
      WEBHOOK_TICK_MS: '50',
      WEBHOOK_TIMEOUT_MS: '2000',
    };
    // No WEBHOOK_ALLOW_INSECURE_URLS here: the default is what is under test.
    secure = await startTestGateway(common);
    insecure = await startTestGateway({ ...common, WEBHOOK_ALLOW_INSECURE_URLS: 'true' });
    secureResolver = fakeResolver({ ...HOSTILE_NAMES, ...FRIENDLY_NAMES });
    insecureResolver = fakeResolver({ ...HOSTILE_NAMES, ...FRIENDLY_NAMES });
    secure.app.get(WebhookSender).lookup = secureResolver.lookup;
    insecure.app.get(WebhookSender).lookup = insecureResolver.lookup;
    secureApp = await createApplication(secure, { name: 'Hostile URLs' });
    secureToken = await accessToken(secure, secureApp);
    insecureToken = await accessToken(
      insecure,
      await createApplication(insecure, { name: 'Hostile URLs (insecure)' }),
    );
  });
  afterAll(async () => {
    await secure?.close();
    await insecure?.close();
    await sandbox?.close();
  });

  describe('at registration, default config', () => {
    it('has the insecure switch off when WEBHOOK_ALLOW_INSECURE_URLS is unset', () => {
      expect(secure.app.get(AppConfig).webhooks.allowInsecureUrls).toBe(false);
      expect(insecure.app.get(AppConfig).webhooks.allowInsecureUrls).toBe(true);
    });

    it('refuses http, loopback in every spelling, private, metadata, CGNAT, IPv6 and mapped forms, other schemes and credentials', async () => {
      await expectRefused(secure, secureToken, [...LOOPBACK_OR_HTTP, ...ALWAYS_REFUSED]);
      // The names were judged by the test's resolver, i.e. by their DNS answers.
      expect(secureResolver.asked).toEqual(
        expect.arrayContaining(['loopback.example.test', 'mapped.example.test']),
      );
      expect(await endpointUrls(secure, secureToken)).toEqual([]);
    });

    it('accepts https to a name with public answers and to a public literal (the table is not refusing everything)', async () => {
      const byName = await register(secure, secureToken, 'https://hooks.example.test/ok');
      expect(byName.status).toBe(201);
      const byLiteral = await register(secure, secureToken, `https://${PUBLIC_V4}:8443/ok`);
      expect(byLiteral.status).toBe(201);
      expect(await endpointUrls(secure, secureToken)).toEqual([
        'https://93.184.216.34:8443/ok',
        'https://hooks.example.test/ok',
      ]);
      for (const res of [byName, byLiteral]) {
        const removed = await request(secure.url)
          .delete(`/v1/webhooks/${res.body.id as string}`)
          .set('Authorization', `Bearer ${secureToken}`)
          .expect(204);
        expectContract(removed);
      }
    });

    it('refuses a hostile URL on PATCH as well', async () => {
      const created = await register(secure, secureToken, 'https://hooks.example.test/patch');
      expect(created.status).toBe(201);
      for (const url of ['https://loopback.example.test/', 'https://[::ffff:7f00:1]/']) {
        const res = await request(secure.url)
          .patch(`/v1/webhooks/${created.body.id as string}`)
          .set('Authorization', `Bearer ${secureToken}`)
          .send({ url });
        expectContract(res);
        expect(refusal(url, res)).toMatchObject({ status: 400, fields: ['url'] });
      }
      const removed = await request(secure.url)
        .delete(`/v1/webhooks/${created.body.id as string}`)
        .set('Authorization', `Bearer ${secureToken}`)
        .expect(204);
      expectContract(removed);
    });
  });

  describe('at registration, WEBHOOK_ALLOW_INSECURE_URLS=true', () => {
    it('accepts http and loopback receivers', async () => {
      const accepted = [
        'http://127.0.0.1:9/hook',
        'http://2130706433:9/decimal',
        'http://0x7f.1:9/hex',
        'http://localhost:9/hook',
        'http://[::1]:9/hook',
        'https://loopback.example.test/hook',
        'http://loopback-alt.example.test:9/hook',
        'http://hooks.example.test/hook',
      ];
      for (const url of accepted) {
        const res = await register(insecure, insecureToken, url);
        expect({ url, status: res.status }).toEqual({ url, status: 201 });
      }
      // Stored in the form the parser gave it: the spelling tricks become plain 127.0.0.1.
      expect(await endpointUrls(insecure, insecureToken)).toEqual(
        [
          'http://127.0.0.1:9/decimal',
          'http://127.0.0.1:9/hex',
          'http://127.0.0.1:9/hook',
          'http://[::1]:9/hook',
          'http://hooks.example.test/hook',
          'http://localhost:9/hook',
          'http://loopback-alt.example.test:9/hook',
          'https://loopback.example.test/hook',
        ].sort(),
      );
    });

    it('still refuses private, metadata, CGNAT, unspecified, IPv6 non-loopback and IPv4-mapped forms, and other schemes', async () => {
      await expectRefused(insecure, insecureToken, ALWAYS_REFUSED);
    });
  });

  describe('at send time (DNS rebinding)', () => {
    let listeners: CountingListener[] = [];
    let port = 0;

    beforeAll(async () => {
      const opened = await loopbackListenersOnOnePort();
      listeners = opened.listeners;
      port = opened.port;
    });
    afterAll(async () => {
      await Promise.all(listeners.map((l) => l.close()));
    });

    it('refuses before connecting when a registered name now answers with a loopback form; no listener sees a connection', async () => {
      const token = await accessToken(
        secure,
        await createApplication(secure, { name: 'Rebinding' }),
      );
      // Public at registration...
      const rebound: Record<string, Answer[]> = {
        'rebind-v4.example.test': [v4('127.0.0.1')],
        'rebind-alt.example.test': [v4('127.0.0.2')],
        'rebind-v6.example.test': [v6('::1')],
        'rebind-mapped.example.test': [v6('::ffff:127.0.0.1')],
        'rebind-zero.example.test': [v4('0.0.0.0')],
        'rebind-metadata.example.test': [v4('169.254.169.254')],
        'rebind-mixed.example.test': [v4(PUBLIC_V4), v4('127.0.0.1')],
      };
      const endpoints = new Map<string, string>();
      for (const host of Object.keys(rebound)) {
        secureResolver.answers.set(host, [v4(PUBLIC_V4)]);
        const res = await register(secure, token, `https://${host}:${port}/hook`);
        expect({ host, status: res.status }).toEqual({ host, status: 201 });
        endpoints.set(res.body.id as string, host);
      }
      // ...loopback (or metadata) once events flow.
      for (const [host, answers] of Object.entries(rebound)) {
        secureResolver.answers.set(host, answers);
      }
      const askedBefore = secureResolver.asked.length;

      await connectThroughLink(secure, token, sandbox.credentials[0]!);
      const attempted = await firstAttempts(secure, token, [...endpoints.keys()]);

      for (const [endpointId, delivery] of attempted) {
        const host = endpoints.get(endpointId)!;
        const [first] = delivery.attempt_log;
        expect({ host, status_code: first?.status_code, error: first?.error }).toEqual({
          host,
          status_code: null,
          error: expect.stringMatching(/^refused before connecting: /),
        });
        expect(first?.error).toContain(`${host} resolves to ${rebound[host]!.at(-1)!.address}`);
        expect(delivery.status).toBe('pending');
      }
      // The refusal came from asking DNS again for each name at send time.
      expect(secureResolver.asked.slice(askedBefore)).toEqual(
        expect.arrayContaining(Object.keys(rebound)),
      );
      expect(listeners.map((l) => [l.host, l.connections])).toEqual([
        ['127.0.0.1', 0],
        ['127.0.0.2', 0],
        ['::1', 0],
      ]);

      // A manual retry is refused the same way, and still connects nowhere.
      const [endpointId, delivery] = [...attempted][0]!;
      const retried = await request(secure.url)
        .post(`/v1/webhooks/${endpointId}/deliveries/${delivery.id}/retry`)
        .set('Authorization', `Bearer ${token}`);
      expectContract(retried);
      expect([202, 409]).toContain(retried.status);
      const deadline = Date.now() + 10_000;
      let log: DeliveryView['attempt_log'] = [];
      while (Date.now() < deadline) {
        log = (await deliveries(secure, token, endpointId)).find(
          (d) => d.id === delivery.id,
        )!.attempt_log;
        if (log.length >= 2) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(log.map((a) => a.error?.startsWith('refused before connecting: '))).toEqual([
        true,
        true,
      ]);
      expect(listeners.map((l) => l.connections)).toEqual([0, 0, 0]);
    });

    it('control: where loopback is allowed, the same kind of name does reach the listeners (they count)', async () => {
      const token = await accessToken(
        insecure,
        await createApplication(insecure, { name: 'Listener control' }),
      );
      const targets: Record<string, Answer[]> = {
        'control-v4.example.test': [v4('127.0.0.1')],
        'control-alt.example.test': [v4('127.0.0.2')],
        'control-v6.example.test': [v6('::1')],
      };
      const ids: string[] = [];
      for (const [host, answers] of Object.entries(targets)) {
        insecureResolver.answers.set(host, answers);
        const res = await register(insecure, token, `https://${host}:${port}/hook`);
        expect({ host, status: res.status }).toEqual({ host, status: 201 });
        ids.push(res.body.id as string);
      }
      await connectThroughLink(insecure, token, sandbox.credentials[0]!);
      const attempted = await firstAttempts(insecure, token, ids);
      for (const delivery of attempted.values()) {
        // The listeners close every connection at once, so the attempt fails, but after connecting.
        expect(delivery.attempt_log[0]?.error).not.toMatch(/^refused before connecting/);
      }
      expect(listeners.map((l) => [l.host, l.connections > 0])).toEqual([
        ['127.0.0.1', true],
        ['127.0.0.2', true],
        ['::1', true],
      ]);
    });
  });
});

/** Listeners at 127.0.0.1, 127.0.0.2 and ::1 on one port (retrying until one is free on all). */
async function loopbackListenersOnOnePort(): Promise<{
  port: number;
  listeners: CountingListener[];
}> {
  for (let tries = 0; tries < 20; tries++) {
    const probe = createServer();
    const port = await new Promise<number>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen(0, '127.0.0.1', () => resolve((probe.address() as { port: number }).port));
    });
    await new Promise((resolve) => probe.close(resolve));
    const opened: CountingListener[] = [];
    try {
      for (const host of ['127.0.0.1', '127.0.0.2', '::1']) opened.push(await listen(host, port));
      return { port, listeners: opened };
    } catch {
      await Promise.all(opened.map((l) => l.close()));
    }
  }
  throw new Error('no port free on 127.0.0.1, 127.0.0.2 and ::1');
}
