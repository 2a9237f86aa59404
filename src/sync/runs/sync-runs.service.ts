/**
 * Rules for the run API: an application sees its own runs (a bound token only its connection's),
 * may queue a manual run for a connection that can sync (deduplicated against the one pending),
 * and may confirm a run held back by the deletion guard, which queues a run allowed to delete.
 */
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { type AuthContext } from '../../auth/access-token.guard';
import { decodeCursor } from '../../common/pagination/cursor';
import { keysetPage } from '../../common/pagination/keyset-page';
import { ProblemException } from '../../common/errors/problem';
import { isUuid } from '../../common/validation/uuid';
import { type ConnectionEntity } from '../../connections/connection.entity';
import { ConnectionsRepository } from '../../connections/connections.repository';
import { SyncScheduler } from '../scheduler/sync-scheduler';
import {
  type ConfirmSyncRunDto,
  type CreateSyncRunDto,
  type ListSyncRunsQuery,
  type SyncActorInput,
} from './dto/sync-run.dto';
import { SyncQueue } from './sync-queue';
import { SyncRunEntity, type SyncActor } from './sync-run.entity';
import { toSyncRunView, type SyncRunView } from './sync-run.view';

const runNotFound = (): ProblemException => new ProblemException('not_found', 'No such sync run.');
const connectionNotFound = (): ProblemException =>
  new ProblemException('not_found', 'No such connection.');

/** Whether a connection may run a sync a person asked for (paused: yes, to try a fix). */
export function assertCanSync(connection: ConnectionEntity): void {
  if (connection.credentials === null || connection.status === 'pending') {
    throw new ProblemException(
      'conflict',
      'The connection has no credentials yet: send the admin a connect link.',
    );
  }
  if (connection.status === 'invalid_credentials') {
    throw new ProblemException(
      'conflict',
      'Personio refused the stored credentials: send the admin a new connect link.',
    );
  }
  if (connection.status === 'disabled') {
    throw new ProblemException('conflict', 'The connection is disabled by the operator.');
  }
}

@Injectable()
export class SyncRunsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly connections: ConnectionsRepository,
    private readonly queue: SyncQueue,
    private readonly scheduler: SyncScheduler,
  ) {}

  async list(
    auth: AuthContext,
    query: ListSyncRunsQuery,
  ): Promise<{ data: SyncRunView[]; next_cursor: string | null }> {
    const connectionId = auth.connectionId ?? query.connection_id;
    if (auth.connectionId && query.connection_id && query.connection_id !== auth.connectionId) {
      return { data: [], next_cursor: null };
    }
    const after = query.cursor
      ? decodeCursor(query.cursor, (k) => ({ queuedAt: new Date(k.t), id: k.id }))
      : undefined;
    const rows = this.dataSource
      .getRepository(SyncRunEntity)
      .createQueryBuilder('r')
      .where('r.application_id = :applicationId', { applicationId: auth.applicationId })
      .orderBy('r.queued_at', 'DESC')
      .addOrderBy('r.id', 'DESC')
      .limit(query.limit + 1);
    if (connectionId) rows.andWhere('r.connection_id = :connectionId', { connectionId });
    if (query.status) rows.andWhere('r.status = :status', { status: query.status });
    if (query.trigger) rows.andWhere('r.trigger = :trigger', { trigger: query.trigger });
    if (query.since) rows.andWhere('r.queued_at >= :since', { since: new Date(query.since) });
    if (query.until) rows.andWhere('r.queued_at < :until', { until: new Date(query.until) });
    if (after) rows.andWhere('(r.queued_at, r.id) < (:queuedAt, :id)', after);
    return keysetPage(await rows.getMany(), query.limit, toSyncRunView, (run) => run.queuedAt);
  }

  async get(auth: AuthContext, id: string): Promise<SyncRunView> {
    return toSyncRunView(await this.find(auth, id, this.dataSource.manager));
  }

  async create(
    auth: AuthContext,
    input: CreateSyncRunDto,
  ): Promise<{ run: SyncRunView; created: boolean }> {
    const connectionId = auth.connectionId ?? input.connection_id;
    if (!connectionId) {
      throw new ProblemException('validation_failed', 'Name the connection to sync.', {
        errors: [
          {
            in: 'body',
            field: 'connection_id',
            message: 'connection_id is required with a token that is not bound to a connection',
          },
        ],
      });
    }
    if (auth.connectionId && input.connection_id && input.connection_id !== auth.connectionId) {
      throw connectionNotFound();
    }
    const result = await this.dataSource.transaction(async (manager) => {
      const connection = await this.connections.lockOne(auth.applicationId, connectionId, manager);
      if (!connection) throw connectionNotFound();
      assertCanSync(connection);
      return this.queue.enqueue(manager, {
        applicationId: auth.applicationId,
        connectionId,
        trigger: 'manual',
        actor: actorOf(input.actor),
      });
    });
    if (result.created) this.scheduler.nudge();
    return { run: toSyncRunView(result.run), created: result.created };
  }

  async confirm(auth: AuthContext, id: string, input: ConfirmSyncRunDto): Promise<SyncRunView> {
    const followUp = await this.dataSource.transaction(async (manager) => {
      const held = await this.find(auth, id, manager, true);
      if (held.status !== 'needs_confirmation') {
        throw new ProblemException('conflict', 'This run is not waiting for confirmation.');
      }
      if (held.confirmedAt !== null) {
        throw new ProblemException('conflict', 'This run was already confirmed.');
      }
      const later = await manager
        .getRepository(SyncRunEntity)
        .createQueryBuilder('r')
        .where('r.connection_id = :c', { c: held.connectionId })
        .andWhere('r.queued_at > :t', { t: held.queuedAt })
        .andWhere(`r.status IN ('succeeded', 'needs_confirmation')`)
        .getCount();
      if (later > 0) {
        throw new ProblemException(
          'conflict',
          'A later run superseded this one; confirm the latest held run instead.',
        );
      }
      const connection = await this.connections.lockOne(
        auth.applicationId,
        held.connectionId,
        manager,
      );
      if (!connection) throw runNotFound();
      assertCanSync(connection);
      const { run, created } = await this.queue.enqueue(manager, {
        applicationId: auth.applicationId,
        connectionId: held.connectionId,
        trigger: 'manual',
        actor: actorOf(input.actor),
        confirmsRunId: held.id,
      });
      if (!created) {
        throw new ProblemException(
          'conflict',
          'A run is already queued or running for this connection; confirm after it ends.',
        );
      }
      await manager.update(
        SyncRunEntity,
        { id: held.id },
        { confirmedAt: new Date(), followUpRunId: run.id },
      );
      return run;
    });
    this.scheduler.nudge();
    return toSyncRunView(followUp);
  }

  private async find(
    auth: AuthContext,
    id: string,
    manager: EntityManager,
    lock = false,
  ): Promise<SyncRunEntity> {
    if (!isUuid(id)) throw runNotFound();
    const query = manager
      .getRepository(SyncRunEntity)
      .createQueryBuilder('r')
      .where('r.id = :id AND r.application_id = :applicationId', {
        id,
        applicationId: auth.applicationId,
      });
    if (auth.connectionId) query.andWhere('r.connection_id = :c', { c: auth.connectionId });
    if (lock) query.setLock('pessimistic_write');
    const run = await query.getOne();
    if (!run) throw runNotFound();
    return run;
  }
}

function actorOf(input: SyncActorInput | undefined): SyncActor | null {
  if (!input || (input.name === undefined && input.email === undefined)) return null;
  return { name: input.name ?? null, email: input.email ?? null };
}
