import { Column, PrimaryColumn } from 'typeorm';

/**
 * Columns every stored unified record has (DESIGN.md "The unified model"). `id` is derived from
 * the connection, the resource and the remote id (src/hris/gateway-id.ts), so references
 * between records resolve without a lookup and a record that comes back keeps its id.
 * `data` is the record as the API serves it, minus these bookkeeping columns; the typed columns
 * beside it on each table exist for filters and indexes only.
 */
export abstract class UnifiedRecordBase {
  /**
   * The primary key is (connection_id, id), in that order: every read names its connection, so
   * this one index serves lookups by id and the API's keyset pages, where a key on `id` alone
   * needed a second index on (connection_id, id) that every write paid for.
   */
  @PrimaryColumn({ name: 'connection_id', type: 'uuid' })
  connectionId!: string;

  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'remote_id', type: 'text' })
  remoteId!: string;

  /** SHA-256 of the exposed content (src/sync/content-hash.ts); equal hash, no write. */
  @Column({ type: 'text' })
  hash!: string;

  @Column({ type: 'jsonb' })
  data!: Record<string, unknown>;

  /**
   * The raw provider payload, served only with `include=remote_data`. `json` (text), not `jsonb`:
   * written and served whole, never queried inside, so PostgreSQL need not parse it into a tree.
   */
  @Column({ name: 'remote_data', type: 'json', nullable: true })
  remoteData!: unknown;

  @Column({ name: 'created_at', type: 'timestamptz', precision: 3, default: () => 'now()' })
  createdAt!: Date;

  /** Set by the sync on every stored change (content, deletion or restore). */
  @Column({ name: 'updated_at', type: 'timestamptz', precision: 3, default: () => 'now()' })
  updatedAt!: Date;

  @Column({ name: 'remote_deleted_at', type: 'timestamptz', precision: 3, nullable: true })
  remoteDeletedAt!: Date | null;

  /** `removed_in_source` or `left_scope` while deleted. */
  @Column({ name: 'deletion_reason', type: 'text', nullable: true })
  deletionReason!: string | null;
}
