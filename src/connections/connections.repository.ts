/**
 * The only code that touches the connections table. Every method takes the application id
 * first: a connection is only ever found through its owner, so another tenant's id behaves
 * exactly like a missing one.
 */
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, Not, Repository, type SelectQueryBuilder } from 'typeorm';
import { type QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { ConnectionEntity } from './connection.entity';

/**
 * A connection row read with a lock held to the end of the transaction, for status changes,
 * credential writes and a sync's apply or failure record (connection-locks.ts): every lock on
 * the row is taken here. FOR NO KEY UPDATE, the lock the UPDATE that follows takes anyway:
 * unlike FOR UPDATE, it does not wait for the key-share locks of rows being inserted that
 * reference the connection (sync runs being queued).
 */
export function lockedConnectionRow(manager: EntityManager): SelectQueryBuilder<ConnectionEntity> {
  return manager
    .getRepository(ConnectionEntity)
    .createQueryBuilder('c')
    .setLock('for_no_key_update');
}

@Injectable()
export class ConnectionsRepository {
  constructor(
    @InjectRepository(ConnectionEntity) private readonly rows: Repository<ConnectionEntity>,
  ) {}

  /** A live (not deleted) connection of this application. */
  findOne(
    applicationId: string,
    connectionId: string,
    manager?: EntityManager,
  ): Promise<ConnectionEntity | null> {
    return this.repo(manager).findOneBy({
      applicationId,
      id: connectionId,
      status: Not('deleted'),
    });
  }

  findByCustomerRef(
    applicationId: string,
    customerRef: string,
    manager?: EntityManager,
  ): Promise<ConnectionEntity | null> {
    return this.repo(manager).findOneBy({ applicationId, customerRef, status: Not('deleted') });
  }

  /** A live connection of this application, locked for the rest of the transaction. */
  lockOne(
    applicationId: string,
    connectionId: string,
    manager: EntityManager,
  ): Promise<ConnectionEntity | null> {
    return lockedConnectionRow(manager)
      .where(
        'c.application_id = :applicationId AND c.id = :connectionId AND c.status <> :deleted',
        {
          applicationId,
          connectionId,
          deleted: 'deleted',
        },
      )
      .getOne();
  }

  insert(
    applicationId: string,
    values: Pick<ConnectionEntity, 'customerRef' | 'settings'>,
    manager?: EntityManager,
  ): Promise<ConnectionEntity> {
    const repo = this.repo(manager);
    return repo.save(repo.create({ ...values, applicationId, status: 'pending' }));
  }

  async update(
    applicationId: string,
    connectionId: string,
    values: Partial<
      Pick<
        ConnectionEntity,
        | 'status'
        | 'statusReason'
        | 'settings'
        | 'credentials'
        | 'connectedAt'
        | 'nextSyncAt'
        | 'consecutiveFailures'
      >
    >,
    manager?: EntityManager,
  ): Promise<void> {
    await this.repo(manager).update(
      { applicationId, id: connectionId },
      values as QueryDeepPartialEntity<ConnectionEntity>,
    );
  }

  /** Newest first, keyset-paginated on (created_at, id). */
  list(
    applicationId: string,
    limit: number,
    filters: { status?: string; customerRef?: string },
    after?: { createdAt: Date; id: string },
  ): Promise<ConnectionEntity[]> {
    const query = this.rows
      .createQueryBuilder('c')
      .where('c.application_id = :applicationId', { applicationId })
      .andWhere('c.status <> :deleted', { deleted: 'deleted' })
      .orderBy('c.created_at', 'DESC')
      .addOrderBy('c.id', 'DESC')
      .limit(limit);
    if (filters.status) query.andWhere('c.status = :status', { status: filters.status });
    if (filters.customerRef)
      query.andWhere('c.customer_ref = :customerRef', { customerRef: filters.customerRef });
    if (after) query.andWhere('(c.created_at, c.id) < (:createdAt, :id)', after);
    return query.getMany();
  }

  private repo(manager?: EntityManager): Repository<ConnectionEntity> {
    return manager ? manager.getRepository(ConnectionEntity) : this.rows;
  }
}
