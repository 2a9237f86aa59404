/** The only code that touches connect_sessions. Lookups by token go through its hash. */
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, Repository } from 'typeorm';
import { ConnectSessionEntity } from './connect-session.entity';

@Injectable()
export class ConnectSessionsRepository {
  constructor(
    @InjectRepository(ConnectSessionEntity) private readonly rows: Repository<ConnectSessionEntity>,
  ) {}

  insert(
    applicationId: string,
    values: Pick<
      ConnectSessionEntity,
      'connectionId' | 'tokenHash' | 'redirectUrl' | 'state' | 'expiresAt'
    >,
    manager?: EntityManager,
  ): Promise<ConnectSessionEntity> {
    const repo = manager ? manager.getRepository(ConnectSessionEntity) : this.rows;
    return repo.save(repo.create({ ...values, applicationId }));
  }

  findByTokenHash(tokenHash: string): Promise<ConnectSessionEntity | null> {
    return this.rows.findOneBy({ tokenHash });
  }

  /** Locks the session row: concurrent submits of one link run one after another. */
  lockByTokenHash(tokenHash: string, manager: EntityManager): Promise<ConnectSessionEntity | null> {
    return manager
      .getRepository(ConnectSessionEntity)
      .createQueryBuilder('s')
      .setLock('pessimistic_write')
      .where('s.token_hash = :tokenHash', { tokenHash })
      .getOne();
  }

  /**
   * Counts a try before it is made, atomically, so concurrent submits cannot exceed the limit;
   * returns the tries used, or undefined when the link is no longer usable.
   */
  async reserveAttempt(sessionId: string, maxAttempts: number): Promise<number | undefined> {
    const [rows] = await this.rows.query<[Array<{ failed_attempts: number }>, number]>(
      `UPDATE connect_sessions SET failed_attempts = failed_attempts + 1
       WHERE id = $1 AND failed_attempts < $2 AND consumed_at IS NULL AND expires_at > now()
       RETURNING failed_attempts`,
      [sessionId, maxAttempts],
    );
    return rows[0]?.failed_attempts;
  }

  /** Gives a reserved try back: it did not fail on the credentials. */
  async refundAttempt(sessionId: string): Promise<void> {
    await this.rows.query(
      `UPDATE connect_sessions SET failed_attempts = failed_attempts - 1 WHERE id = $1 AND failed_attempts > 0`,
      [sessionId],
    );
  }

  async consume(sessionId: string, manager: EntityManager): Promise<boolean> {
    const [, count] = await manager.query<[unknown, number]>(
      `UPDATE connect_sessions SET consumed_at = now() WHERE id = $1 AND consumed_at IS NULL`,
      [sessionId],
    );
    return count === 1;
  }

  /**
   * Closes every other open link of a connection once credentials are in: single use applies
   * to the connection, so an older link sent earlier cannot later replace these credentials.
   */
  async consumeOthers(
    connectionId: string,
    keptSessionId: string,
    manager: EntityManager,
  ): Promise<void> {
    await manager.query(
      `UPDATE connect_sessions SET consumed_at = now()
       WHERE connection_id = $1 AND id <> $2 AND consumed_at IS NULL`,
      [connectionId, keptSessionId],
    );
  }
}
