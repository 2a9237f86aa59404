import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { ApplicationEntity } from '../applications/application.entity';
import { ConnectionEntity } from '../connections/connection.entity';

/**
 * A single-use connect link. Only the SHA-256 of its token is stored: the database never holds
 * anything that opens the link.
 */
@Entity({ name: 'connect_sessions' })
export class ConnectSessionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index('connect_sessions_application_id_idx')
  @Column({ name: 'application_id', type: 'uuid' })
  applicationId!: string;

  @ManyToOne(() => ApplicationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'application_id' })
  application?: ApplicationEntity;

  @Index('connect_sessions_connection_id_idx')
  @Column({ name: 'connection_id', type: 'uuid' })
  connectionId!: string;

  @ManyToOne(() => ConnectionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'connection_id' })
  connection?: ConnectionEntity;

  /** Hex SHA-256 of the link token. */
  @Index('connect_sessions_token_hash_unique', { unique: true })
  @Column({ name: 'token_hash', type: 'text' })
  tokenHash!: string;

  @Column({ name: 'redirect_url', type: 'text', nullable: true })
  redirectUrl!: string | null;

  /** Opaque value the application gets back on redirect (its CSRF/state parameter). */
  @Column({ type: 'text', nullable: true })
  state!: string | null;

  @Column({ name: 'expires_at', type: 'timestamptz', precision: 3 })
  expiresAt!: Date;

  @Column({ name: 'consumed_at', type: 'timestamptz', precision: 3, nullable: true })
  consumedAt!: Date | null;

  @Column({ name: 'failed_attempts', type: 'integer', default: 0 })
  failedAttempts!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}
