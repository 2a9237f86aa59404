/**
 * Owns the staging table of a run: the sink that parks changed records while the read goes on,
 * and the batched reads the apply phase walks them with. Rows are written by binary COPY outside
 * any transaction (a failed run simply deletes them) and read back in remote-id order. Binary
 * COPY, not an INSERT over one JSON document of the batch: PostgreSQL then validates each raw
 * payload once instead of parsing the whole batch twice, which halved a first sync's database
 * CPU (bench/sync.bench.ts).
 */
import type { ClientBase } from 'pg';
import type { EntityManager } from 'typeorm';
import { BinaryCopyWriter, copyBinary } from '../../database/binary-copy';
import { gatewayId, type GatewayResource } from '../../hris/gateway-id';
import { batchIsFull, OneCopyInFlight } from './copy-batches';
import type { ChangeSink, StagedRecord } from './read-phase';
import { columnValues, RESOURCE_SPECS, type RecordData } from './resource-specs';

/** The COPY's column order, which `stage` writes each row's fields in. */
const STAGING_COLUMNS = [
  'run_id',
  'resource',
  'remote_id',
  'id',
  'hash',
  'data',
  'remote_data',
  'columns',
] as const;

/**
 * Writes overlap the read: a full batch goes to PostgreSQL while the next pages are fetched
 * (copy-batches.ts). A record is encoded into the batch's COPY payload as soon as it is staged,
 * so the parsed record (raw payload included) dies young instead of waiting in a list for its
 * batch: the batch is bytes outside the JavaScript heap, and the collector never has to
 * promote it.
 */
export class StagingSink implements ChangeSink {
  private batch = new BinaryCopyWriter();
  private readonly copies = new OneCopyInFlight();

  constructor(
    private readonly manager: EntityManager,
    private readonly runId: string,
    private readonly connectionId: string,
  ) {}

  async stage(r: StagedRecord): Promise<void> {
    this.batch
      .row(STAGING_COLUMNS.length)
      .uuid(this.runId)
      .text(r.resource)
      .text(r.remoteId)
      .uuid(gatewayId(this.connectionId, r.resource, r.remoteId))
      .text(r.hash)
      .jsonb(JSON.stringify(r.data));
    const raw = r.remoteData ?? null;
    if (raw === null) this.batch.null();
    else this.batch.json(JSON.stringify(raw));
    this.batch.jsonb(JSON.stringify(columnValues(RESOURCE_SPECS[r.resource], r.data)));
    if (batchIsFull(this.batch)) await this.send();
  }

  /**
   * Waits for the COPY in flight, whatever its outcome. A run that stops early (a failed page,
   * a shutdown) settles its sink before clearing staging: a COPY committing after the clear
   * would leave its rows behind.
   */
  async settle(): Promise<void> {
    await this.copies.settle();
  }

  /** Everything staged is stored once this resolves (or the first failed COPY is thrown). */
  async flush(): Promise<void> {
    await this.send();
    await this.copies.drain();
  }

  private async send(): Promise<void> {
    if (this.batch.rowCount === 0) return;
    const payload = this.batch.finish();
    this.batch = new BinaryCopyWriter();
    await this.copies.start(() => this.copy(payload));
  }

  /** On a pool connection of its own, outside any transaction: one COPY is atomic by itself. */
  private async copy(payload: Buffer): Promise<void> {
    const runner = this.manager.connection.createQueryRunner();
    try {
      const client = (await runner.connect()) as ClientBase;
      await copyBinary(client, `sync_staging (${STAGING_COLUMNS.join(', ')})`, payload);
    } finally {
      await runner.release();
    }
  }
}

export interface StagedRow {
  remote_id: string;
  hash: string;
  data: RecordData;
  remote_data: unknown;
  columns: Record<string, string | null>;
}

/** The run's staged records of one resource, in batches, in remote-id order. */
export async function* stagedBatches(
  manager: EntityManager,
  runId: string,
  resource: GatewayResource,
  batchSize: number,
): AsyncGenerator<StagedRow[]> {
  let after = '';
  for (;;) {
    const rows = await manager.query<StagedRow[]>(
      `SELECT remote_id, hash, data, remote_data, columns FROM sync_staging
       WHERE run_id = $1 AND resource = $2 AND remote_id > $3
       ORDER BY remote_id LIMIT $4`,
      [runId, resource, after, batchSize],
    );
    if (rows.length === 0) return;
    yield rows;
    after = rows[rows.length - 1]!.remote_id;
    if (rows.length < batchSize) return;
  }
}

export async function clearStaging(manager: EntityManager, runId: string): Promise<void> {
  await manager.query(`DELETE FROM sync_staging WHERE run_id = $1`, [runId]);
}

/**
 * Deletes what staging still holds for runs that are not running: a process that died after
 * its commit but before `clearStaging` leaves a run's rows (raw payloads, which may hold
 * salaries or bank details) behind for good otherwise. The run ids present are found by a loose
 * index scan of the primary key (one probe per distinct run, not a scan of every staged row),
 * so this is cheap to run on every scheduler tick, even while a large run is staging.
 */
export async function sweepStaging(manager: EntityManager): Promise<number> {
  const [, deleted] = await manager.query<[unknown, number]>(
    `WITH RECURSIVE present AS (
       (SELECT run_id FROM sync_staging ORDER BY run_id LIMIT 1)
       UNION ALL
       SELECT (SELECT s.run_id FROM sync_staging s WHERE s.run_id > p.run_id
               ORDER BY s.run_id LIMIT 1)
       FROM present p WHERE p.run_id IS NOT NULL)
     DELETE FROM sync_staging
     WHERE run_id IN (
       SELECT p.run_id FROM present p
       WHERE p.run_id IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM sync_runs r WHERE r.id = p.run_id AND r.status = 'running'))`,
  );
  return deleted;
}
