/**
 * Owns running one hot statement as a named prepared statement on the pool TypeORM opened. A
 * statement sent as text is parsed, analysed and planned by PostgreSQL on every call; prepared
 * by name, each pooled connection does that once (node-postgres remembers which of its
 * connections hold which names) and later calls only bind and execute. Meant for a statement
 * that runs on every request with one fixed text, such as the API rate-limit hit; anything else
 * goes through TypeORM as usual. Behind PgBouncer in transaction mode this needs PgBouncer 1.21
 * or later with `max_prepared_statements` set (docs/operations.md).
 */
import type { Pool, QueryResultRow } from 'pg';
import { DataSource } from 'typeorm';
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

export interface PreparedStatement {
  /** Unique per text: PostgreSQL refuses a second text under a name a connection holds. */
  name: string;
  text: string;
}

export async function queryPrepared<R extends QueryResultRow>(
  dataSource: DataSource,
  statement: PreparedStatement,
  values: unknown[],
): Promise<R[]> {
  const { driver } = dataSource;
  if (!(driver instanceof PostgresDriver)) {
    throw new Error('prepared statements need the PostgreSQL driver');
  }
  const pool = driver.master as Pool;
  const result = await pool.query<R>({ name: statement.name, text: statement.text, values });
  return result.rows;
}
