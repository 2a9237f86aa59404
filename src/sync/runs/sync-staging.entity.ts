import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * What a running sync read that differs from what is stored, parked until the read is complete
 * (an UNLOGGED table: disposable, never replicated, gone after a crash with the run it belonged
 * to). Keeping changed records here rather than in memory keeps a run's memory flat however
 * large the company; unchanged records are never written anywhere.
 */
@Entity({ name: 'sync_staging' })
export class SyncStagingEntity {
  @PrimaryColumn({ name: 'run_id', type: 'uuid' })
  runId!: string;

  @PrimaryColumn({ type: 'text' })
  resource!: string;

  @PrimaryColumn({ name: 'remote_id', type: 'text' })
  remoteId!: string;

  /** The record's gateway id (derived; see src/hris/gateway-id.ts). */
  @Column({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  hash!: string;

  /** The record as the API serves it (gateway ids in references), without bookkeeping. */
  @Column({ type: 'jsonb' })
  data!: Record<string, unknown>;

  /** `json`, like the data tables' column: carried through as text, never looked into. */
  @Column({ name: 'remote_data', type: 'json', nullable: true })
  remoteData!: unknown;

  /** The table's typed columns (status, email_lower, manager_id ...), computed once in the read. */
  @Column({ type: 'jsonb' })
  columns!: Record<string, string | null>;
}
