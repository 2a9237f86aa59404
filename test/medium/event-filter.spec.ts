/**
 * The webhook event-type rule as fan-out and replay run it: the SQL of `matchesSql`, evaluated
 * by PostgreSQL itself.
 */
import { Client } from 'pg';
import { matchesSql } from '../../src/webhooks/event-filter';
import { createEmptyDatabase, type TestDatabase } from '../support/database';

describe('webhook event-type patterns in SQL (medium, real PostgreSQL)', () => {
  let database: TestDatabase;
  let db: Client;

  beforeAll(async () => {
    database = await createEmptyDatabase();
    db = new Client({ connectionString: database.url });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await database?.drop();
  });

  const matches = async (patterns: string[], type: string): Promise<boolean> => {
    const { rows } = await db.query<{ hit: boolean }>(
      `SELECT ${matchesSql('$1::text[]', '$2::text')} AS hit`,
      [patterns, type],
    );
    return rows[0]!.hit;
  };

  it.each([
    [['employee.*'], 'employee.created', true],
    [['employee.*'], 'employees.created', false],
    [['employee.*'], 'team.created', false],
    [['team.updated'], 'team.updated', true],
    [['team.updated'], 'team.created', false],
    [['*'], 'connection.paused', true],
    [['team.updated', 'connection.*'], 'connection.paused', true],
    [[], 'connection.paused', false],
    // LIKE wildcards in a type must not widen a family: "_" and "%" are literal here.
    [['employee.*'], 'employee%', false],
  ])('%j matches %s: %s', async (patterns, type, expected) => {
    expect(await matches(patterns, type)).toBe(expected);
  });
});
