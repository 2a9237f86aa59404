/**
 * The `hris-gateway` CLI against a real gateway (in-process, own database) and the Personio
 * sandbox: every command once with a good and a bad argument, asserting what a user reads and
 * the exit code. Most runs call runCli in-process with captured streams; one test runs the
 * real entry point as a child process to prove exit codes and stream separation.
 */
import { join } from 'node:path';
import request from 'supertest';
import { type RunningSandbox } from '../../connectors/personio/sandbox';
import { runCli } from '../../src/cli/cli';
import { accessToken, createApplication, TEST_ADMIN_TOKEN } from '../support/auth';
import { freePort } from '../support/global-setup';
import { startTestGateway, TEST_VAULT_KEYS, type TestGateway } from '../support/gateway';
import { spawnTypeScript } from '../support/process';
import { startTestSandbox } from '../support/sandbox';
import { connectThroughLink, query, waitForLatestRun } from '../support/sync';

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The real entry point, compiled on the fly. */
function spawnCli(args: string[], env: Record<string, string>): Promise<CliRun> {
  const child = spawnTypeScript(join('src', 'cli', 'main.ts'), env, args);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve) =>
    child.once('close', (code) => resolve({ code: code ?? -1, stdout, stderr })),
  );
}

describe('hris-gateway CLI (e2e)', () => {
  let sandbox: RunningSandbox;
  let gateway: TestGateway;
  /** Credentials of an application with every scope, as HRIS_CLIENT_ID/HRIS_CLIENT_SECRET. */
  let appEnv: Record<string, string>;
  let token: string;
  let connectionId: string;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    gateway = await startTestGateway({
      ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      PERSONIO_BASE_URL: sandbox.url,
      SYNC_TICK_MS: '100',
      WEBHOOK_ALLOW_INSECURE_URLS: 'true',
    });
    const app = await createApplication(gateway, { name: 'CLI user' });
    appEnv = { HRIS_CLIENT_ID: app.clientId, HRIS_CLIENT_SECRET: app.clientSecret };
    token = await accessToken(gateway, app);
    connectionId = await connectThroughLink(gateway, token, sandbox.credentials[0]!, {
      customer_ref: 'acme-cli',
    });
    await waitForLatestRun(gateway, token, connectionId);
  });
  afterAll(async () => {
    await gateway?.close();
    await sandbox?.close();
  });

  /** Runs the CLI in-process; the environment holds only what the test gives it. */
  async function cli(
    args: string[],
    env: Record<string, string> = {},
    options: { tty?: boolean } = {},
  ): Promise<CliRun> {
    let stdout = '';
    let stderr = '';
    const code = await runCli(args, {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text), isTTY: options.tty ?? false },
      env: { HRIS_GATEWAY_URL: gateway.url, ...env },
    });
    return { code, stdout, stderr };
  }
  const admin = { HRIS_ADMIN_TOKEN: TEST_ADMIN_TOKEN };

  it('answers --help and refuses unknown commands and flags with usage (exit 2)', async () => {
    const help = await cli(['--help']);
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toContain('sync run');
    expect(help.stdout).toContain('Exit codes: 0 done, 1 the operation failed, 2 bad usage.');

    const unknown = await cli(['payroll', 'run']);
    expect(unknown).toMatchObject({ code: 2, stdout: '' });
    expect(unknown.stderr).toContain("unknown command 'payroll'");
    expect(unknown.stderr).toContain('Commands: applications, links, connections, sync');

    const noAction = await cli(['connections']);
    expect(noAction.code).toBe(2);
    expect(noAction.stderr).toContain("'connections' needs an action");
    expect(noAction.stderr).toContain('connections show');

    const commandHelp = await cli(['webhooks', 'replay', '--help']);
    expect(commandHelp.code).toBe(0);
    expect(commandHelp.stdout).toContain(
      'Usage: hris-gateway webhooks replay <webhook-id> [options]',
    );
    expect(commandHelp.stdout).toContain('--after <sequence>');

    const closedPort = await freePort();
    const unreachable = await cli(
      ['applications', 'list', '--url', `http://127.0.0.1:${closedPort}`],
      admin,
    );
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain(
      `cannot reach the gateway at http://127.0.0.1:${closedPort} (ECONNREFUSED). Is it running?`,
    );
    const notUrl = await cli(['applications', 'list', '--url', 'localhost:3000'], admin);
    expect(notUrl.code).toBe(2);
    expect(notUrl.stderr).toContain(
      "the gateway URL must start with http:// or https://, not 'localhost:'",
    );
  });

  it('applications create, list and rotate-secret; the secret is printed only by create and rotate', async () => {
    const created = await cli(
      [
        'applications',
        'create',
        '--name',
        'Expense tool',
        '--scope',
        'connections:write,sync:write',
      ],
      admin,
    );
    expect(created.code).toBe(0);
    const secret = /client_secret:\s+(\S+)/.exec(created.stdout)?.[1];
    const id = /^id:\s+(\S+)/m.exec(created.stdout)?.[1];
    expect(secret).toBeDefined();
    expect(created.stdout).toContain('Created application "Expense tool".');
    expect(created.stdout).toContain('scopes:        connections:write sync:write');
    expect(created.stdout).toContain('shown this once');

    const listed = await cli(['applications', 'list'], admin);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^ID\s+NAME\s+CLIENT ID\s+STATUS\s+SCOPES$/m);
    expect(listed.stdout).toMatch(new RegExp(`^${id}\\s+Expense tool\\s+app_\\S+\\s+active`, 'm'));
    expect(listed.stdout).not.toContain(secret);

    const json = await cli(['applications', 'list', '--json', '--limit', '1'], admin);
    const page = JSON.parse(json.stdout) as { data: Array<{ id: string }>; next_cursor: string };
    expect(page.data.map((a) => a.id)).toEqual([id]);
    expect(page.next_cursor).toEqual(expect.any(String));

    const rotated = await cli(['applications', 'rotate-secret', id!, '--json'], admin);
    expect(rotated.code).toBe(0);
    const body = JSON.parse(rotated.stdout) as { id: string; client_secret: string };
    expect(body.id).toBe(id);
    expect(body.client_secret).not.toBe(secret);

    // The old secret no longer gets a token; the message says why and names the variables.
    const clientId = /client_id:\s+(\S+)/.exec(created.stdout)?.[1] ?? '';
    const stale = await cli(['connections', 'list'], {
      HRIS_CLIENT_ID: clientId,
      HRIS_CLIENT_SECRET: secret!,
    });
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain(
      'getting an access token for the application failed: invalid_client (401)',
    );
    expect(stale.stderr).toContain('check HRIS_CLIENT_ID and HRIS_CLIENT_SECRET');
    expect(stale.stderr).not.toContain(secret);
  });

  it('applications: bad arguments are usage errors, refused values show the problem', async () => {
    const noName = await cli(['applications', 'create', '--scope', 'all'], admin);
    expect(noName.code).toBe(2);
    expect(noName.stderr).toContain('missing --name');
    expect(noName.stderr).toContain('Usage: hris-gateway applications create [options]');

    const badScope = await cli(
      ['applications', 'create', '--name', 'X', '--scope', 'payroll:write'],
      admin,
    );
    expect(badScope.code).toBe(1);
    expect(badScope.stderr).toMatch(/^error: .+ \(400\) \[validation_failed\]$/m);
    expect(badScope.stderr).toContain(
      '  - body.scopes: each scope must be one of: connections:write,',
    );

    const noId = await cli(['applications', 'rotate-secret'], admin);
    expect(noId.code).toBe(2);
    expect(noId.stderr).toContain('missing argument <application-id>');

    const unknownId = await cli(
      ['applications', 'rotate-secret', '00000000-0000-4000-8000-000000000000', '--json'],
      admin,
    );
    expect(unknownId.code).toBe(1);
    expect(unknownId.stderr).toContain('(404) [not_found]');
    expect(JSON.parse(unknownId.stdout)).toMatchObject({ status: 404, code: 'not_found' });

    const noToken = await cli(['applications', 'list']);
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain('needs the admin token: set HRIS_ADMIN_TOKEN');

    const wrongToken = await cli(['applications', 'list'], {
      HRIS_ADMIN_TOKEN: 'not-the-admin-token-but-long-enough',
    });
    expect(wrongToken.code).toBe(1);
    expect(wrongToken.stderr).toContain('(401)');
    expect(wrongToken.stderr).toContain("check HRIS_ADMIN_TOKEN: it must equal the gateway's");
    expect(wrongToken.stderr).not.toContain('not-the-admin-token');
  });

  it('links create makes a connect link for a customer; bad values are refused', async () => {
    const created = await cli(
      ['links', 'create', '--customer-ref', 'globex', '--settings', '{"schedule":"PT1H"}'],
      appEnv,
    );
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(new RegExp(`^link:\\s+${gateway.url}/connect/\\S+$`, 'm'));
    const linkConnection = /^connection:\s+(\S+)$/m.exec(created.stdout)?.[1];
    const [row] = await query<{ customer_ref: string; status: string }>(
      gateway,
      'SELECT customer_ref, status FROM connections WHERE id = $1',
      [linkConnection],
    );
    expect(row).toEqual({ customer_ref: 'globex', status: 'pending' });

    const nobody = await cli(['links', 'create'], appEnv);
    expect(nobody.code).toBe(2);
    expect(nobody.stderr).toContain('name the customer with --customer-ref');

    const shortLived = await cli(
      ['links', 'create', '--customer-ref', 'x', '--expires-in', '10'],
      appEnv,
    );
    expect(shortLived.code).toBe(2);
    expect(shortLived.stderr).toContain('--expires-in must be between 300 and 2592000');

    const notJson = await cli(
      ['links', 'create', '--customer-ref', 'x', '--settings', '{'],
      appEnv,
    );
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toContain('--settings must be a JSON object');

    const badSchedule = await cli(
      ['links', 'create', '--customer-ref', 'x', '--settings', '{"schedule":"sometimes"}'],
      appEnv,
    );
    expect(badSchedule.code).toBe(1);
    expect(badSchedule.stderr).toContain('body.settings.schedule');

    const noCredentials = await cli(['links', 'create', '--customer-ref', 'x'], {
      HRIS_CLIENT_ID: appEnv.HRIS_CLIENT_ID!,
    });
    expect(noCredentials.code).toBe(2);
    expect(noCredentials.stderr).toContain(
      "needs the application's credentials: set HRIS_CLIENT_SECRET",
    );
  });

  it('connections list and show; an unknown id and a bad filter are reported', async () => {
    const listed = await cli(['connections', 'list', '--status', 'connected'], appEnv);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^ID\s+CUSTOMER\s+STATUS\s+LAST SYNCED\s+NEXT SYNC\s+FAILURES$/m);
    expect(listed.stdout).toMatch(
      new RegExp(`^${connectionId}\\s+acme-cli\\s+connected\\s+\\d{4}-`, 'm'),
    );
    expect(listed.stdout).not.toContain('globex'); // pending, filtered out

    const shown = await cli(['connections', 'show', connectionId], appEnv);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('customer:          acme-cli');
    expect(shown.stdout).toContain('credentials:       stored');
    expect(shown.stdout).toMatch(/^settings:\n {2}\{/m);

    const json = await cli(['connections', 'show', connectionId, '--json'], appEnv);
    expect(JSON.parse(json.stdout)).toMatchObject({ id: connectionId, status: 'connected' });

    const unknown = await cli(
      ['connections', 'show', '00000000-0000-4000-8000-000000000000'],
      appEnv,
    );
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('(404) [not_found]');

    const badStatus = await cli(['connections', 'list', '--status', 'sleeping'], appEnv);
    expect(badStatus.code).toBe(1);
    expect(badStatus.stderr).toContain('query.status');

    const missing = await cli(['connections', 'show'], appEnv);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('missing argument <connection-id>');
  });

  it('sync run follows a run to success with a progress bar on a terminal', async () => {
    const run = await cli(
      ['sync', 'run', connectionId, '--poll-ms', '50', '--actor-name', 'Ops'],
      appEnv,
      {
        tty: true,
      },
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^Queued run [0-9a-f-]{36}\.$/m);
    // Redrawn in place: carriage return, erase line, then the bar; full once the run ended.
    expect(run.stderr).toContain('\r\x1b[2K[');
    expect(run.stderr).toContain(`[${'#'.repeat(24)}] succeeded: `);
    expect(run.stdout).toMatch(/^Run [0-9a-f-]{36} succeeded after \d+\.\d s\.$/m);
    expect(run.stdout).toMatch(/^employees\s+0\s+0\s+0\s+40$/m);
    expect(run.stdout).toMatch(/^Personio requests: \d+ made, 0 retried, 0 throttled$/m);
  });

  it('sync run exits 1 with the reason when the run fails, with plain progress lines off a terminal', async () => {
    for (const path of ['/v1/company/employees*', '/v2/persons*']) {
      sandbox.control.addFault({ kind: 'status', status: 400, times: 0, path });
    }
    try {
      const run = await cli(['sync', 'run', connectionId, '--poll-ms', '50', '--json'], appEnv);
      expect(run.code).toBe(1);
      expect(run.stderr).not.toContain('\r');
      expect(run.stderr).toMatch(/^failed: \d+ pages?, \d+ records? read$/m);
      expect(run.stderr).toMatch(/^error: sync run [0-9a-f-]{36} failed: bad_response: /m);
      expect(JSON.parse(run.stdout)).toMatchObject({
        status: 'failed',
        connection_id: connectionId,
        error: { code: 'bad_response' },
      });
    } finally {
      sandbox.control.clearFaults();
    }

    const missing = await cli(['sync', 'run'], appEnv);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('missing argument <connection-id>');
    const tooFast = await cli(['sync', 'run', connectionId, '--poll-ms', '5'], appEnv);
    expect(tooFast.code).toBe(2);
    expect(tooFast.stderr).toContain('--poll-ms must be between 50 and 60000');
    const unknown = await cli(['sync', 'run', '00000000-0000-4000-8000-000000000000'], appEnv);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('(404) [not_found]');
  });

  it('runs list shows the connection runs newest first with trigger, status and error', async () => {
    const listed = await cli(['runs', 'list', '--connection', connectionId], appEnv);
    expect(listed.code).toBe(0);
    const lines = listed.stdout.trim().split('\n');
    expect(lines[0]).toMatch(
      /^ID\s+CONNECTION\s+TRIGGER\s+STATUS\s+QUEUED\s+DURATION\s+CHANGES\s+ERROR$/,
    );
    expect(lines.slice(1).map((line) => line.split(/\s+/).slice(2, 4))).toEqual([
      ['manual', 'failed'],
      ['manual', 'succeeded'],
      ['connect', 'succeeded'],
    ]);
    expect(lines[1]).toMatch(/bad_response$/);

    const json = await cli(
      ['runs', 'list', '--connection', connectionId, '--status', 'failed', '--json'],
      appEnv,
    );
    const page = JSON.parse(json.stdout) as { data: Array<{ status: string }> };
    expect(page.data.map((r) => r.status)).toEqual(['failed']);

    const badLimit = await cli(['runs', 'list', '--limit', '0'], appEnv);
    expect(badLimit.code).toBe(2);
    expect(badLimit.stderr).toContain('--limit must be between 1 and 500');
    const badStatus = await cli(['runs', 'list', '--status', 'sleeping'], appEnv);
    expect(badStatus.code).toBe(1);
    expect(badStatus.stderr).toContain('query.status');
  });

  it('webhooks list and replay queue a connection stream again; bad arguments are refused', async () => {
    const created = await request(gateway.url)
      .post('/v1/webhooks')
      .set('Authorization', `Bearer ${token}`)
      .send({
        url: 'http://127.0.0.1:9/hooks',
        event_types: ['connection.*'],
        connection_ids: [connectionId],
      })
      .expect(201);
    const webhookId = (created.body as { id: string }).id;

    const listed = await cli(['webhooks', 'list'], appEnv);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(
      new RegExp(
        `^${webhookId}\\s+http://127\\.0\\.0\\.1:9/hooks\\s+enabled\\s+-\\s+1\\s+connection\\.\\*$`,
        'm',
      ),
    );

    const [events] = await query<{ n: string }>(
      gateway,
      `SELECT count(*) AS n FROM events WHERE connection_id = $1 AND type LIKE 'connection.%'`,
      [connectionId],
    );
    expect(Number(events!.n)).toBeGreaterThanOrEqual(3); // connected, sync_completed, sync_failed
    const replayed = await cli(
      ['webhooks', 'replay', webhookId, '--after', '0', '--connection', connectionId],
      appEnv,
    );
    expect(replayed.code).toBe(0);
    expect(replayed.stdout).toMatch(
      new RegExp(
        `^Queued ${events!.n} deliveries from connection ${connectionId} up to sequence \\d+\\.$`,
        'm',
      ),
    );
    const [row] = await query<{ n: string }>(
      gateway,
      'SELECT count(*) AS n FROM webhook_deliveries WHERE endpoint_id = $1',
      [webhookId],
    );
    expect(Number(row!.n)).toBeGreaterThanOrEqual(Number(events!.n));

    const noAfter = await cli(['webhooks', 'replay', webhookId], appEnv);
    expect(noAfter.code).toBe(2);
    expect(noAfter.stderr).toContain('missing --after <sequence>');
    const badAfter = await cli(['webhooks', 'replay', webhookId, '--after', 'yesterday'], appEnv);
    expect(badAfter.code).toBe(2);
    expect(badAfter.stderr).toContain("--after must be a whole number, not 'yesterday'");
    const unknown = await cli(
      ['webhooks', 'replay', '00000000-0000-4000-8000-000000000000', '--after', '0'],
      appEnv,
    );
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('(404) [not_found]');
  });

  it('signing-key rotate publishes a new key; extra arguments are refused', async () => {
    const rotated = await cli(['signing-key', 'rotate', '--json'], admin);
    expect(rotated.code).toBe(0);
    const { kid } = JSON.parse(rotated.stdout) as { kid: string };
    const jwks = await request(gateway.url).get('/.well-known/jwks.json').expect(200);
    expect((jwks.body as { keys: Array<{ kid: string }> }).keys.map((k) => k.kid)).toContain(kid);

    const human = await cli(['signing-key', 'rotate'], admin);
    expect(human.stdout).toMatch(/^Signing access tokens with key \S+\.$/m);
    expect(human.stdout).toContain(`Retired (still verifying until their tokens expire): ${kid}`);

    const extra = await cli(['signing-key', 'rotate', 'now'], admin);
    expect(extra.code).toBe(2);
    expect(extra.stderr).toContain("unexpected argument 'now'");
  });

  it('as a process: exits 0, 1 and 2 and keeps results on stdout, messages on stderr', async () => {
    const env = { HRIS_GATEWAY_URL: gateway.url, HRIS_ADMIN_TOKEN: TEST_ADMIN_TOKEN };
    const [ok, failed, usage] = await Promise.all([
      spawnCli(['applications', 'create', '--name', 'Spawned', '--scope', 'all', '--json'], env),
      spawnCli(['applications', 'rotate-secret', '00000000-0000-4000-8000-000000000000'], env),
      spawnCli(['applications', 'list', '--colour'], env),
    ]);
    expect(ok).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(ok.stdout)).toMatchObject({ name: 'Spawned', status: 'active' });
    expect(failed).toMatchObject({ code: 1, stdout: '' });
    expect(failed.stderr).toContain('(404) [not_found]');
    expect(usage).toMatchObject({ code: 2, stdout: '' });
    expect(usage.stderr).toContain("Unknown option '--colour'");
  });

  // Last: after it, the stored secrets are sealed with a key this test gateway does not hold.
  it('vault rotate re-seals every stored secret with the new first key', async () => {
    const newKey = `cli2:${Buffer.alloc(32, 2).toString('base64')}`;
    const vaultEnv = {
      NODE_ENV: 'test',
      DATABASE_URL: gateway.database.url,
      VAULT_KEYS: `${newKey},${TEST_VAULT_KEYS}`,
    };
    const badKeys = await cli(['vault', 'rotate'], { ...vaultEnv, VAULT_KEYS: 'cli2:short' });
    expect(badKeys.code).toBe(1);
    expect(badKeys.stderr).toContain('VAULT_KEYS=(value hidden)');

    const notGateway = await cli(['vault', 'rotate', '--url', gateway.url], vaultEnv);
    expect(notGateway.code).toBe(2);
    expect(notGateway.stderr).toContain("Unknown option '--url'");

    const rotated = await cli(['vault', 'rotate'], vaultEnv);
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toMatch(
      /^Re-sealed [1-9]\d* values with key cli2 .*; 0 still on an old key\.$/m,
    );
    expect(rotated.stdout).not.toContain(newKey.slice(5));
    const stale = await query<{ n: string }>(
      gateway,
      `SELECT count(*) AS n FROM connections WHERE credentials IS NOT NULL AND credentials NOT LIKE 'sv1.cli2.%'`,
    );
    expect(stale).toEqual([{ n: '0' }]);

    const again = await cli(['vault', 'rotate', '--json'], vaultEnv);
    expect(JSON.parse(again.stdout)).toMatchObject({ active_key: 'cli2', resealed: 0, stale: 0 });
  });
});
