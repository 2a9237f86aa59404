import { type components } from '../../../openapi/generated/hris-gateway';
import { requestsOf } from '../engine/sync-runner';
import { type SyncRunEntity } from './sync-run.entity';

export type SyncRunView = components['schemas']['SyncRun'];

export function toSyncRunView(run: SyncRunEntity): SyncRunView {
  return {
    id: run.id,
    connection_id: run.connectionId,
    trigger: run.trigger,
    actor: run.actor ? { name: run.actor.name ?? null, email: run.actor.email ?? null } : null,
    status: run.status,
    queued_at: run.queuedAt.toISOString(),
    started_at: run.startedAt?.toISOString() ?? null,
    finished_at: run.finishedAt?.toISOString() ?? null,
    duration_ms:
      run.startedAt && run.finishedAt ? run.finishedAt.getTime() - run.startedAt.getTime() : null,
    progress: run.progress as SyncRunView['progress'],
    counts: run.counts,
    requests: run.requests ?? requestsOf(undefined),
    deletion_guard: run.deletionGuard,
    error: run.error as SyncRunView['error'],
    warnings: run.warnings,
    confirmed_at: run.confirmedAt?.toISOString() ?? null,
    follow_up_run_id: run.followUpRunId,
    confirms_run_id: run.confirmsRunId,
  };
}
