/**
 * The per-request rate-limit hit against real PostgreSQL: it counts each request into the
 * application's minute, reads the application's standing in the same statement, and runs as a
 * statement prepared once per pooled connection rather than planned on every request.
 */
import { DataSource } from 'typeorm';
import { ApplicationRateLimiter } from '../../src/auth/application-rate-limiter';
import { type AppConfig } from '../../src/config/app-config';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { createMigratedDatabase, type TestDatabase } from '../support/database';

describe('ApplicationRateLimiter.hit (medium, real PostgreSQL)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let limiter: ApplicationRateLimiter;
  let applicationId: string;

  beforeAll(async () => {
    database = await createMigratedDatabase();
    // One pooled connection: every hit and the check below share the same session.
    dataSource = await new DataSource(dataSourceOptions(database.url, 1)).initialize();
    limiter = new ApplicationRateLimiter(dataSource, {
      apiRateLimitPerMinute: 3,
    } as AppConfig);
    const [app] = await dataSource.query<Array<{ id: string }>>(
      `INSERT INTO applications (name, client_id, client_secret_hash)
       VALUES ('Limit test', 'app_limit', 'x') RETURNING id`,
    );
    applicationId = app!.id;
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('counts each request, reads the standing, and is prepared once on the connection', async () => {
    const hits = [];
    for (let i = 0; i < 4; i += 1) hits.push(await limiter.hit(applicationId));
    // A minute may turn between two hits; the counts then start again from one.
    const remaining = hits.map((h) => h.remaining);
    expect([
      [2, 1, 0, 0],
      [2, 1, 2, 1],
      [2, 2, 1, 0],
      [2, 1, 0, 2],
    ]).toContainEqual(remaining);
    expect(hits[0]!.application).toEqual({ tokenVersion: 1, disabled: false });
    if (remaining[3] === 0) expect(hits[3]!.exceeded).toBe(true);

    const prepared = await dataSource.query<Array<{ statement: string }>>(
      `SELECT statement FROM pg_prepared_statements WHERE name = 'api-rate-limit-hit'`,
    );
    expect(prepared).toHaveLength(1);
    expect(prepared[0]!.statement).toContain('INSERT INTO api_rate_limits');
  });

  it('reads no standing for an application that no longer exists', async () => {
    const gone = await limiter.hit('00000000-0000-4000-8000-000000000000');
    expect(gone.application).toBeNull();
    expect(gone.exceeded).toBe(false);
  });

  // Last: it changes the table.
  it('keeps answering after a migration changed a column the statement returns', async () => {
    await limiter.hit(applicationId);
    await dataSource.query('ALTER TABLE api_rate_limits ALTER COLUMN count TYPE bigint');
    const after = await limiter.hit(applicationId);
    expect(Number(after.limit) - after.remaining).toBeGreaterThan(0);
    expect(after.application).toEqual({ tokenVersion: 1, disabled: false });
  });
});
