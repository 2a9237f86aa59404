import { Client } from 'pg';
import { TEST_ADMIN_URL_VAR, TEST_TEMPLATE_VAR } from './test-env';

/** Drops what the run created on a shared server, or stops the embedded one (which deletes it). */
export default async function globalTeardown(): Promise<void> {
  const embedded = globalThis.__HRIS_TEST_POSTGRES__;
  if (embedded) {
    await embedded.stop();
    return;
  }
  const adminUrl = process.env[TEST_ADMIN_URL_VAR];
  const template = process.env[TEST_TEMPLATE_VAR];
  if (!adminUrl || !template) return;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const leftovers = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE 'hris_test_%'`,
    );
    for (const { datname } of leftovers.rows) {
      await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(datname)} WITH (FORCE)`);
    }
  } finally {
    await admin.end();
  }
}
