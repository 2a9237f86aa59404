/**
 * Owns putting a run in the queue: at most one queued or running run per connection (a partial
 * unique index), so a second request while one is pending gets that one back. Works inside the
 * caller's transaction, so "connected" and "first sync queued" commit together.
 */
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { SyncRunEntity, type SyncActor, type SyncTrigger } from './sync-run.entity';

export interface EnqueueRequest {
  applicationId: string;
  connectionId: string;
  trigger: SyncTrigger;
  actor?: SyncActor | null;
  /** The held run this one confirms: it may delete past the guard. */
  confirmsRunId?: string | null;
}

@Injectable()
export class SyncQueue {
  /** The new run (`created: true`), or the one already queued or running. */
  async enqueue(
    manager: EntityManager,
    request: EnqueueRequest,
  ): Promise<{ run: SyncRunEntity; created: boolean }> {
    const [inserted] = await manager.query<Array<{ id: string }>>(
      `INSERT INTO sync_runs (application_id, connection_id, trigger, actor, status, progress, confirms_run_id)
       VALUES ($1, $2, $3, $4, 'queued', '{"resource":null,"pages":0,"records":0}', $5)
       ON CONFLICT (connection_id) WHERE status IN ('queued', 'running') DO NOTHING
       RETURNING id`,
      [
        request.applicationId,
        request.connectionId,
        request.trigger,
        request.actor ? JSON.stringify(request.actor) : null,
        request.confirmsRunId ?? null,
      ],
    );
    const repository = manager.getRepository(SyncRunEntity);
    if (inserted) {
      return { run: await repository.findOneByOrFail({ id: inserted.id }), created: true };
    }
    const active = await repository
      .createQueryBuilder('r')
      .where('r.connection_id = :id', { id: request.connectionId })
      .andWhere(`r.status IN ('queued', 'running')`)
      .getOne();
    if (!active) {
      // The active run finished between the two statements: queue again.
      return this.enqueue(manager, request);
    }
    return { run: active, created: false };
  }
}
