import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { ApplicationEntity } from '../applications/application.entity';

export const CONNECTION_STATUSES = [
  'pending',
  'connected',
  'paused',
  'invalid_credentials',
  'disabled',
  'deleted',
] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

/**
 * One application x one customer company x one provider. A deleted connection stays as a
 * tombstone (credentials and data gone) so its event sequence and feed stay intact.
 */
@Entity({ name: 'connections' })
@Index('connections_customer_ref_unique', ['applicationId', 'customerRef'], {
  unique: true,
  where: `status <> 'deleted'`,
})
export class ConnectionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index('connections_application_id_idx')
  @Column({ name: 'application_id', type: 'uuid' })
  applicationId!: string;

  @ManyToOne(() => ApplicationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'application_id' })
  application?: ApplicationEntity;

  /** The application's own id for its customer. */
  @Column({ name: 'customer_ref', type: 'text' })
  customerRef!: string;

  @Column({ type: 'text', default: 'personio' })
  provider!: string;

  @Column({ type: 'text', default: 'pending' })
  status!: ConnectionStatus;

  /** Why the status is what it is (e.g. the error that paused it); never a secret. */
  @Column({ name: 'status_reason', type: 'text', nullable: true })
  statusReason!: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  settings!: Record<string, unknown>;

  /** Provider credentials sealed by the vault (context "connection:<id>:credentials"). */
  @Column({ type: 'text', nullable: true })
  credentials!: string | null;

  /** Last change-event sequence issued; incremented in the same transaction as the event. */
  @Column({ name: 'last_event_sequence', type: 'bigint', default: 0 })
  lastEventSequence!: string;

  @Column({ name: 'connected_at', type: 'timestamptz', precision: 3, nullable: true })
  connectedAt!: Date | null;

  /** When the schedule next queues a run; null while the connection cannot sync. */
  @Index('connections_next_sync_idx', { where: `status = 'connected'` })
  @Column({ name: 'next_sync_at', type: 'timestamptz', precision: 3, nullable: true })
  nextSyncAt!: Date | null;

  /** End of the last successful run; null until the first one (that run is the baseline). */
  @Column({ name: 'last_synced_at', type: 'timestamptz', precision: 3, nullable: true })
  lastSyncedAt!: Date | null;

  /** Failed runs since the last success; three pause the connection. */
  @Column({ name: 'consecutive_failures', type: 'integer', default: 0 })
  consecutiveFailures!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt!: Date;
}
