/**
 * Migration operations used at boot, by the CLI and by tests. Running is guarded by a
 * PostgreSQL advisory lock so several gateway processes booting at once migrate exactly once.
 */
import { type DataSource, type Migration } from 'typeorm';

// Any constant works; it only has to be the same in every gateway process.
const MIGRATION_LOCK_KEY = 727_300_001;

export async function runPendingMigrations(dataSource: DataSource): Promise<Migration[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    return await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await runner
      .query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY])
      .catch(() => undefined);
    await runner.release();
  }
}

/**
 * The SQL that would bring the database to the entities' shape. Empty means the migrations
 * and the entities agree; anything else is drift that needs a migration.
 */
export async function pendingSchemaChanges(
  dataSource: DataSource,
): Promise<{ up: string[]; down: string[] }> {
  const sql = await dataSource.driver.createSchemaBuilder().log();
  return {
    up: sql.upQueries.map((q) => q.query),
    down: sql.downQueries.map((q) => q.query),
  };
}

/** Renders a migration class the way TypeORM's generator would, with reversible steps. */
export function renderMigration(
  name: string,
  timestamp: number,
  up: string[],
  down: string[],
): string {
  const className = `${name}${timestamp}`;
  const lines = (queries: string[]): string =>
    queries.map((q) => `    await queryRunner.query(${JSON.stringify(q)});`).join('\n');
  return `import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class ${className} implements MigrationInterface {
  name = '${className}';

  public async up(queryRunner: QueryRunner): Promise<void> {
${lines(up)}
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
${lines([...down].reverse())}
  }
}
`;
}
