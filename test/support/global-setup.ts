/**
 * Starts one real PostgreSQL for the whole test run (embedded, or the server in DATABASE_URL),
 * and migrates a template database once. Each test file then clones the template (fast, a file
 * copy inside PostgreSQL), so files run in parallel without seeing each other's rows.
 */
import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from '../../src/common/net/free-port';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { EmbeddedPostgres } from '../../src/database/embedded-postgres';
import { runPendingMigrations } from '../../src/database/migrator';
import { TEST_ADMIN_URL_VAR, TEST_TEMPLATE_VAR, withDatabase } from './test-env';

declare global {
  var __HRIS_TEST_POSTGRES__: EmbeddedPostgres | undefined;
}

/** The tests' port finder lives with the benchmarks' (src/common/net/free-port.ts). */
export { freePort, freePorts } from '../../src/common/net/free-port';

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
