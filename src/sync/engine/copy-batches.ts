/**
 * Owns how a run's sinks send their records to PostgreSQL while the read goes on: batches of at
 * most 500 records (or about 8 MB of payload: raw payloads vary a lot), with one COPY in flight
 * at a time. The read waits only when the next batch is ready before the last one is stored, so
 * memory stays bounded by two batches. A failed COPY is kept and thrown by the next call: an
 * unawaited rejection would crash the process.
 */
import type { BinaryCopyWriter } from '../../database/binary-copy';

const BATCH_ROWS = 500;
const BATCH_BYTES = 8 * 1024 * 1024;

export function batchIsFull(batch: BinaryCopyWriter): boolean {
  return batch.rowCount >= BATCH_ROWS || batch.byteLength >= BATCH_BYTES;
}

export class OneCopyInFlight {
  private inFlight: Promise<void> = Promise.resolve();
  private failure: Error | undefined = undefined;

  /** Waits for the COPY in flight (throwing its failure), then starts `copy` without waiting. */
  async start(copy: () => Promise<unknown>): Promise<void> {
    await this.drain();
    this.inFlight = copy().then(
      () => undefined,
      (error: unknown) => {
        this.failure = error instanceof Error ? error : new Error(String(error));
      },
    );
  }

  /** Everything started is stored once this resolves (or the first failed COPY is thrown). */
  async drain(): Promise<void> {
    await this.inFlight;
    if (this.failure !== undefined) throw this.failure;
  }

  /** Waits for the COPY in flight, whatever its outcome (a run that stopped early). */
  async settle(): Promise<void> {
    await this.inFlight;
  }
}
