import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePorts } from '../support/global-setup';
import { spawnGateway, waitForReady } from '../support/process';

function portIsOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('the gateway process (e2e)', () => {
  it('refuses to boot on bad configuration and names every problem', async () => {
    const gateway = spawnGateway({
      PORT: 'eighty',
      LOG_LEVEL: 'chatty',
      DATABASE_URL: 'mysql://u:hunter2@h/db',
    });
    const code = await gateway.exited;
    expect(code).toBe(78);
    const output = gateway.output();
    expect(output).toContain('Invalid configuration (3 problems)');
    expect(output).toContain('PORT="eighty"');
    expect(output).toContain('LOG_LEVEL="chatty"');
    expect(output).toContain('DATABASE_URL=(value hidden)');
    expect(output).not.toContain('hunter2');
  });

  it('starts an embedded PostgreSQL when DATABASE_URL is unset, keeps its data across restarts, and stops it on SIGTERM', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'hris-process-'));
    await chmod(dataDir, 0o755);
    const [httpPort, pgPort] = (await freePorts(2)) as [number, number];
    const env = {
      PORT: String(httpPort),
      DATA_DIR: dataDir,
      EMBEDDED_POSTGRES_PORT: String(pgPort),
      LOG_LEVEL: 'info',
      // The embedded database is the subject here; the demo (test/e2e/demo-boot) is not.
      DEMO: 'off',
    };
    const baseUrl = `http://127.0.0.1:${httpPort}`;
    try {
      const first = spawnGateway(env);
      await waitForReady(baseUrl, first);
      const password = (await readFile(join(dataDir, 'postgres.password'), 'utf8')).trim();
      const url = `postgres://postgres:${password}@127.0.0.1:${pgPort}/hris_gateway`;
      const client = new Client({ connectionString: url });
      await client.connect();
      await client.query('CREATE TABLE restart_probe (note text)');
      await client.query(`INSERT INTO restart_probe VALUES ('still here')`);
      await client.end();

      first.child.kill('SIGTERM');
      expect(await first.exited).toBe(0);
      expect(first.output()).toContain('received SIGTERM, shutting down');
      expect(await portIsOpen(pgPort)).toBe(false);

      const second = spawnGateway(env);
      await waitForReady(baseUrl, second);
      const again = new Client({ connectionString: url });
      await again.connect();
      const rows = await again.query<{ note: string }>('SELECT note FROM restart_probe');
      await again.end();
      expect(rows.rows).toEqual([{ note: 'still here' }]);
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
      expect(await portIsOpen(pgPort)).toBe(false);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
