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

  it("delete a connection's data with the connection row, and only its data", async () => {
    await runPendingMigrations(dataSource);
    const application = async (name: string): Promise<string> => {
      const [row] = await dataSource.query<Array<{ id: string }>>(
        `INSERT INTO applications (name, client_id, client_secret_hash)
         VALUES ($1, $1, 'x') RETURNING id`,
        [name],
      );
      return row!.id;
    };
    const connection = async (applicationId: string, ref: string): Promise<string> => {
      const [row] = await dataSource.query<Array<{ id: string }>>(
        `INSERT INTO connections (application_id, customer_ref) VALUES ($1, $2) RETURNING id`,
        [applicationId, ref],
      );
      return row!.id;
    };
    const app = await application('app_cascade');
    const [gone, kept] = [await connection(app, 'gone'), await connection(app, 'kept')];
    // One row per data table and connection, with the columns (and values) each requires.
    const required: Record<string, Record<string, string>> = {
      employees: {},
      teams: { type: `'team'` },
      positions: { title: `'Engineer'` },
      reporting_lines: { employee_id: 'gen_random_uuid()', manager_id: 'gen_random_uuid()' },
      absence_types: { name: `'Vacation'` },
      absences: {
        employee_id: 'gen_random_uuid()',
        start_date: `'2026-01-01'`,
        end_date: `'2026-01-02'`,
      },
    };
    const rowsOf = async (connectionId: string): Promise<number> => {
      let n = 0;
      for (const table of Object.keys(required)) {
        const [row] = await dataSource.query<Array<{ n: number }>>(
          `SELECT count(*)::int AS n FROM ${table} WHERE connection_id = $1`,
          [connectionId],
        );
        n += row!.n;
      }
      return n;
    };
    const addRows = async (connectionId: string): Promise<void> => {
      for (const [table, columns] of Object.entries(required)) {
        const names = Object.keys(columns)
          .map((c) => `, ${c}`)
          .join('');
        const values = Object.values(columns)
          .map((v) => `, ${v}`)
          .join('');
        await dataSource.query(
          `INSERT INTO ${table} (id, connection_id, remote_id, hash, data${names})
           VALUES (gen_random_uuid(), $1, '1', 'h', '{}'${values})`,
          [connectionId],
        );
      }
    };
    for (const connectionId of [gone, kept]) await addRows(connectionId);
    expect(await rowsOf(gone)).toBe(6);

    await dataSource.query(`DELETE FROM connections WHERE id = $1`, [gone]);

    expect(await rowsOf(gone)).toBe(0);
    expect(await rowsOf(kept)).toBe(6);
    // And with the application, through the connections' own cascade.
    await dataSource.query(`DELETE FROM applications WHERE id = $1`, [app]);
    expect(await rowsOf(kept)).toBe(0);
    // And when the table is truncated, which fires no row trigger.
    const truncated = await connection(await application('app_truncated'), 'truncated');
    await addRows(truncated);
    expect(await rowsOf(truncated)).toBe(6);
    await dataSource.query(`TRUNCATE connections CASCADE`);
    expect(await rowsOf(truncated)).toBe(0);
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
