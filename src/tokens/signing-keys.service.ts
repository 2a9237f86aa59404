/**
 * Owns the Ed25519 keys that sign access tokens: creates the first one at boot, rotates with an
 * overlap (a retired key keeps verifying until every token it may have signed has expired),
 * and publishes the public halves as a JWKS. Private keys are stored only sealed by the vault.
 */
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { type CryptoKey, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { type EntityManager, IsNull } from 'typeorm';
import { sealingContext } from '../vault/sealed-columns';
import { Vault } from '../vault/vault';
import { SigningKeyEntity } from './signing-key.entity';
import { SigningKeysRepository } from './signing-keys.repository';
import { ACCESS_TOKEN_TTL_SECONDS, CLOCK_SKEW_SECONDS, TOKEN_ALGORITHM } from './token-policy';
import { isUuid } from '../common/validation/uuid';

/** How long a replica may keep signing with a key another replica just retired. */
const CACHE_TTL_MS = 60_000;
/** A retired key verifies (and stays published) for this long after retirement. */
export const RETIRED_KEY_GRACE_MS =
  CACHE_TTL_MS + (ACCESS_TOKEN_TTL_SECONDS + CLOCK_SKEW_SECONDS) * 1000;

type KeyLike = CryptoKey | Uint8Array;

interface LoadedKey {
  kid: string;
  publicJwk: JWK;
  publicKey: KeyLike;
  sealedPrivate: string;
  retiredAt: Date | null;
}

@Injectable()
export class SigningKeysService implements OnModuleInit {
  private keys: LoadedKey[] = [];
  private loadedAt = 0;
  private privateKeys = new Map<string, KeyLike>();

  constructor(
    private readonly repository: SigningKeysRepository,
    private readonly vault: Vault,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.repository.withKeyLock(async (manager) => {
      const active = await manager
        .getRepository(SigningKeyEntity)
        .findOneBy({ retiredAt: IsNull() });
      if (!active) await this.insertNewKey(manager);
    });
    await this.reload();
  }

  /** The key to sign with now. */
  async signingKey(): Promise<{ kid: string; privateKey: KeyLike }> {
    await this.reloadIfOld();
    const active = this.keys.find((k) => k.retiredAt === null);
    if (!active) throw new Error('no active signing key');
    let privateKey = this.privateKeys.get(active.kid);
    if (!privateKey) {
      const jwk = JSON.parse(
        this.vault.open(active.sealedPrivate, sealingContext.signingKey(active.kid)),
      ) as JWK;
      privateKey = await importJWK(jwk, TOKEN_ALGORITHM);
      this.privateKeys.set(active.kid, privateKey);
    }
    return { kid: active.kid, privateKey };
  }

  /** The public key for a kid, if that key may still verify tokens. */
  async verificationKey(kid: string): Promise<KeyLike | undefined> {
    await this.reloadIfOld();
    const known = this.usable().find((k) => k.kid === kid);
    if (known) return known.publicKey;
    // A key another replica just created: look that one kid up. Per kid, not a whole reload,
    // so junk kids cannot use up a shared reload budget and hide a real new key.
    if (!isUuid(kid)) return undefined;
    const row = await this.repository.findUsableByKid(
      kid,
      new Date(Date.now() - RETIRED_KEY_GRACE_MS),
    );
    if (!row) return undefined;
    const loaded = await this.load(row);
    this.keys = [loaded, ...this.keys.filter((k) => k.kid !== kid)];
    return loaded.publicKey;
  }

  async jwks(): Promise<{ keys: JWK[] }> {
    await this.reloadIfOld();
    return { keys: this.usable().map((k) => k.publicJwk) };
  }

  /** Starts signing with a new key; the previous one keeps verifying through the grace period. */
  async rotate(): Promise<{ kid: string; retired: string[] }> {
    const result = await this.repository.withKeyLock(async (manager) => {
      const repository = manager.getRepository(SigningKeyEntity);
      const previous = await repository.findBy({ retiredAt: IsNull() });
      await repository.update({ retiredAt: IsNull() }, { retiredAt: new Date() });
      const kid = await this.insertNewKey(manager);
      return { kid, retired: previous.map((k) => k.kid) };
    });
    await this.reload();
    return result;
  }

  private usable(): LoadedKey[] {
    const cutoff = Date.now() - RETIRED_KEY_GRACE_MS;
    return this.keys.filter((k) => k.retiredAt === null || k.retiredAt.getTime() > cutoff);
  }

  private async insertNewKey(manager: EntityManager): Promise<string> {
    const kid = randomUUID();
    const { publicKey, privateKey } = await generateKeyPair(TOKEN_ALGORITHM, {
      crv: 'Ed25519',
      extractable: true,
    });
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: TOKEN_ALGORITHM, use: 'sig' };
    const privateJwk = JSON.stringify(await exportJWK(privateKey));
    await manager.getRepository(SigningKeyEntity).insert({
      kid,
      algorithm: TOKEN_ALGORITHM,
      publicJwk,
      privateJwk: this.vault.seal(privateJwk, sealingContext.signingKey(kid)),
      retiredAt: null,
    });
    return kid;
  }

  private async reloadIfOld(): Promise<void> {
    if (Date.now() - this.loadedAt > CACHE_TTL_MS) await this.reload();
  }

  private async reload(): Promise<void> {
    const rows = await this.repository.findUsable(new Date(Date.now() - RETIRED_KEY_GRACE_MS));
    this.keys = await Promise.all(rows.map((row) => this.load(row)));
    this.loadedAt = Date.now();
  }

  private async load(row: SigningKeyEntity): Promise<LoadedKey> {
    return {
      kid: row.kid,
      publicJwk: row.publicJwk,
      publicKey: await importJWK(row.publicJwk as JWK, TOKEN_ALGORITHM),
      sealedPrivate: row.privateJwk,
      retiredAt: row.retiredAt,
    };
  }
}
