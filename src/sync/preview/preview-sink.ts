/**
 * Owns the dry run's sink: counts what a run would create and update, and keeps a few examples,
 * in memory and without writing anything.
 */
import type { GatewayResource } from '../../hris/gateway-id';
import type { ChangeSink, StagedRecord, StoredEntry } from '../engine/read-phase';
import type { RecordData } from '../engine/resource-specs';

export const SAMPLE_SIZE = 10;

export class PreviewSink implements ChangeSink {
  readonly created = new Map<GatewayResource, number>();
  readonly updated = new Map<GatewayResource, number>();
  readonly createdEmployees: RecordData[] = [];
  /** Employees that would change: remote id -> the new served form (for the changed fields). */
  readonly updatedEmployees = new Map<string, RecordData>();

  stage(record: StagedRecord, stored: StoredEntry | undefined): Promise<void> {
    const isNew = stored === undefined || !stored.live;
    const tally = isNew ? this.created : this.updated;
    tally.set(record.resource, (tally.get(record.resource) ?? 0) + 1);
    if (record.resource === 'employees') {
      if (isNew && this.createdEmployees.length < SAMPLE_SIZE) {
        this.createdEmployees.push(record.data);
      } else if (!isNew && this.updatedEmployees.size < SAMPLE_SIZE) {
        this.updatedEmployees.set(record.remoteId, record.data);
      }
    }
    return Promise.resolve();
  }

  flush(): Promise<void> {
    return Promise.resolve();
  }
}
