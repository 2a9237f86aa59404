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
import { WebhookEndpointEntity } from './webhook-endpoint.entity';

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

/**
 * One event on its way to one endpoint. The `webhook-id` sent is the event's id, so retries and
 * replays carry the same id and receivers deduplicate on it. A replay is a new delivery row of
 * an old event (the log keeps both).
 */
@Entity({ name: 'webhook_deliveries' })
@Index('webhook_deliveries_event_unique', ['endpointId', 'eventId'], {
  unique: true,
  where: 'NOT replay',
})
// The dispatcher's head-of-stream check: the earliest pending delivery per endpoint and stream.
@Index('webhook_deliveries_pending_stream_idx', ['endpointId', 'connectionId', 'sequence'], {
  where: `status = 'pending'`,
})
@Index('webhook_deliveries_due_idx', ['nextAttemptAt'], { where: `status = 'pending'` })
@Index('webhook_deliveries_endpoint_created_idx', ['endpointId', 'createdAt', 'id'])
export class WebhookDeliveryEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'endpoint_id', type: 'uuid' })
  endpointId!: string;

  @ManyToOne(() => WebhookEndpointEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'endpoint_id' })
  endpoint?: WebhookEndpointEntity;

  @Column({ name: 'event_id', type: 'uuid' })
  eventId!: string;

  /** Null for the application's own events (e.g. `webhook_endpoint.disabled`). */
  @Column({ name: 'connection_id', type: 'uuid', nullable: true })
  connectionId!: string | null;

  @Column({ type: 'bigint' })
  sequence!: string;

  @Column({ name: 'event_type', type: 'text' })
  eventType!: string;

  @Column({ type: 'boolean', default: false })
  replay!: boolean;

  @Column({ type: 'text', default: 'pending' })
  status!: WebhookDeliveryStatus;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  /** Attempts allowed before the delivery is given up (a manual retry allows one more). */
  @Column({ name: 'max_attempts', type: 'integer' })
  maxAttempts!: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', precision: 3 })
  nextAttemptAt!: Date;

  /** A dispatcher holds the delivery until then; after a crash another one takes it over. */
  @Column({ name: 'leased_until', type: 'timestamptz', precision: 3, nullable: true })
  leasedUntil!: Date | null;

  @Column({ name: 'last_attempt_at', type: 'timestamptz', precision: 3, nullable: true })
  lastAttemptAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt!: Date;
}
