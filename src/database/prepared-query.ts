/**
 * Owns running one hot statement as a named prepared statement on the pool TypeORM opened. A
 * statement sent as text is parsed and analysed by PostgreSQL on every call, and planned on
 * every call too; prepared by name, each pooled connection parses and analyses it once
 * (node-postgres remembers which of its connections hold which names), and PostgreSQL keeps a
 * generic plan once that plan proves as cheap as fresh ones. Meant for a statement that runs on
 * every request with one fixed text, such as the API rate-limit hit; anything else goes through
 * TypeORM as usual. Behind PgBouncer in transaction mode this needs PgBouncer 1.21 or later with
 * `max_prepared_statements` set (docs/operations.md).
 */
import type { Pool, PoolClient, QueryResultRow } from 'pg';
import { DataSource } from 'typeorm';
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

export interface PreparedStatement {
  /** Unique per text: PostgreSQL refuses a second text under a name a connection holds. */
  name: string;
  text: string;
}

/**
 * What PostgreSQL answers ("cached plan must not change result type") when a migration changed
 * the type of a column the statement returns. node-postgres would go on binding the stale
 * statement on that connection, so the connection is closed and the call tried once more on a
 * fresh one: a replica that outlives such a migration keeps answering.
 */
const CACHED_PLAN_CHANGED = '0A000';

export async function queryPrepared<R extends QueryResultRow>(
  dataSource: DataSource,
  statement: PreparedStatement,
  values: unknown[],
): Promise<R[]> {
  const pool = poolOf(dataSource);
  try {
    return await onClient<R>(pool, statement, values);
  } catch (error) {
    if ((error as { code?: unknown }).code !== CACHED_PLAN_CHANGED) throw error;
    return onClient<R>(pool, statement, values);
  }
}

async function onClient<R extends QueryResultRow>(
  pool: Pool,
  statement: PreparedStatement,
  values: unknown[],
): Promise<R[]> {
  const client: PoolClient = await pool.connect();
  let broken: Error | undefined;
  try {
    const result = await client.query<R>({
      name: statement.name,
      text: statement.text,
      values,
    });
    return result.rows;
  } catch (error) {
    if ((error as { code?: unknown }).code === CACHED_PLAN_CHANGED) broken = error as Error;
    throw error;
  } finally {
    // Released with an error, the pool closes the connection instead of lending it again.
    client.release(broken);
  }
}

function poolOf(dataSource: DataSource): Pool {
  const { driver } = dataSource;
  const pool = driver instanceof PostgresDriver ? (driver.master as Pool | undefined) : undefined;
  if (!pool) {
    throw new Error('prepared statements need the PostgreSQL driver without read replicas');
  }
  return pool;
}
