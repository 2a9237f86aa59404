/**
 * Several real gateway processes (src/main.ts, as `npm start` runs it) on one PostgreSQL
 * database, the way replicas run: for tests of what only separate processes prove (exactly-once
 * claims, SIGKILL mid-work). Every process is recorded in `running` so afterAll can stop it.
 */
import { type RunningSandbox } from '../../connectors/personio/sandbox';
import { TEST_ADMIN_TOKEN } from './auth';
import { type TestDatabase } from './database';
import { TEST_VAULT_KEYS, type TestGateway } from './gateway';
import { freePorts } from './global-setup';
import { spawnGateway, waitForReady, type GatewayProcess } from './process';

export interface StartedProcess {
  process: GatewayProcess;
  url: string;
}

/**
 * Starts `count` processes and waits until each is ready. All share one public URL (replicas
 * behind one address, so tokens one issued are good at every one): the first's, unless given.
 */
export async function startGatewayProcesses(
  count: number,
  options: {
    database: TestDatabase;
    sandbox: RunningSandbox;
    running: GatewayProcess[];
    env?: Record<string, string>;
    publicUrl?: string;
  },
): Promise<StartedProcess[]> {
  const ports = await freePorts(count);
  const publicUrl = options.publicUrl ?? `http://127.0.0.1:${ports[0]}`;
  const started = ports.map((port) => {
    const process = spawnGateway({
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_URL: publicUrl,
      LOG_LEVEL: 'warn',
      DATABASE_URL: options.database.url,
      VAULT_KEYS: TEST_VAULT_KEYS,
      ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      PERSONIO_BASE_URL: options.sandbox.url,
      PERSONIO_PACING: 'off',
      CONNECT_RATE_LIMIT_PER_MINUTE: '10000',
      SYNC_TICK_MS: '100',
      ...options.env,
    });
    options.running.push(process);
    return { process, url: `http://127.0.0.1:${port}` };
  });
  await Promise.all(started.map((s) => waitForReady(s.url, s.process)));
  return started;
}

/** SIGTERM, then SIGKILL if it has not ended within `graceMs`. */
export async function stopGatewayProcess(process: GatewayProcess, graceMs = 15_000): Promise<void> {
  if (process.child.exitCode !== null || process.child.signalCode !== null) return;
  process.child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise((resolve) => (timer = setTimeout(resolve, graceMs, 'timeout')));
  const outcome = await Promise.race([process.exited, timeout]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    process.child.kill('SIGKILL');
    await process.exited;
  }
}

/** The helpers in test/support take a gateway; these processes are reached by URL alone. */
export function asGateway(url: string, database: TestDatabase): TestGateway {
  return { url, database } as unknown as TestGateway;
}

/** Polls `probe` until it answers something other than undefined (bounded by `timeoutMs`). */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
