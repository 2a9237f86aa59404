import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The change-event outbox: written in the same transaction as the change it describes, read
 * by the pull feed and the webhook dispatcher. `sequence` is gapless per connection, and per
 * application for the application's own events.
 * No foreign key to connections: a deleted connection's events stay readable.
 */
@Entity({ name: 'events' })
@Index('events_connection_sequence_unique', ['connectionId', 'sequence'], { unique: true })
// The application's own events (no connection) count on their own gapless sequence.
@Index('events_application_sequence_unique', ['applicationId', 'sequence'], {
  unique: true,
  where: 'connection_id IS NULL',
})
export class EventEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index('events_application_id_idx')
  @Column({ name: 'application_id', type: 'uuid' })
  applicationId!: string;

  /** Null for an event about the application itself (e.g. `webhook_endpoint.disabled`). */
  @Column({ name: 'connection_id', type: 'uuid', nullable: true })
  connectionId!: string | null;

  /** Copied at write time: the event must read the same after the connection changes. */
  @Column({ name: 'customer_ref', type: 'text', nullable: true })
  customerRef!: string | null;

  @Column({ type: 'bigint' })
  sequence!: string;

  @Column({ type: 'text' })
  type!: string;

  @Column({ name: 'occurred_at', type: 'timestamptz', precision: 3 })
  occurredAt!: Date;

  /** `{ object, previous }` as in DESIGN.md "Events and webhooks". */
  @Column({ type: 'jsonb' })
  data!: Record<string, unknown>;
}
