/**
 * Owns one run from claim to outcome: read everything (staging what changed), decide deletions
 * from the complete read only, hold mass deletions for confirmation, then apply data, events,
 * the run record and the connection's state in ONE transaction. Any failure before that commit
 * leaves the data exactly as it was; the failure policy (pause after three, invalid credentials
 * at once) is applied in its own transaction with the run record.
 */
import { Clock } from '../../common/time/clock';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import type { ReadStats } from '../../../connectors/connector';
import { ConnectionEntity } from '../../connections/connection.entity';
import { EventsWriter } from '../../events/events.writer';
import type { GatewayResource } from '../../hris/gateway-id';
import { Providers } from '../../providers/providers.module';
import { Vault } from '../../vault/vault';
import { utcDay } from '../calendar-day';
import type {
  ResourceCounts,
  RunDeletionGuard,
  RunError,
  RunProgress,
  RunRequests,
  SyncRunEntity,
} from '../runs/sync-run.entity';
import { analyzeStaging, applyChanges, emptyCounts, type Deletion } from './apply-phase';
import { BaselineSink, writesBaselineDirectly } from './baseline-sink';
import { lockConnection, lockForApply } from './connection-locks';
import { openConnection } from './connection-session';
import { writeEffectiveDateEvents } from './effective-date-events';
import {
  deletionsOf,
  employeeDeletionGuard,
  readAll,
  resourcesRead,
  type ChangeSink,
  type ReadOutcome,
} from './read-phase';
import { runErrorOf, type RunErrorCode } from './run-errors';
import { clearStaging, StagingSink } from './staging';
import { startLoadingStoredIndexes } from './stored-index';
import { compileReadPlan } from './sync-plan';

/** Failed runs in a row that pause a connection. */
export const FAILURES_BEFORE_PAUSE = 3;
const PROGRESS_EVERY_MS = 1_000;
/**
 * Pool connections a process keeps free of first syncs: each holds one for its whole read, and
 * its progress writes, index loads and the scheduler's heartbeats need others meanwhile.
 */
const POOL_KEPT_FOR_OTHERS = 2;

/** A run stopped on purpose (connection gone, shutdown, reaped): fails it without a stack. */
export class RunAborted extends Error {
  constructor(
    readonly code: RunErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface RunControl {
  /** Set when the process shuts down: the run stops at the next page and is retried soon. */
  cancelled: boolean;
}

@Injectable()
export class SyncRunner {
  private readonly logger = new Logger('Sync');
  /** First syncs of this process writing straight into the tables, each holding a connection. */
  private directBaselines = 0;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly vault: Vault,
    private readonly providers: Providers,
    private readonly events: EventsWriter,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async execute(run: SyncRunEntity, control: RunControl = { cancelled: false }): Promise<void> {
    const progress: RunProgress = { resource: null, pages: 0, records: 0 };
    let stats: (() => ReadStats) | undefined;
    let sink: (ChangeSink & { settle(): Promise<void> }) | undefined;
    /** Set when this run writes a baseline straight into the data tables (baseline-sink.ts). */
    let baselineSink: BaselineSink | undefined;
    let holdsPoolConnection = false;
    /** Stops index loads a failed read left running. */
    const finished = new AbortController();
    try {
      const opened = await openConnection(
        this.dataSource.manager,
        this.vault,
        this.providers.personio,
        run.connectionId,
      );
      if (!opened) {
        throw new RunAborted(
          'interrupted',
          'The connection was deleted or has no credentials; nothing was read.',
        );
      }
      const { session, settings } = opened;
      stats = () => session.stats();
      const today = utcDay(this.clock.now());
      const { plan, issues } = await compileReadPlan(session, run.connectionId, settings, today);
      const resources = resourcesRead(plan);
      const indexes = startLoadingStoredIndexes(
        this.dataSource.manager,
        run.connectionId,
        resources,
        plan.window,
        finished.signal,
      );

      let lastWrite = 0;
      const maxOpenMs = this.config.sync.baselineTransactionMaxMs;
      const direct =
        maxOpenMs > 0 && (await writesBaselineDirectly(this.dataSource.manager, run.connectionId));
      // Checked and counted with no await between: concurrent runs cannot both take the last one.
      if (direct && this.directBaselines < this.config.database.poolSize - POOL_KEPT_FOR_OTHERS) {
        this.directBaselines += 1;
        holdsPoolConnection = true;
        sink = baselineSink = new BaselineSink({
          manager: this.dataSource.manager,
          runId: run.id,
          connectionId: run.connectionId,
          now: this.clock.now(),
          today,
          maxOpenMs,
        });
      } else {
        sink = new StagingSink(this.dataSource.manager, run.id, run.connectionId);
      }
      const outcome = await readAll(session, plan, indexes, sink, {
        onPage: async (resource, records) => {
          if (control.cancelled) {
            throw new RunAborted('interrupted', 'The gateway shut down during the run.');
          }
          progress.resource = resource;
          progress.pages += 1;
          progress.records += records;
          // Also between records: a page of people out of scope stages nothing.
          await baselineSink?.keepWithinBudget();
          if (Date.now() - lastWrite >= PROGRESS_EVERY_MS) {
            lastWrite = Date.now();
            await this.writeProgress(run.id, progress);
          }
        },
      });
      const warnings = [...issues, ...outcome.warnings];

      const deletions: Partial<Record<GatewayResource, Deletion[]>> = {};
      for (const resource of resources) {
        deletions[resource] = deletionsOf(outcome.reads[resource]);
      }
      const readCounts = (resource: GatewayResource): ResourceCounts => ({
        ...emptyCounts(),
        unchanged: outcome.reads[resource]?.unchanged ?? 0,
      });

      const { exceeded, ...counted } = employeeDeletionGuard(
        await indexes.employees,
        deletions.employees?.length ?? 0,
        settings.deletion_threshold,
      );
      if (exceeded && run.confirmsRunId === null) {
        // Unreachable for a baseline (nothing stored, nothing to delete); rolled back anyway
        // before the hold is recorded, as before a failure.
        await baselineSink?.abort();
        const guard: RunDeletionGuard = { resource: 'employees', ...counted };
        await this.hold(run, guard, progress, warnings, requestsOf(stats()));
        return;
      }

      progress.resource = 'applying';
      // Also the last check that no other process took this run over as lost: such a run stops
      // here. One taken over after this write applies, finds its run no longer running and
      // rolls back; the locks' order (connection-locks.ts) keeps it and the run that took over
      // from waiting on each other.
      await this.writeProgress(run.id, progress);
      /** `written`: the instant of a baseline already written into the tables by its sink. */
      const apply = async (manager: EntityManager, written?: Date): Promise<void> => {
        // The data-write lock first: a first sync still writing this connection's rows (a run
        // taken over as lost) is waited for before the connection row is held (connection-locks.ts).
        const connection = await lockForApply(manager, run.connectionId);
        if (!connection || connection.status === 'deleted') {
          throw new RunAborted('interrupted', 'The connection was deleted during the run.');
        }
        const now = written ?? this.clock.now();
        const baseline = connection.lastSyncedAt === null;
        if (written && !baseline) {
          // Another run's committed baseline: this run was taken over as lost before its first
          // batch (after that, the run that took over waits on its data-write lock), and the
          // takeover committed first. The takeover wins.
          throw new RunAborted('worker_lost', 'The run was taken over as lost; nothing applied.');
        }
        const applied = written
          ? writtenBaseline(resources, outcome, deletions)
          : await applyChanges({
              manager,
              events: this.events,
              connection,
              runId: run.id,
              now,
              today,
              baseline,
              resources,
              staged: Object.fromEntries(
                resources.map((resource) => [resource, outcome.reads[resource]?.staged ?? 0]),
              ),
              deletions,
            });
        const counts: Partial<Record<GatewayResource, ResourceCounts>> = {};
        for (const resource of resources) {
          const a = applied[resource] ?? emptyCounts();
          const r = readCounts(resource);
          counts[resource] = { ...a, unchanged: a.unchanged + r.unchanged };
        }
        const started = await writeEffectiveDateEvents({
          manager,
          events: this.events,
          connection,
          now,
          today,
          since: connection.lastSyncedAt ? utcDay(connection.lastSyncedAt) : today,
          baseline,
        });
        const changes = Object.values(counts).reduce(
          (n, c) => n + c.created + c.updated + c.deleted,
          started,
        );
        const [, updatedRuns] = await manager.query<[unknown, number]>(
          // The end of the apply, not `now` (its start): the run's duration includes writing.
          `UPDATE sync_runs SET status = 'succeeded', finished_at = clock_timestamp(), progress = $2,
             counts = $3, requests = $4, warnings = $5, error = NULL
           WHERE id = $1 AND status = 'running'`,
          [
            run.id,
            JSON.stringify(progress),
            JSON.stringify(counts),
            JSON.stringify(requestsOf(stats?.())),
            JSON.stringify(warnings),
          ],
        );
        if (updatedRuns !== 1) {
          throw new RunAborted('worker_lost', 'The run was taken over as lost; nothing applied.');
        }
        await manager.query(
          `UPDATE connections SET last_synced_at = $2, consecutive_failures = 0 WHERE id = $1`,
          [connection.id, now],
        );
        // A run that changed nothing announces nothing; a baseline or a recovery does. The
        // failure count may have been reset by a resume, so the last run's outcome decides.
        const [previous] = await manager.query<Array<{ status: string }>>(
          `SELECT status FROM sync_runs
           WHERE connection_id = $1 AND id <> $2 AND status IN ('succeeded', 'failed')
           ORDER BY finished_at DESC LIMIT 1`,
          [connection.id, run.id],
        );
        if (changes > 0 || baseline || previous?.status === 'failed') {
          await this.events.append(manager, connection, 'connection.sync_completed', {
            id: connection.id,
            run_id: run.id,
            baseline,
            counts,
          });
        }
      };
      if (baselineSink?.direct) {
        await apply(await baselineSink.transaction(), baselineSink.now);
        await baselineSink.commit();
      } else {
        await analyzeStaging(this.dataSource.manager, run.id);
        await this.dataSource.transaction((manager) => apply(manager));
      }
    } catch (error) {
      // Before the failure is recorded: a failed baseline's rows go and its pool connection
      // comes back first.
      await baselineSink
        ?.abort()
        .catch((abortError: unknown) =>
          this.logger.warn({ run: run.id, err: describe(abortError) }, 'could not roll back'),
        );
      await sink?.settle();
      await this.fail(run, error, progress, stats?.());
    } finally {
      // A run held for confirmation ends without either (a baseline never is: nothing stored,
      // nothing to delete), but its transaction must not outlive the run whatever happens.
      await baselineSink?.abort().catch(() => undefined);
      if (holdsPoolConnection) this.directBaselines -= 1;
      finished.abort();
      await clearStaging(this.dataSource.manager, run.id).catch((error: unknown) =>
        this.logger.warn({ run: run.id, err: describe(error) }, 'could not clear staging'),
      );
    }
  }

  private async writeProgress(runId: string, progress: RunProgress): Promise<void> {
    const [, n] = await this.dataSource.query<[unknown, number]>(
      `UPDATE sync_runs SET progress = $2, heartbeat_at = now() WHERE id = $1 AND status = 'running'`,
      [runId, JSON.stringify(progress)],
    );
    if (n !== 1) {
      throw new RunAborted('worker_lost', 'The run was taken over as lost; it stopped.');
    }
  }

  private async hold(
    run: SyncRunEntity,
    guard: RunDeletionGuard,
    progress: RunProgress,
    warnings: string[],
    requests: RunRequests,
  ): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const connection = await lockConnection(manager, run.connectionId);
      if (!connection) return;
      const [, n] = await manager.query<[unknown, number]>(
        `UPDATE sync_runs SET status = 'needs_confirmation', finished_at = now(), progress = $2,
           deletion_guard = $3, requests = $4, warnings = $5
         WHERE id = $1 AND status = 'running'`,
        [
          run.id,
          JSON.stringify(progress),
          JSON.stringify(guard),
          JSON.stringify(requests),
          JSON.stringify(warnings),
        ],
      );
      if (n !== 1) return;
      await this.events.append(manager, connection, 'sync_run.needs_confirmation', {
        id: run.id,
        connection_id: connection.id,
        deletion_guard: guard,
      });
    });
    this.logger.warn(
      { run: run.id, connection: run.connectionId, ...guard },
      'sync held back: too many deletions, waiting for confirmation',
    );
  }

  /** Records the failure and applies the failure policy; never throws. */
  async fail(
    run: Pick<SyncRunEntity, 'id' | 'connectionId'>,
    error: unknown,
    progress: RunProgress | null,
    stats?: ReadStats,
  ): Promise<void> {
    const runError: RunError & { code: RunErrorCode } =
      error instanceof RunAborted
        ? { code: error.code, message: error.message }
        : runErrorOf(error);
    if (runError.code === 'internal') {
      this.logger.error({ run: run.id, err: describe(error) }, 'sync run failed unexpectedly');
    } else {
      this.logger.warn({ run: run.id, code: runError.code }, 'sync run failed');
    }
    try {
      await this.dataSource.transaction(async (manager) => {
        const connection = await lockConnection(manager, run.connectionId);
        const [, n] = await manager.query<[unknown, number]>(
          `UPDATE sync_runs SET status = 'failed', finished_at = now(), error = $2,
             progress = COALESCE($3, progress), requests = COALESCE($4, requests)
           WHERE id = $1 AND status = 'running'`,
          [
            run.id,
            JSON.stringify(runError),
            progress ? JSON.stringify(progress) : null,
            stats ? JSON.stringify(requestsOf(stats)) : null,
          ],
        );
        if (n !== 1 || !connection || connection.status === 'deleted') return;
        await this.applyFailurePolicy(manager, connection, run.id, runError);
      });
    } catch (policyError) {
      this.logger.error({ run: run.id, err: describe(policyError) }, 'could not record a failure');
    }
    // A lost run's process never reached its own cleanup: its staged rows go with the failure.
    await clearStaging(this.dataSource.manager, run.id).catch((clearError: unknown) =>
      this.logger.warn({ run: run.id, err: describe(clearError) }, 'could not clear staging'),
    );
  }

  private async applyFailurePolicy(
    manager: EntityManager,
    connection: ConnectionEntity,
    runId: string,
    runError: RunError & { code: RunErrorCode },
  ): Promise<void> {
    // A lost worker or a shutdown is the gateway's doing: run again soon. A shutdown does not
    // count towards pausing (restarts during long syncs must not pause a healthy connection); a
    // lost worker does, so a sync that keeps killing its process stops being retried.
    const retrySoon = runError.code === 'worker_lost' || runError.code === 'interrupted';
    const failures = connection.consecutiveFailures + (runError.code === 'interrupted' ? 0 : 1);
    const changes: Record<string, unknown> = { consecutive_failures: failures };
    if (retrySoon && connection.status === 'connected') changes.next_sync_at = this.clock.now();
    await this.events.append(manager, connection, 'connection.sync_failed', {
      id: connection.id,
      run_id: runId,
      error: runError,
      consecutive_failures: failures,
    });
    const canPause = connection.status === 'connected' || connection.status === 'paused';
    if (runError.code === 'credentials_refused' && canPause) {
      Object.assign(changes, { status: 'invalid_credentials', status_reason: runError.message });
      await this.events.append(manager, connection, 'connection.paused', {
        id: connection.id,
        status: 'invalid_credentials',
        reason: 'credentials_refused',
        message: runError.message,
      });
    } else if (failures >= FAILURES_BEFORE_PAUSE && connection.status === 'connected') {
      const reason = `paused after ${failures} failed runs in a row; last error: ${runError.message}`;
      Object.assign(changes, { status: 'paused', status_reason: reason });
      await this.events.append(manager, connection, 'connection.paused', {
        id: connection.id,
        status: 'paused',
        reason: 'repeated_failures',
        message: reason,
        last_error: runError,
      });
    }
    const names = Object.keys(changes);
    await manager.query(
      `UPDATE connections SET ${names.map((name, i) => `${name} = $${i + 2}`).join(', ')},
         updated_at = now() WHERE id = $1`,
      [connection.id, ...names.map((name) => changes[name])],
    );
  }
}

export function requestsOf(stats: ReadStats | undefined): RunRequests {
  return {
    made: stats?.requests ?? 0,
    retries: stats?.retries ?? 0,
    rate_limit_waits: stats?.rateLimitWaits ?? 0,
    rate_limit_wait_ms: Math.round(stats?.rateLimitWaitMs ?? 0),
    throttled: stats?.throttled ?? 0,
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * Counts of a baseline written straight into its tables: every record staged is a row created.
 * It can delete nothing (nothing was stored), which a non-empty deletion list would contradict.
 */
function writtenBaseline(
  resources: readonly GatewayResource[],
  outcome: ReadOutcome,
  deletions: Partial<Record<GatewayResource, Deletion[]>>,
): Partial<Record<GatewayResource, ResourceCounts>> {
  const counts: Partial<Record<GatewayResource, ResourceCounts>> = {};
  for (const resource of resources) {
    if ((deletions[resource]?.length ?? 0) > 0) {
      throw new Error(`a baseline found ${resource} to delete, but nothing was stored`);
    }
    counts[resource] = { ...emptyCounts(), created: outcome.reads[resource]?.staged ?? 0 };
  }
  return counts;
}
