/**
 * A first sync written straight into the data tables (BaselineSink) against PostgreSQL: the rows
 * equal what the staged path stores for the same records, nobody sees them before the commit,
 * an abort leaves nothing and no lock behind, and a spent time budget moves everything into
 * staging without a trace in the data tables.
 */
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { EventsWriter } from '../../src/events/events.writer';
import { gatewayId, gatewayRef, type GatewayResource } from '../../src/hris/gateway-id';
import { applyChanges } from '../../src/sync/engine/apply-phase';
import { BaselineSink } from '../../src/sync/engine/baseline-sink';
import { lockForApply, tryLockDataWrites } from '../../src/sync/engine/connection-locks';
import type { ChangeSink, StagedRecord } from '../../src/sync/engine/read-phase';
import { StagingSink } from '../../src/sync/engine/staging';
import { createMigratedDatabase, type TestDatabase } from '../support/database';
import { waitFor } from '../support/gateway-processes';
import { FIRST_SYNC_WRITERS_SQL } from '../support/sync';

/** More than two COPY batches (500 rows each) of employees. */
const PEOPLE = 1_201;
const TODAY = '2026-12-06';
const NOW = new Date('2026-12-06T04:00:00.123Z');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const RESOURCES: GatewayResource[] = ['employees', 'reporting_lines', 'absences'];

const day = (offset: number): string =>
  new Date(Date.parse(`${TODAY}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);

/** The records a read would stage for one connection: references are that connection's ids. */
function recordsFor(connectionId: string): StagedRecord[] {
  const out: StagedRecord[] = [];
  for (let i = 1; i <= PEOPLE; i += 1) {
    const remoteId = String(i);
    const manager = i > 1 ? String(Math.ceil(i / 10)) : null;
    out.push({
      resource: 'employees',
      remoteId,
      hash: `hash-${i}`,
      data: {
        remote_id: remoteId,
        first_name: i % 3 === 0 ? 'Zoë' : 'Ada',
        email: i % 5 === 0 ? null : `Person.${i}@Example.com`,
        status: i % 4 === 0 ? 'inactive' : 'active',
        employment_type: i % 2 === 0 ? 'internal' : 'external',
        manager_id: gatewayRef(connectionId, 'employees', manager),
        team_id: i % 6 === 0 ? null : gatewayRef(connectionId, 'teams', String(i % 7)),
        department_id: null,
        position_id: gatewayRef(connectionId, 'positions', String(i % 3)),
        // Past, today, future and none: the settled columns differ for each.
        hire_date: i % 4 === 0 ? null : day((i % 9) - 4),
        termination_date: i % 5 === 0 ? day((i % 11) - 5) : null,
      },
      remoteData: i % 8 === 0 ? null : { id: i, attributes: { note: `raw “${i}” \n` } },
    });
    if (manager !== null) {
      out.push({
        resource: 'reporting_lines',
        remoteId,
        hash: `line-${i}`,
        data: {
          remote_id: remoteId,
          employee_id: gatewayRef(connectionId, 'employees', remoteId),
          manager_id: gatewayRef(connectionId, 'employees', manager),
        },
        remoteData: null,
      });
    }
  }
  for (let i = 1; i <= 300; i += 1) {
    out.push({
      resource: 'absences',
      remoteId: `a${i}`,
      hash: `absence-${i}`,
      data: {
        remote_id: `a${i}`,
        employee_id: gatewayRef(connectionId, 'employees', String(i)),
        absence_type_id: i % 10 === 0 ? null : gatewayRef(connectionId, 'absence_types', '1'),
        status: 'approved',
        start_date: day(i % 30),
        end_date: day((i % 30) + 2),
      },
      remoteData: { period: { id: `a${i}` }, breakdowns: [] },
    });
  }
  return out;
}

interface StoredRow {
  resource: string;
  id: string;
  remote_id: string;
  rest: Record<string, unknown>;
}

describe('baseline written straight into the tables (medium, real PostgreSQL)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let applicationId: string;

  const newConnection = async (): Promise<string> => {
    const id = randomUUID();
    await dataSource.query(
      `INSERT INTO connections (id, application_id, customer_ref) VALUES ($1, $2, $3)`,
      [id, applicationId, `baseline-${id}`],
    );
    return id;
  };

  const sinkFor = (
    connectionId: string,
    options: { runId: string; maxOpenMs: number },
  ): BaselineSink =>
    new BaselineSink({
      manager: dataSource.manager,
      connectionId,
      now: NOW,
      today: TODAY,
      ...options,
    });

  const stageAll = async (sink: ChangeSink, records: StagedRecord[]): Promise<void> => {
    for (const record of records) await sink.stage(record, undefined);
    await sink.flush();
  };

  const counted = (records: StagedRecord[]): Partial<Record<GatewayResource, number>> => {
    const out: Partial<Record<GatewayResource, number>> = {};
    for (const r of records) out[r.resource] = (out[r.resource] ?? 0) + 1;
    return out;
  };

  /** A baseline's apply in the caller's transaction, with the records already staged. */
  const applyIn = (
    manager: EntityManager,
    connectionId: string,
    runId: string,
    records: StagedRecord[],
  ) =>
    applyChanges({
      manager,
      events: new EventsWriter(),
      connection: { id: connectionId, applicationId, customerRef: 'x' },
      runId,
      now: NOW,
      today: TODAY,
      baseline: true,
      resources: RESOURCES,
      staged: counted(records),
      deletions: {},
    });
  /** The staged path's baseline: what a run without a direct sink stores. */
  const applyStaged = async (connectionId: string, runId: string, records: StagedRecord[]) =>
    dataSource.transaction((manager) => applyIn(manager, connectionId, runId, records));

  /** Every stored column but the connection's own id, per table, in a comparable form. */
  const stored = async (connectionId: string): Promise<StoredRow[]> => {
    const out: StoredRow[] = [];
    for (const table of RESOURCES) {
      const rows = await dataSource.query<Array<Record<string, unknown>>>(
        `SELECT to_jsonb(t) - 'connection_id' - 'id' - 'remote_id' AS rest, id, remote_id,
                remote_data::text AS raw_text
         FROM ${table} t WHERE connection_id = $1 ORDER BY remote_id`,
        [connectionId],
      );
      for (const row of rows) {
        const rest = row.rest as Record<string, unknown>;
        // References name the connection: compare them as "which record", not as ids.
        for (const [key, value] of Object.entries(rest)) {
          if (typeof value === 'string' && UUID.test(value)) rest[key] = 'ref';
        }
        rest.data = JSON.parse(JSON.stringify(rest.data).replace(/"[0-9a-f-]{36}"/g, '"ref"'));
        out.push({
          resource: table,
          id: row.id as string,
          remote_id: row.remote_id as string,
          rest: { ...rest, raw_text: row.raw_text },
        });
      }
    }
    return out;
  };

  const countOf = async (connectionId: string): Promise<number> => {
    const [row] = await dataSource.query<Array<{ n: number }>>(
      `SELECT ((SELECT count(*) FROM employees WHERE connection_id = $1)
             + (SELECT count(*) FROM reporting_lines WHERE connection_id = $1)
             + (SELECT count(*) FROM absences WHERE connection_id = $1))::int AS n`,
      [connectionId],
    );
    return row!.n;
  };

  /** Tries a row lock on the connection from another session without waiting. */
  const canLock = async (connectionId: string, mode: 'UPDATE' | 'NO KEY UPDATE') => {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      await runner.query(`SELECT 1 FROM connections WHERE id = $1 FOR ${mode} NOWAIT`, [
        connectionId,
      ]);
      return true;
    } catch (error) {
      if ((error as { code?: string }).code === '55P03') return false;
      throw error;
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  };

  /** True when no open transaction holds the connection's data-write lock. */
  const dataWritesFree = async (connectionId: string): Promise<boolean> =>
    dataSource.transaction((manager) => tryLockDataWrites(manager, connectionId));

  /** Sessions with an open transaction that wrote into `employees`. */
  const firstSyncWriters = async (): Promise<number> => {
    const [row] = await dataSource.query<Array<{ n: number }>>(FIRST_SYNC_WRITERS_SQL);
    return row!.n;
  };

  let reference: StoredRow[];

  beforeAll(async () => {
    database = await createMigratedDatabase();
    dataSource = await new DataSource(dataSourceOptions(database.url, 6)).initialize();
    const [app] = await dataSource.query<Array<{ id: string }>>(
      `INSERT INTO applications (name, client_id, client_secret_hash)
       VALUES ('Baseline test', 'app_baseline', 'x') RETURNING id`,
    );
    applicationId = app!.id;
    // The reference: the same records through staging and the staged apply.
    const staged = await newConnection();
    const runId = randomUUID();
    const records = recordsFor(staged);
    await stageAll(new StagingSink(dataSource.manager, runId, staged), records);
    await applyStaged(staged, runId, records);
    reference = await stored(staged);
    expect(reference.length).toBe(records.length);
  }, 60_000);
  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('stores exactly what the staged path stores, visible only once committed', async () => {
    const connectionId = await newConnection();
    const records = recordsFor(connectionId);
    const sink = sinkFor(connectionId, { runId: randomUUID(), maxOpenMs: 60_000 });
    await stageAll(sink, records);

    expect(sink.direct).toBe(true);
    expect(await countOf(connectionId)).toBe(0);
    // The data tables have no foreign key to connections (migration CheaperDataWrites): the
    // open first sync holds no lock on the connection row, so no settings change waits for it.
    expect(await canLock(connectionId, 'UPDATE')).toBe(true);
    expect(await canLock(connectionId, 'NO KEY UPDATE')).toBe(true);
    // It holds the data-write lock instead, which only another run's apply waits for.
    expect(await dataWritesFree(connectionId)).toBe(false);

    await sink.commit();
    const rows = await stored(connectionId);
    expect(rows.map((r) => ({ ...r, id: undefined }))).toEqual(
      reference.map((r) => ({ ...r, id: undefined })),
    );
    for (const row of rows) {
      expect(row.id).toBe(gatewayId(connectionId, row.resource as GatewayResource, row.remote_id));
    }
    // The settled dates are part of the comparison; make sure the records exercise both cases.
    const settled = rows.filter((r) => r.resource === 'employees').map((r) => r.rest);
    expect(settled.some((r) => r.started_notified_on !== null)).toBe(true);
    expect(settled.some((r) => r.hire_date !== null && r.started_notified_on === null)).toBe(true);
    expect(settled.some((r) => r.terminated_notified_on !== null)).toBe(true);
  });

  it('commits a baseline that read nothing (an empty company, everyone out of scope)', async () => {
    const connectionId = await newConnection();
    const sink = sinkFor(connectionId, { runId: randomUUID(), maxOpenMs: 60_000 });
    await sink.flush();
    const manager = await sink.transaction();
    await manager.query(`UPDATE connections SET last_synced_at = $2 WHERE id = $1`, [
      connectionId,
      NOW,
    ]);
    expect(await countOf(connectionId)).toBe(0);
    await sink.commit();
    const [row] = await dataSource.query<Array<{ synced: Date | null }>>(
      `SELECT last_synced_at AS synced FROM connections WHERE id = $1`,
      [connectionId],
    );
    expect(row!.synced?.toISOString()).toBe(NOW.toISOString());
    expect(await dataWritesFree(connectionId)).toBe(true);
  });

  it('leaves nothing and no lock behind when the run stops', async () => {
    const connectionId = await newConnection();
    const sink = sinkFor(connectionId, { runId: randomUUID(), maxOpenMs: 60_000 });
    // Stopped mid-read: two batches written, the third still in memory.
    const records = recordsFor(connectionId).filter((r) => r.resource === 'employees');
    for (const record of records.slice(0, 1_100)) await sink.stage(record);
    expect(await firstSyncWriters()).toBe(1);
    expect(await dataWritesFree(connectionId)).toBe(false);

    await sink.abort();

    expect(await countOf(connectionId)).toBe(0);
    expect(await firstSyncWriters()).toBe(0);
    expect(await dataWritesFree(connectionId)).toBe(true);
    await sink.abort(); // a second call (the runner's finally) is harmless
  });

  it('lets the apply of a run that took over wait for an open first sync holding nothing: no deadlock', async () => {
    const connectionId = await newConnection();
    const records = recordsFor(connectionId);
    // The lost run: a first sync with every row written, uncommitted.
    const lost = sinkFor(connectionId, { runId: randomUUID(), maxOpenMs: 60_000 });
    await stageAll(lost, records);
    // The run that took over: the same records staged, then its apply with the runner's locks.
    const runId = randomUUID();
    await stageAll(new StagingSink(dataSource.manager, runId, connectionId), records);
    const takeover = dataSource.transaction(async (manager) => {
      await lockForApply(manager, connectionId);
      return applyIn(manager, connectionId, runId, records);
    });
    takeover.catch(() => undefined);
    await waitFor(
      'the apply of the run that took over to wait',
      async () => {
        const [row] = await dataSource.query<Array<{ n: number }>>(
          `SELECT count(*)::int AS n FROM pg_stat_activity
           WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        return row!.n > 0 ? true : undefined;
      },
      10_000,
      20,
    );

    // The lost run's apply takes the same locks; it then finds its run taken over and rolls
    // back. Had the other apply held the connection row while it waited on these rows, this
    // would wait for it in turn, and PostgreSQL's deadlock detector would end one of the two.
    const manager = await lost.transaction();
    expect(await lockForApply(manager, connectionId)).not.toBeNull();
    await lost.abort();

    await takeover;
    const rows = await stored(connectionId);
    expect(rows.map((r) => ({ ...r, id: undefined }))).toEqual(
      reference.map((r) => ({ ...r, id: undefined })),
    );
  });

  it('moves everything into staging once its time budget is spent, and applies the same rows', async () => {
    const connectionId = await newConnection();
    const runId = randomUUID();
    const records = recordsFor(connectionId);
    // A budget of 0: spent as soon as the first batch is in the transaction.
    const sink = sinkFor(connectionId, { runId, maxOpenMs: 0 });
    await stageAll(sink, records);

    expect(sink.direct).toBe(false);
    await expect(sink.transaction()).rejects.toThrow(/no open transaction/);
    expect(await countOf(connectionId)).toBe(0);
    expect(await dataWritesFree(connectionId)).toBe(true);
    const [staged] = await dataSource.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM sync_staging WHERE run_id = $1`,
      [runId],
    );
    expect(staged!.n).toBe(records.length);

    await applyStaged(connectionId, runId, records);
    const rows = await stored(connectionId);
    expect(rows.map((r) => ({ ...r, id: undefined }))).toEqual(
      reference.map((r) => ({ ...r, id: undefined })),
    );
  });
});
