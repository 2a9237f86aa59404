/**
 * Owns how a run's sinks send their records to PostgreSQL while the read goes on: batches of at
 * most 500 records (or about 8 MB of payload: raw payloads vary a lot), sent one COPY after the
 * other, with up to QUEUED_COPIES batches waiting their turn. The read waits only when that
 * queue is full, so memory stays bounded by QUEUED_COPIES + 1 batches. A failed COPY is kept
 * and thrown by the next call (an unawaited rejection would crash the process), and the
 * batches queued behind it are dropped: their transaction, or their run, is failing anyway.
 */
import type { BinaryCopyWriter } from '../../database/binary-copy';

const BATCH_ROWS = 500;
const BATCH_BYTES = 8 * 1024 * 1024;
/**
 * A first sync of 10,000 employees waited for PostgreSQL 22 times (~0.46 s in all) with one
 * COPY in flight, though its COPYs took ~27% of the run: they come in bursts (a page of people
 * carries larger rows than a page of absences). Four absorb the bursts measured.
 */
export const QUEUED_COPIES = 4;

export function batchIsFull(batch: BinaryCopyWriter): boolean {
  return batch.rowCount >= BATCH_ROWS || batch.byteLength >= BATCH_BYTES;
}

export class CopyQueue {
  /** Settles once the last COPY queued has ended, whatever its outcome. */
  private tail: Promise<void> = Promise.resolve();
  /** COPYs queued or running, oldest first. */
  private readonly queued: Array<Promise<void>> = [];
  private failure: Error | undefined = undefined;

  constructor(private readonly maxQueued = QUEUED_COPIES) {}

  /**
   * Queues `copy` to run once the COPYs before it have ended, and returns once it is queued:
   * at once, unless `maxQueued` are queued already. Throws a failure of an earlier COPY.
   */
  async start(copy: () => Promise<unknown>): Promise<void> {
    while (this.queued.length >= this.maxQueued) await this.queued[0];
    this.throwFailure();
    const ended = this.tail.then(async () => {
      if (this.failure !== undefined) return;
      try {
        await copy();
      } catch (error) {
        this.failure = error instanceof Error ? error : new Error(String(error));
      }
    });
    this.tail = ended;
    this.queued.push(ended);
    void ended.then(() => this.queued.splice(this.queued.indexOf(ended), 1));
  }

  /** Everything queued is stored once this resolves (or the first failed COPY is thrown). */
  async drain(): Promise<void> {
    await this.tail;
    this.throwFailure();
  }

  /** Waits for every COPY queued, whatever its outcome (a run that stopped early). */
  async settle(): Promise<void> {
    await this.tail;
  }

  private throwFailure(): void {
    if (this.failure !== undefined) throw this.failure;
  }
}
