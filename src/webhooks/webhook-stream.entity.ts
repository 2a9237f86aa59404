import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { WebhookEndpointEntity } from './webhook-endpoint.entity';

/**
 * How far the fan-out has read one event stream for one endpoint: a connection's events
 * (`connection_id` set) or the application's own (`connection_id` null). Sequences are gapless
 * and committed in order per stream, so "everything after `last_sequence`" never skips an event.
 */
@Entity({ name: 'webhook_streams' })
@Index('webhook_streams_connection_unique', ['endpointId', 'connectionId'], {
  unique: true,
  where: 'connection_id IS NOT NULL',
})
@Index('webhook_streams_application_unique', ['endpointId'], {
  unique: true,
  where: 'connection_id IS NULL',
})
export class WebhookStreamEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'endpoint_id', type: 'uuid' })
  endpointId!: string;

  @ManyToOne(() => WebhookEndpointEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'endpoint_id' })
  endpoint?: WebhookEndpointEntity;

  @Column({ name: 'connection_id', type: 'uuid', nullable: true })
  connectionId!: string | null;

  @Column({ name: 'last_sequence', type: 'bigint' })
  lastSequence!: string;
}
