/** The only code that touches signing_keys. Keys are operator-level: no tenant key. */
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, IsNull, MoreThan } from 'typeorm';
import { SigningKeyEntity } from './signing-key.entity';

// Any constant works; all gateway processes must use the same one.
const KEY_CREATION_LOCK = 727_300_002;

@Injectable()
export class SigningKeysRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Keys that sign now or may still verify: active ones and those retired after `since`. */
  findUsable(since: Date): Promise<SigningKeyEntity[]> {
    return this.dataSource.getRepository(SigningKeyEntity).find({
      where: [{ retiredAt: IsNull() }, { retiredAt: MoreThan(since) }],
      order: { createdAt: 'DESC' },
    });
  }

  /** One key by id, if it may still verify (a primary-key lookup). */
  findUsableByKid(kid: string, since: Date): Promise<SigningKeyEntity | null> {
    return this.dataSource.getRepository(SigningKeyEntity).findOne({
      where: [
        { kid, retiredAt: IsNull() },
        { kid, retiredAt: MoreThan(since) },
      ],
    });
  }

  /**
   * Runs `work` holding a transaction-scoped advisory lock, so replicas that boot together
   * create one key, and rotations do not interleave.
   */
  withKeyLock<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [KEY_CREATION_LOCK]);
      return work(manager);
    });
  }
}
