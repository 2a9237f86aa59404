/**
 * A private, freshly migrated database per test file, cloned from the run's template.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { testDatabaseEnv, withDatabase } from './test-env';

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

async function withAdmin<T>(work: (admin: Client) => Promise<T>): Promise<T> {
  const admin = new Client({ connectionString: testDatabaseEnv().adminUrl });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

async function createDatabase(template?: string): Promise<TestDatabase> {
  const { adminUrl } = testDatabaseEnv();
  const name = `hris_test_${randomBytes(6).toString('hex')}`;
  await withAdmin((admin) =>
    admin.query(
      `CREATE DATABASE ${name}${template ? ` TEMPLATE ${admin.escapeIdentifier(template)}` : ''}`,
    ),
  );
  return {
    name,
    url: withDatabase(adminUrl, name),
    drop: () =>
      withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(
        () => undefined,
      ),
  };
}

/** A database with every migration applied. */
export function createMigratedDatabase(): Promise<TestDatabase> {
  return createDatabase(testDatabaseEnv().template);
}

/** An empty database, for tests of the migrations themselves. */
export function createEmptyDatabase(): Promise<TestDatabase> {
  return createDatabase();
}
