/**
 * The console's buttons. Each acts through the same rules as the API, as the application that
 * owns the row: pausing is ConnectionsService.update, confirming is SyncRunsService.confirm,
 * retrying is WebhooksService.retryDelivery, and a manual sync is queued exactly like
 * SyncRunsService.create queues one, only with the operator console as its actor.
 */
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { type AuthContext } from '../auth/access-token.guard';
import { SCOPES } from '../auth/scopes';
import { ProblemException } from '../common/errors/problem';
import { ConnectionsRepository } from '../connections/connections.repository';
import { ConnectionsService } from '../connections/connections.service';
import { SyncQueue } from '../sync/runs/sync-queue';
import { assertCanSync, SyncRunsService } from '../sync/runs/sync-runs.service';
import { SyncScheduler } from '../sync/scheduler/sync-scheduler';
import { WebhooksService } from '../webhooks/webhooks.service';
import { ConsoleRepository } from './console.repository';

export const OPERATOR_ACTOR = { name: 'operator console', email: null };

/** The owning application's full rights: the operator may do what the application may. */
function actingAs(applicationId: string): AuthContext {
  return { applicationId, scopes: [...SCOPES] };
}

const notFound = (what: string): ProblemException =>
  new ProblemException('not_found', `No such ${what}.`);

@Injectable()
export class ConsoleService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly read: ConsoleRepository,
    private readonly connectionRows: ConnectionsRepository,
    private readonly connections: ConnectionsService,
    private readonly queue: SyncQueue,
    private readonly scheduler: SyncScheduler,
    private readonly runs: SyncRunsService,
    private readonly webhooks: WebhooksService,
  ) {}

  /** Queues a manual run, or finds the one already queued or running. */
  async triggerSync(connectionId: string): Promise<{ runId: string; created: boolean }> {
    const applicationId = await this.read.connectionOwner(connectionId);
    if (!applicationId) throw notFound('connection');
    const result = await this.dataSource.transaction(async (manager) => {
      const connection = await this.connectionRows.lockOne(applicationId, connectionId, manager);
      if (!connection) throw notFound('connection');
      assertCanSync(connection);
      return this.queue.enqueue(manager, {
        applicationId,
        connectionId,
        trigger: 'manual',
        actor: OPERATOR_ACTOR,
      });
    });
    if (result.created) this.scheduler.nudge();
    return { runId: result.run.id, created: result.created };
  }

  async setPaused(connectionId: string, paused: boolean): Promise<void> {
    const applicationId = await this.read.connectionOwner(connectionId);
    if (!applicationId) throw notFound('connection');
    await this.connections.update(actingAs(applicationId), connectionId, {
      status: paused ? 'paused' : 'connected',
    });
  }

  /** Confirms a run held back by the deletion guard; returns the follow-up run's id. */
  async confirmRun(runId: string): Promise<string> {
    const owner = await this.read.runOwner(runId);
    if (!owner) throw notFound('sync run');
    const followUp = await this.runs.confirm(actingAs(owner.application_id), runId, {
      actor: { name: OPERATOR_ACTOR.name },
    });
    return followUp.id;
  }

  async retryDelivery(endpointId: string, deliveryId: string): Promise<void> {
    const applicationId = await this.read.endpointOwner(endpointId);
    if (!applicationId) throw notFound('webhook endpoint');
    await this.webhooks.retryDelivery(actingAs(applicationId), endpointId, deliveryId);
  }
}
