/**
 * Owns writing a baseline (a connection's first sync, nothing stored yet) straight into the
 * data tables, inside the transaction the run later commits with its run record. Every record a
 * baseline reads is new, so there is nothing to compare in the apply phase: staging them first
 * would store each record twice and insert it a third time at the end, after the read. Here each
 * batch goes to its table by binary COPY while the next pages are fetched, and the apply phase
 * only has the run's bookkeeping left. Until the commit nobody sees a row: a failed run rolls
 * back, and PostgreSQL rolls back the transaction of a killed one once it sees the connection
 * close (or, if the host vanished without closing it, once it has sat idle well past the budget).
 *
 * An open transaction holds back vacuum for the whole database, and Personio's rate limits can
 * stretch a large first read to hours. So the transaction has a time budget, checked at every
 * record and page: once it is spent, what was written so far moves into the staging table
 * (DELETE ... RETURNING into an INSERT, then COMMIT: the data tables end as they were) and the
 * rest of the run stages like any other. Each first sync holds one pool connection throughout;
 * the runner keeps two of the pool for everything else.
 */
import type { ClientBase } from 'pg';
import type { EntityManager, QueryRunner } from 'typeorm';
import type { IsoDate } from '../../../connectors/unified';
import { BinaryCopyWriter, copyBinary } from '../../database/binary-copy';
import { gatewayId, type GatewayResource } from '../../hris/gateway-id';
import { lockDataWrites } from './connection-locks';
import { batchIsFull, OneCopyInFlight } from './copy-batches';
import { settledOnInsertValues } from './effective-date-events';
import type { ChangeSink, StagedRecord } from './read-phase';
import { columnValues, RESOURCE_SPECS, type ColumnSpec, type ResourceSpec } from './resource-specs';
import { StagingSink } from './staging';
const SETTLED_COLUMNS = ['started_notified_on', 'terminated_notified_on'] as const;
/**
 * How long past its budget PostgreSQL lets the transaction sit idle before ending it itself: the
 * last resort when this process hangs or its host vanishes without closing the connection. A
 * live run leaves the transaction at the first record or page after its budget.
 */
const IDLE_BEYOND_BUDGET_MS = 10 * 60_000;

/** The COPY's column list for a resource's table: the row's own columns, then the typed ones. */
function columnsOf(spec: ResourceSpec): string[] {
  return [
    'id',
    'connection_id',
    'remote_id',
    'hash',
    'data',
    'remote_data',
    'created_at',
    'updated_at',
    ...spec.columns.map((c) => c.name),
    ...(spec.resource === 'employees' ? SETTLED_COLUMNS : []),
  ];
}

const COPY_COLUMNS = Object.fromEntries(
  Object.values(RESOURCE_SPECS).map((spec) => [spec.resource, columnsOf(spec)]),
) as Record<GatewayResource, string[]>;

function writeTyped(batch: BinaryCopyWriter, column: ColumnSpec, value: string | null): void {
  if (value === null) batch.null();
  else if (column.type === 'uuid') batch.uuid(value);
  else if (column.type === 'date') batch.date(value);
  else batch.text(value);
}

/**
 * True when the connection has never synced and stores no data: the only case where every
 * record a run reads is new, so it can be written without a comparison.
 */
export async function writesBaselineDirectly(
  manager: EntityManager,
  connectionId: string,
): Promise<boolean> {
  const stored = Object.values(RESOURCE_SPECS).map(
    (spec) => `EXISTS (SELECT 1 FROM ${spec.table} WHERE connection_id = $1)`,
  );
  const [row] = await manager.query<Array<{ empty: boolean }>>(
    `SELECT c.last_synced_at IS NULL AND NOT (${stored.join(' OR ')}) AS empty
     FROM connections c WHERE c.id = $1`,
    [connectionId],
  );
  return row?.empty === true;
}

export interface BaselineSinkOptions {
  manager: EntityManager;
  runId: string;
  connectionId: string;
  /** The run's one instant: created_at/updated_at of every row it writes. */
  now: Date;
  /** The run's day: employees are stored with the effective dates reached up to it settled. */
  today: IsoDate;
  /** How long the transaction may stay open before the run falls back to staging. */
  maxOpenMs: number;
}

export class BaselineSink implements ChangeSink {
  private runner: QueryRunner | undefined;
  private client: ClientBase | undefined;
  private openedAt = 0;
  private readonly batches = new Map<GatewayResource, BinaryCopyWriter>();
  /** Tables a COPY went to: the fallback moves their rows. */
  private readonly written = new Set<GatewayResource>();
  private readonly copies = new OneCopyInFlight();
  /** Set once the time budget is spent: everything from then on is staged. */
  private staging: StagingSink | undefined;

  constructor(private readonly options: BaselineSinkOptions) {}

  /** The instant every row written here carries. */
  get now(): Date {
    return this.options.now;
  }

  /** True while the records are in the data tables (uncommitted); false once staged instead. */
  get direct(): boolean {
    return this.staging === undefined;
  }

  /**
   * The transaction the run's apply joins, only while `direct`; opened here when nothing was
   * written (an empty company, everyone out of scope): the run record still commits in it.
   */
  async transaction(): Promise<EntityManager> {
    if (!this.direct) throw new Error('the baseline has no open transaction: it was staged');
    await this.open();
    return this.runner!.manager;
  }

  async stage(record: StagedRecord): Promise<void> {
    await this.keepWithinBudget();
    if (this.staging) return this.staging.stage(record);
    const spec = RESOURCE_SPECS[record.resource];
    let batch = this.batches.get(record.resource);
    if (!batch) this.batches.set(record.resource, (batch = new BinaryCopyWriter()));
    const { connectionId, now, today } = this.options;
    batch
      .row(COPY_COLUMNS[record.resource].length)
      .uuid(gatewayId(connectionId, record.resource, record.remoteId))
      .uuid(connectionId)
      .text(record.remoteId)
      .text(record.hash)
      .jsonb(JSON.stringify(record.data));
    if (record.remoteData === null || record.remoteData === undefined) batch.null();
    else batch.json(JSON.stringify(record.remoteData));
    batch.timestamptz(now).timestamptz(now);
    const values = columnValues(spec, record.data);
    for (const column of spec.columns) writeTyped(batch, column, values[column.name] ?? null);
    if (spec.resource === 'employees') {
      const settled = settledOnInsertValues(
        values.hire_date ?? null,
        values.termination_date ?? null,
        today,
      );
      for (const name of SETTLED_COLUMNS) {
        const day = settled[name];
        if (day === null) batch.null();
        else batch.date(day);
      }
    }
    if (batchIsFull(batch)) await this.send(record.resource);
  }

  /** Moves to staging once the open transaction has used its time budget; otherwise nothing. */
  async keepWithinBudget(): Promise<void> {
    if (this.staging || !this.runner) return;
    if (Date.now() - this.openedAt > this.options.maxOpenMs) await this.fallBackToStaging();
  }

  async flush(): Promise<void> {
    if (this.staging) return this.staging.flush();
    for (const resource of [...this.batches.keys()]) await this.send(resource);
    await this.copies.drain();
  }

  /** Waits for the COPY in flight, whatever its outcome (a run that stopped early). */
  async settle(): Promise<void> {
    await this.copies.settle();
    await this.staging?.settle();
  }

  /** Commits the transaction the apply joined; the connection goes back to the pool. */
  async commit(): Promise<void> {
    if (!this.runner || !this.direct) throw new Error('the baseline has no open transaction');
    await this.runner.commitTransaction();
    await this.release();
  }

  /**
   * Rolls back whatever is still open and gives the connection back. Every ending that is not
   * `commit` calls this first, before the failure is recorded: the run's rows are gone by then,
   * and the failure record does not wait for a pool connection this run still holds.
   */
  async abort(): Promise<void> {
    await this.settle();
    if (!this.runner) return;
    try {
      if (this.runner.isTransactionActive) await this.runner.rollbackTransaction();
    } finally {
      await this.release();
    }
  }

  private async open(): Promise<ClientBase> {
    if (this.client) return this.client;
    const runner = this.options.manager.connection.createQueryRunner();
    this.client = (await runner.connect()) as ClientBase;
    this.runner = runner;
    await runner.startTransaction();
    // Held to the end of the transaction: another run's apply waits for it before it locks the
    // connection row, never while holding it (connection-locks.ts).
    await lockDataWrites(runner.manager, this.options.connectionId);
    const idleMs = Math.round(this.options.maxOpenMs + IDLE_BEYOND_BUDGET_MS);
    await runner.query(`SET LOCAL idle_in_transaction_session_timeout = ${idleMs}`);
    this.openedAt = Date.now();
    return this.client;
  }

  private async send(resource: GatewayResource): Promise<void> {
    const batch = this.batches.get(resource);
    if (!batch || batch.rowCount === 0) return;
    this.batches.delete(resource);
    const payload = batch.finish();
    const client = await this.open();
    this.written.add(resource);
    const target = `${RESOURCE_SPECS[resource].table} (${COPY_COLUMNS[resource].join(', ')})`;
    await this.copies.start(() => copyBinary(client, target, payload));
  }

  /**
   * Moves what the transaction wrote into the staging table and commits: the data tables end
   * as they were, and the apply phase finds these records staged like the rest.
   */
  private async fallBackToStaging(): Promise<void> {
    for (const resource of [...this.batches.keys()]) await this.send(resource);
    await this.copies.drain();
    const { manager, runId, connectionId, now } = this.options;
    const runner = this.runner!;
    for (const resource of this.written) {
      const spec = RESOURCE_SPECS[resource];
      const typed = spec.columns.map((c) => `'${c.name}', ${c.name}`).join(', ');
      await runner.query(
        `WITH moved AS (
           DELETE FROM ${spec.table} WHERE connection_id = $1 AND created_at = $2
           RETURNING id, remote_id, hash, data, remote_data, ${spec.columns.map((c) => c.name).join(', ')})
         INSERT INTO sync_staging (run_id, resource, remote_id, id, hash, data, remote_data, columns)
         SELECT $3, $4, remote_id, id, hash, data, remote_data, jsonb_build_object(${typed})
         FROM moved`,
        [connectionId, now, runId, resource],
      );
    }
    await runner.commitTransaction();
    await this.release();
    this.staging = new StagingSink(manager, runId, connectionId);
  }

  private async release(): Promise<void> {
    const runner = this.runner;
    this.runner = undefined;
    this.client = undefined;
    await runner?.release();
  }
}
