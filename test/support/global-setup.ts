/**
 * Starts one real PostgreSQL for the whole test run (embedded, or the server in DATABASE_URL),
 * and migrates a template database once. Each test file then clones the template (fast, a file
 * copy inside PostgreSQL), so files run in parallel without seeing each other's rows.
 */
import { chmod, mkdtemp } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { EmbeddedPostgres } from '../../src/database/embedded-postgres';
import { runPendingMigrations } from '../../src/database/migrator';
import { TEST_ADMIN_URL_VAR, TEST_TEMPLATE_VAR, withDatabase } from './test-env';

declare global {
  var __HRIS_TEST_POSTGRES__: EmbeddedPostgres | undefined;
}

/** Distinct free loopback ports: all are held open until each is known, then released. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => {
      const server = createServer();
      return new Promise<Server>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve(server));
      });
    }),
  );
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port as number;
}

export default async function globalSetup(): Promise<void> {
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    // /tmp is reachable by the `postgres` user when tests run as root; the checkout may not be.
    const parent = await mkdtemp(join(tmpdir(), 'hris-test-pg-'));
    await chmod(parent, 0o755); // mkdtemp makes it 0700, which `postgres` could not traverse
    const dataDir = join(parent, 'data');
    const server = new EmbeddedPostgres({
      dataDir,
      port: await freePort(),
      database: 'postgres',
      ephemeral: true,
    });
    adminUrl = await server.start();
    globalThis.__HRIS_TEST_POSTGRES__ = server;
  }

  const template = `hris_test_template_${process.pid}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${template}`);
    await admin.query(`CREATE DATABASE ${template}`);
  } finally {
    await admin.end();
  }
  const dataSource = await new DataSource(
    dataSourceOptions(withDatabase(adminUrl, template), 2),
  ).initialize();
  try {
    await runPendingMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }

  process.env[TEST_ADMIN_URL_VAR] = adminUrl;
  process.env[TEST_TEMPLATE_VAR] = template;
}
