/**
 * `npm start` with no configuration, driven the way a newcomer follows it: the real entry point
 * in its own process (embedded PostgreSQL in a fresh data folder, the built-in sandbox), then
 * the printed quick start step by step: the connect link with the printed Personio credentials,
 * `npm run demo:receiver` with the printed secret, and the printed shell commands run by bash.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openLink, submitLink } from '../support/connect-page';
import { freePorts } from '../support/global-setup';
import { spawnGateway, type GatewayProcess } from '../support/process';

const ROOT = join(__dirname, '..', '..');
const run = promisify(execFile);

async function until<T>(what: string, check: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const line = (text: string, pattern: RegExp): string | undefined => pattern.exec(text)?.[1];

describe('the demo on npm start (e2e, its own process and database)', () => {
  let dataDir: string;
  let gateway: GatewayProcess;
  let receiver: ChildProcess | undefined;
  let receiverOutput = '';

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'hris-demo-'));
    // mkdtemp makes it owner-only; as root, the embedded PostgreSQL runs as "postgres".
    await chmod(dataDir, 0o755);
  });
  afterAll(async () => {
    receiver?.kill('SIGTERM');
    if (gateway && gateway.child.exitCode === null) {
      gateway.child.kill('SIGTERM');
      await gateway.exited;
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  it('prints a quick start that reaches a listed employee and a verified webhook', async () => {
    const [port, pgPort, sandboxPort, receiverPort] = await freePorts(4);
    gateway = spawnGateway({
      DATA_DIR: dataDir,
      PORT: String(port),
      EMBEDDED_POSTGRES_PORT: String(pgPort),
      DEMO_SANDBOX_PORT: String(sandboxPort),
      DEMO_RECEIVER_PORT: String(receiverPort),
      LOG_LEVEL: 'warn',
    });
    const printed = await until(
      'the quick start',
      () => (gateway.output().includes('Metrics:') ? gateway.output() : undefined),
      90_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; the gateway printed:\n${gateway.output().slice(-3000)}`);
    });
    expect(printed).toContain(`HRIS Gateway demo is running on http://localhost:${port}`);
    const connectUrl = line(printed, /open\s+(\S+\/connect\/\S+)/)!;
    const clientId = line(printed, /Client ID\s+(\S+)/)!;
    const clientSecret = line(printed, /Client secret\s+(\S+)/)!;
    const secret = line(printed, /WEBHOOK_SECRET='([^']+)' npm run demo:receiver/)!;
    const shell = printed
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.startsWith('TOKEN=$(') || l.startsWith('curl '));
    expect(shell).toHaveLength(3);

    // Step 2 first, so the receiver hears the connection's first events.
    receiver = spawn(process.execPath, ['scripts/demo-receiver.mjs'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        WEBHOOK_SECRET: secret,
        DEMO_RECEIVER_PORT: String(receiverPort),
      },
    });
    receiver.stdout?.on('data', (chunk: Buffer) => (receiverOutput += chunk.toString('utf8')));
    await until(
      'the receiver',
      () => (receiverOutput.includes('listening') ? true : undefined),
      10_000,
    );

    // Step 1: the admin opens the link and pastes the printed credentials.
    const form = await openLink(connectUrl);
    const connected = await submitLink(connectUrl, form, { clientId, clientSecret });
    expect(connected.status).toBe(200);
    expect(connected.text).toMatch(/connected/i);

    // The first sync runs; its completion reaches the receiver, verified.
    await until(
      'a verified sync_completed',
      () => (receiverOutput.includes('verified connection.sync_completed') ? true : undefined),
      60_000,
    );
    expect(receiverOutput).toContain('verified connection.connected #1');
    expect(receiverOutput).not.toContain('REJECTED');

    // Step 3: the printed commands, as printed.
    // curl prints no trailing newline: an echo between the two reads keeps them apart.
    const script = ['set -e', shell[0], shell[1], 'echo', shell[2]].join('\n');
    const { stdout } = await run('bash', ['-c', script], {
      timeout: 30_000,
    });
    const [employees, absences] = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { data: Array<Record<string, unknown>> });
    expect(employees?.data).toHaveLength(3);
    expect(employees?.data[0]).toEqual(
      expect.objectContaining({ id: expect.any(String), display_name: expect.any(String) }),
    );
    expect(Array.isArray(absences?.data)).toBe(true);

    gateway.child.kill('SIGTERM');
    expect(await gateway.exited).toBe(0);
  }, 150_000);
});
