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

/** Why an endpoint stopped receiving: its owner, a 410 answer, or days of failures. */
export const WEBHOOK_DISABLED_REASONS = ['manual', 'gone', 'failing'] as const;
export type WebhookDisabledReason = (typeof WEBHOOK_DISABLED_REASONS)[number];

/** A subscriber's URL and what it wants to hear, per application (DESIGN.md "Events and webhooks"). */
@Entity({ name: 'webhook_endpoints' })
export class WebhookEndpointEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index('webhook_endpoints_application_idx')
  @Column({ name: 'application_id', type: 'uuid' })
  applicationId!: string;

  @ManyToOne(() => ApplicationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'application_id' })
  application?: ApplicationEntity;

  @Column({ type: 'text' })
  url!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  /** Exact types, `prefix.*` or `*` (event-filter.ts). */
  @Column({ name: 'event_types', type: 'text', array: true })
  eventTypes!: string[];

  /** Null: every connection of the application, including later ones. */
  @Column({ name: 'connection_ids', type: 'uuid', array: true, nullable: true })
  connectionIds!: string[] | null;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  @Column({ name: 'disabled_reason', type: 'text', nullable: true })
  disabledReason!: WebhookDisabledReason | null;

  @Column({ name: 'disabled_at', type: 'timestamptz', precision: 3, nullable: true })
  disabledAt!: Date | null;

  /**
   * The signing secrets, newest first, sealed by the vault as one JSON array
   * (`[{ secret, expires_at }]`, context "webhook-endpoint:<id>:secrets"): the previous secret
   * of a rotation lives here until its grace period ends.
   */
  @Column({ type: 'text' })
  secrets!: string;

  /** When the current run of failed attempts began; cleared by any 2xx. */
  @Column({ name: 'failing_since', type: 'timestamptz', precision: 3, nullable: true })
  failingSince!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt!: Date;
}
