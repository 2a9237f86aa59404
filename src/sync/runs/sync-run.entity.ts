import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ConnectionEntity } from '../../connections/connection.entity';

export const SYNC_RUN_STATUSES = [
  'queued',
  'running',
  'succeeded',
  'failed',
  'needs_confirmation',
] as const;
export type SyncRunStatus = (typeof SYNC_RUN_STATUSES)[number];

export const SYNC_TRIGGERS = ['schedule', 'manual', 'connect'] as const;
export type SyncTrigger = (typeof SYNC_TRIGGERS)[number];

/** Statuses in which a run holds its connection: at most one such run per connection. */
export const ACTIVE_RUN_STATUSES: readonly SyncRunStatus[] = ['queued', 'running'];

export interface SyncActor {
  name: string | null;
  email: string | null;
}

export interface ResourceCounts {
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
}

export interface RunProgress {
  resource: string | null;
  pages: number;
  records: number;
}

export interface RunRequests {
  made: number;
  retries: number;
  rate_limit_waits: number;
  rate_limit_wait_ms: number;
  throttled: number;
}

export interface RunError {
  code: string;
  message: string;
}

export interface RunDeletionGuard {
  resource: 'employees';
  live: number;
  deleting: number;
  share: number;
  threshold: number;
}

/**
 * One sync of one connection: queued by the schedule, a person or the connect page; claimed by
 * exactly one worker (`FOR UPDATE SKIP LOCKED`); its record is the run history.
 */
@Entity({ name: 'sync_runs' })
@Index('sync_runs_one_active_per_connection', ['connectionId'], {
  unique: true,
  where: `status IN ('queued', 'running')`,
})
@Index('sync_runs_connection_queued_idx', ['connectionId', 'queuedAt', 'id'])
@Index('sync_runs_application_queued_idx', ['applicationId', 'queuedAt', 'id'])
@Index('sync_runs_queue_idx', ['queuedAt'], { where: `status = 'queued'` })
@Index('sync_runs_running_heartbeat_idx', ['heartbeatAt'], { where: `status = 'running'` })
export class SyncRunEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'application_id', type: 'uuid' })
  applicationId!: string;

  @Column({ name: 'connection_id', type: 'uuid' })
  connectionId!: string;

  @ManyToOne(() => ConnectionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'connection_id' })
  connection?: ConnectionEntity;

  @Column({ type: 'text' })
  trigger!: SyncTrigger;

  @Column({ type: 'jsonb', nullable: true })
  actor!: SyncActor | null;

  @Column({ type: 'text', default: 'queued' })
  status!: SyncRunStatus;

  @Column({ name: 'queued_at', type: 'timestamptz', precision: 3, default: () => 'now()' })
  queuedAt!: Date;

  @Column({ name: 'started_at', type: 'timestamptz', precision: 3, nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', precision: 3, nullable: true })
  finishedAt!: Date | null;

  /** Refreshed while running; a running run whose heartbeat is stale lost its worker. */
  @Column({ name: 'heartbeat_at', type: 'timestamptz', precision: 3, nullable: true })
  heartbeatAt!: Date | null;

  /** The process that claimed the run (host:pid:random), for operators. */
  @Column({ name: 'worker_id', type: 'text', nullable: true })
  workerId!: string | null;

  @Column({ type: 'jsonb' })
  progress!: RunProgress;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  counts!: Partial<Record<string, ResourceCounts>>;

  @Column({ type: 'jsonb', nullable: true })
  requests!: RunRequests | null;

  @Column({ name: 'deletion_guard', type: 'jsonb', nullable: true })
  deletionGuard!: RunDeletionGuard | null;

  @Column({ type: 'jsonb', nullable: true })
  error!: RunError | null;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  warnings!: string[];

  /** This run may delete past the guard: it was started by confirming a held run. */
  @Column({ name: 'confirms_run_id', type: 'uuid', nullable: true })
  confirmsRunId!: string | null;

  @Column({ name: 'confirmed_at', type: 'timestamptz', precision: 3, nullable: true })
  confirmedAt!: Date | null;

  @Column({ name: 'follow_up_run_id', type: 'uuid', nullable: true })
  followUpRunId!: string | null;
}
