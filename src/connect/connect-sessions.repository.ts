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

  async countFailure(sessionId: string): Promise<number> {
    const [rows] = await this.rows.query<[Array<{ failed_attempts: number }>, number]>(
      `UPDATE connect_sessions SET failed_attempts = failed_attempts + 1 WHERE id = $1 RETURNING failed_attempts`,
      [sessionId],
    );
    return rows[0]?.failed_attempts ?? 0;
  }

  async consume(sessionId: string, manager: EntityManager): Promise<boolean> {
    const [, count] = await manager.query<[unknown, number]>(
      `UPDATE connect_sessions SET consumed_at = now() WHERE id = $1 AND consumed_at IS NULL`,
      [sessionId],
    );
    return count === 1;
  }
}
