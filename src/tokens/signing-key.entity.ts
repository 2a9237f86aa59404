import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * Keys that sign access tokens. The private key is sealed by the vault; the public key is
 * published at /.well-known/jwks.json until every token it signed has expired.
 */
@Entity({ name: 'signing_keys' })
export class SigningKeyEntity {
  @PrimaryColumn({ type: 'text' })
  kid!: string;

  @Column({ type: 'text' })
  algorithm!: string;

  @Column({ name: 'public_jwk', type: 'jsonb' })
  publicJwk!: Record<string, unknown>;

  /** Private JWK sealed by the vault (context "signing-key:<kid>"). */
  @Column({ name: 'private_jwk', type: 'text' })
  privateJwk!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  /** When it stopped signing; null for the active key. */
  @Column({ name: 'retired_at', type: 'timestamptz', precision: 3, nullable: true })
  retiredAt!: Date | null;
}
