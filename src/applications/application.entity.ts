import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

/** A downstream product that reads HR data through the gateway (see DESIGN.md "Actors"). */
@Entity({ name: 'applications' })
export class ApplicationEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'client_id', type: 'text', unique: true })
  clientId!: string;

  /** SHA-256 of the client secret; the secret itself is shown once and never stored. */
  @Column({ name: 'client_secret_hash', type: 'text' })
  clientSecretHash!: string;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  scopes!: string[];

  /** Shown on the connect page instead of a logo image (no external assets there). */
  @Column({ name: 'logo_text', type: 'text', nullable: true })
  logoText!: string | null;

  /** Unified employee fields the application needs readable in Personio (checked on connect). */
  @Column({ name: 'required_attributes', type: 'text', array: true, default: () => "'{}'" })
  requiredAttributes!: string[];

  /** Settings every new connection starts with. */
  @Column({ name: 'default_settings', type: 'jsonb', default: () => "'{}'" })
  defaultSettings!: Record<string, unknown>;

  /** https URLs a connect session may send the admin back to. */
  @Column({ name: 'redirect_urls', type: 'text', array: true, default: () => "'{}'" })
  redirectUrls!: string[];

  /** Bumped when the secret rotates; tokens carrying an older version are refused. */
  @Column({ name: 'token_version', type: 'integer', default: 1 })
  tokenVersion!: number;

  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true })
  disabledAt!: Date | null;

  // Millisecond precision, like a JS Date, so keyset cursors round-trip exactly.
  /** Last sequence of the application's own events (those without a connection). */
  @Column({ name: 'last_event_sequence', type: 'bigint', default: 0 })
  lastEventSequence!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt!: Date;
}
