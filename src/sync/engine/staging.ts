/**
 * Owns the staging table of a run: the sink that parks changed records while the read goes on,
 * and the batched reads the apply phase walks them with. Rows are written in multi-row inserts
 * outside any transaction (a failed run simply deletes them) and read back in remote-id order.
 */
import type { EntityManager } from 'typeorm';
import { gatewayId, type GatewayResource } from '../../hris/gateway-id';
import type { ChangeSink, StagedRecord } from './read-phase';
import { columnValues, RESOURCE_SPECS, type RecordData } from './resource-specs';

const FLUSH_AT = 500;

/**
 * Writes overlap the read: a full batch goes to PostgreSQL while the next pages are fetched,
 * with at most one insert in flight (memory stays bounded by two batches). The read waits only
 * when a second batch is ready before the first is stored, and at the end (`flush`).
 */
export class StagingSink implements ChangeSink {
  private buffer: StagedRecord[] = [];
  private inFlight: Promise<void> = Promise.resolve();
  private failure: Error | undefined = undefined;

  constructor(
    private readonly manager: EntityManager,
    private readonly runId: string,
    private readonly connectionId: string,
  ) {}

  async stage(record: StagedRecord): Promise<void> {
    this.buffer.push(record);
    if (this.buffer.length >= FLUSH_AT) await this.send();
  }

  /** Everything staged is stored once this resolves (or the first failed insert is thrown). */
  async flush(): Promise<void> {
    await this.send();
    await this.inFlight;
    this.throwIfFailed();
  }

  private async send(): Promise<void> {
    await this.inFlight;
    this.throwIfFailed();
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    // Caught here and rethrown by the next call: an unawaited rejection would crash the process.
    this.inFlight = this.insert(batch).catch((error: unknown) => {
      this.failure = error instanceof Error ? error : new Error(String(error));
    });
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  private async insert(batch: StagedRecord[]): Promise<void> {
    const rows = batch.map((r) => ({
      resource: r.resource,
      remote_id: r.remoteId,
      id: gatewayId(this.connectionId, r.resource, r.remoteId),
      columns: columnValues(RESOURCE_SPECS[r.resource], r.data),
      hash: r.hash,
      data: r.data,
      remote_data: r.remoteData ?? null,
    }));
    await this.manager.query(
      `INSERT INTO sync_staging (run_id, resource, remote_id, id, hash, data, remote_data, columns)
       SELECT $1, r.resource, r.remote_id, r.id, r.hash, r.data, r.remote_data, r.columns
       FROM jsonb_to_recordset($2::jsonb) AS r(resource text, remote_id text, id uuid,
         hash text, data jsonb, remote_data jsonb, columns jsonb)`,
      [this.runId, JSON.stringify(rows)],
    );
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
