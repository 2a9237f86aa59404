/**
 * The stored indexes a sync reads against, loaded from PostgreSQL in the background: every row
 * over several load batches, each resource's own, and nothing more once the run has ended.
 */
import { createHash, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { startLoadingStoredIndexes } from '../../src/sync/engine/stored-index';
import { createMigratedDatabase, type TestDatabase } from '../support/database';

/** More than two load batches (10,000 rows each). */
const EMPLOYEES = 25_001;
const WINDOW = { from: '2026-01-01', to: '2026-12-31' };

describe('stored indexes (medium, real PostgreSQL)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  const connectionId = randomUUID();

  const hashOf = (remoteId: number): string =>
    createHash('sha256').update(`employee ${remoteId}`).digest('hex');

  beforeAll(async () => {
    database = await createMigratedDatabase();
    dataSource = await new DataSource(dataSourceOptions(database.url, 4)).initialize();
    const [app] = await dataSource.query<Array<{ id: string }>>(
      `INSERT INTO applications (name, client_id, client_secret_hash)
       VALUES ('Index test', 'app_index', 'x') RETURNING id`,
    );
    await dataSource.query(
      `INSERT INTO connections (id, application_id, customer_ref) VALUES ($1, $2, 'index-test')`,
      [connectionId, app!.id],
    );
    // Every seventh one deleted in the source: stored, but not live.
    await dataSource.query(
      `INSERT INTO employees (id, connection_id, remote_id, hash, data, remote_deleted_at)
       SELECT gen_random_uuid(), $1, i::text, encode(sha256(('employee ' || i)::bytea), 'hex'),
              '{}'::jsonb, CASE WHEN i % 7 = 0 THEN now() END
       FROM generate_series(1, $2::int) AS i`,
      [connectionId, EMPLOYEES],
    );
  }, 60_000);
  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('loads every stored row of each resource, over several batches', async () => {
    const indexes = startLoadingStoredIndexes(
      dataSource.manager,
      connectionId,
      ['employees', 'teams'],
      WINDOW,
    );
    const employees = await indexes.employees!;
    expect(employees.size).toBe(EMPLOYEES);
    expect(employees.liveCount).toBe(EMPLOYEES - Math.floor(EMPLOYEES / 7));
    for (const remoteId of [1, 7, 10_000, 10_001, 25_001]) {
      const slot = employees.slotOf(String(remoteId));
      expect(slot).toBeGreaterThanOrEqual(0);
      expect(employees.isLive(slot)).toBe(remoteId % 7 !== 0);
      expect(
        employees.hasDigest(slot, Buffer.from(hashOf(remoteId), 'hex').toString('latin1')),
      ).toBe(true);
      expect(
        employees.hasDigest(slot, Buffer.from(hashOf(remoteId + 1), 'hex').toString('latin1')),
      ).toBe(false);
    }
    expect(employees.slotOf('25002')).toBe(-1);
    expect((await indexes.teams!).size).toBe(0);
  });

  it('stops loading once the run has ended: every index not loaded yet rejects', async () => {
    const ended = new AbortController();
    const indexes = startLoadingStoredIndexes(
      dataSource.manager,
      connectionId,
      ['employees', 'reporting_lines', 'teams'],
      WINDOW,
      ended.signal,
    );
    ended.abort();
    for (const resource of ['employees', 'reporting_lines', 'teams'] as const) {
      await expect(indexes[resource]).rejects.toMatchObject({ name: 'AbortError' });
    }
  });
});
