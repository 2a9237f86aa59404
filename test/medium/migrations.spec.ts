import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { pendingSchemaChanges, runPendingMigrations } from '../../src/database/migrator';
import { createEmptyDatabase, type TestDatabase } from '../support/database';

async function userTables(dataSource: DataSource): Promise<string[]> {
  const rows = await dataSource.query<Array<{ table_name: string }>>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
  );
  return rows.map((r) => r.table_name);
}

describe('migrations (medium, real PostgreSQL)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createEmptyDatabase();
    dataSource = await new DataSource(dataSourceOptions(database.url, 2)).initialize();
  });
  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  it('go all the way up, all the way down, and up again, and then match the entities exactly', async () => {
    const applied = await runPendingMigrations(dataSource);
    expect(applied.length).toBe(dataSource.migrations.length);
    expect(applied.length).toBeGreaterThan(0);
    const schemaAfterUp = await userTables(dataSource);
    expect(schemaAfterUp).toContain('applications');

    for (let i = 0; i < applied.length; i++) {
      await dataSource.undoLastMigration({ transaction: 'each' });
    }
    expect(await userTables(dataSource)).toEqual(['typeorm_migrations']);

    expect(await runPendingMigrations(dataSource)).toHaveLength(applied.length);
    expect(await userTables(dataSource)).toEqual(schemaAfterUp);

    // The drift check: the entities need no SQL the migrations did not already run.
    expect(await pendingSchemaChanges(dataSource)).toEqual({ up: [], down: [] });
  });

  it('run each pending migration once even when several processes migrate at the same time', async () => {
    const other = await createEmptyDatabase();
    const sources = await Promise.all(
      [1, 2, 3].map(() => new DataSource(dataSourceOptions(other.url, 2)).initialize()),
    );
    try {
      const results = await Promise.all(sources.map((s) => runPendingMigrations(s)));
      const total = results.reduce((sum, r) => sum + r.length, 0);
      expect(total).toBe(sources[0]?.migrations.length);
      const rows = await sources[0]?.query<unknown[]>('SELECT * FROM typeorm_migrations');
      expect(rows).toHaveLength(total);
    } finally {
      await Promise.all(sources.map((s) => s.destroy()));
      await other.drop();
    }
  });
});
