/**
 * Owns the background half of syncing in one process. Every tick it
 * 1. fails runs whose worker stopped sending heartbeats (a crashed or killed process),
 * 2. queues a run for each connection whose schedule is due, claiming the connection rows with
 *    `FOR NO KEY UPDATE SKIP LOCKED` and moving `next_sync_at` in the same transaction, so however
 *    many replicas tick, each due sync is queued once (not FOR UPDATE: that would also skip a
 *    connection while anything referencing it, such as a run being queued, is inserted),
 * 3. claims queued runs (`FOR UPDATE SKIP LOCKED` again) up to its free concurrency and runs them.
 * Plain PostgreSQL rows instead of a job-queue library: the run table is already the queue and
 * the history, and one more schema (pg-boss) would duplicate both.
 */
import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { DataSource, In } from 'typeorm';
import { Clock } from '../../common/time/clock';
import { AppConfig } from '../../config/app-config';
import { effectiveSettings } from '../../connections/dto/connection-settings.dto';
import { nextSyncAfter } from '../../connections/schedule';
import { sweepStaging } from '../engine/staging';
import { RunAborted, SyncRunner, type RunControl } from '../engine/sync-runner';
import { SyncRunEntity, type RunRequests } from '../runs/sync-run.entity';
import { Metrics } from '../../metrics/metrics';

const TICK = 'sync-scheduler-tick';
const DUE_BATCH = 100;

@Injectable()
export class SyncScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('SyncScheduler');
  readonly workerId = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly active = new Map<string, { control: RunControl; done: Promise<void> }>();
  private ticking: Promise<void> | null = null;
  private again = false;
  private stopping = false;

  constructor(
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly runner: SyncRunner,
    private readonly registry: SchedulerRegistry,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.sync.enabled) return;
    this.registry.addInterval(
      TICK,
      setInterval(() => this.nudge(), this.config.sync.tickMs),
    );
    this.nudge();
  }

  /** Ticks now (or right after the tick in progress): a queued run need not wait a full tick. */
  nudge(): void {
    if (!this.config.sync.enabled || this.stopping) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    this.ticking = this.tick().finally(() => {
      this.ticking = null;
      if (this.again) {
        this.again = false;
        this.nudge();
      }
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.registry.doesExist('interval', TICK)) this.registry.deleteInterval(TICK);
    await this.ticking;
    for (const { control } of this.active.values()) control.cancelled = true;
    const all = Promise.all(Array.from(this.active.values(), (a) => a.done));
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise((resolve) => {
      timer = setTimeout(resolve, this.config.shutdownTimeoutMs / 2);
    });
    await Promise.race([all, limit]);
    clearTimeout(timer);
  }

  private async tick(): Promise<void> {
    try {
      await this.heartbeat();
      await this.reapLost();
      await this.queueDue();
      await this.claimQueued();
    } catch (error) {
      this.logger.error(
        { err: error instanceof Error ? error.message : String(error) },
        'sync tick failed',
      );
    }
    // Housekeeping after the work: a failure here must never hold syncs back.
    await sweepStaging(this.dataSource.manager).catch((error: unknown) =>
      this.logger.warn(
        { err: error instanceof Error ? error.message : String(error) },
        'could not sweep staging',
      ),
    );
  }

  private async heartbeat(): Promise<void> {
    if (this.active.size === 0) return;
    await this.dataSource.query(
      `UPDATE sync_runs SET heartbeat_at = now() WHERE id = ANY($1::uuid[]) AND status = 'running'`,
      [Array.from(this.active.keys())],
    );
  }

  private async reapLost(): Promise<void> {
    const lost = await this.dataSource.query<Array<{ id: string; connection_id: string }>>(
      `SELECT id, connection_id FROM sync_runs
       WHERE status = 'running' AND heartbeat_at < now() - make_interval(secs => $1::double precision / 1000)
         AND NOT (id = ANY($2::uuid[]))
       ORDER BY heartbeat_at LIMIT 50`,
      [this.config.sync.staleAfterMs, Array.from(this.active.keys())],
    );
    for (const run of lost) {
      this.logger.warn({ run: run.id }, 'sync run lost its worker; failing it');
      await this.runner.fail(
        { id: run.id, connectionId: run.connection_id },
        new RunAborted(
          'worker_lost',
          'The process running this sync stopped (a crash or restart) before it finished; nothing was applied. It runs again.',
        ),
        null,
      );
    }
  }

  private async queueDue(): Promise<void> {
    // Schedules follow the injectable Clock (tests move it to 04:00 instead of waiting for it).
    const now = this.clock.now();
    await this.dataSource.transaction(async (manager) => {
      const due = await manager.query<
        Array<{ id: string; application_id: string; settings: object; defaults: object }>
      >(
        `SELECT c.id, c.application_id, c.settings, a.default_settings AS defaults
         FROM connections c JOIN applications a ON a.id = c.application_id
         WHERE c.status = 'connected' AND c.next_sync_at <= $2
         ORDER BY c.next_sync_at LIMIT $1
         FOR NO KEY UPDATE OF c SKIP LOCKED`,
        [DUE_BATCH, now],
      );
      if (due.length === 0) return;
      const next = due.map((row) => {
        const settings = effectiveSettings(
          row.defaults as Record<string, unknown>,
          row.settings as Record<string, unknown>,
        );
        const at = nextSyncAfter(settings.schedule, now);
        return { id: row.id, application_id: row.application_id, next_sync_at: at.toISOString() };
      });
      await manager.query(
        `INSERT INTO sync_runs (application_id, connection_id, trigger, status, progress)
         SELECT r.application_id, r.id, 'schedule', 'queued', '{"resource":null,"pages":0,"records":0}'
         FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, application_id uuid)
         ON CONFLICT (connection_id) WHERE status IN ('queued', 'running') DO NOTHING`,
        [JSON.stringify(next)],
      );
      await manager.query(
        `UPDATE connections c SET next_sync_at = r.next_sync_at
         FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, next_sync_at timestamptz)
         WHERE c.id = r.id`,
        [JSON.stringify(next)],
      );
    });
  }

  /** Counts a finished run into the metrics, from its record (the one source of its outcome). */
  private async observe(runId: string): Promise<void> {
    try {
      const [run] = await this.dataSource.query<
        Array<{
          status: string;
          trigger: string;
          started_at: Date | null;
          finished_at: Date | null;
          counts: Record<string, { created: number; updated: number; deleted: number }> | null;
          requests: Partial<RunRequests> | null;
        }>
      >(
        `SELECT status, trigger, started_at, finished_at, counts, requests FROM sync_runs WHERE id = $1`,
        [runId],
      );
      if (!run || !['succeeded', 'failed', 'needs_confirmation'].includes(run.status)) return;
      this.metrics.syncRuns.inc({ outcome: run.status, trigger: run.trigger });
      if (run.started_at && run.finished_at) {
        this.metrics.syncRunDuration.observe(
          { outcome: run.status },
          (run.finished_at.getTime() - run.started_at.getTime()) / 1000,
        );
      }
      if (run.status === 'succeeded') {
        for (const [resource, counts] of Object.entries(run.counts ?? {})) {
          for (const change of ['created', 'updated', 'deleted'] as const) {
            if (counts[change] > 0) {
              this.metrics.recordsChanged.inc({ resource, change }, counts[change]);
            }
          }
        }
      }
      const requests = run.requests ?? {};
      this.metrics.personioRequests.inc(requests.made ?? 0);
      this.metrics.personioThrottled.inc(requests.throttled ?? 0);
      this.metrics.personioRetries.inc(requests.retries ?? 0);
      this.metrics.personioRateLimitWait.inc((requests.rate_limit_wait_ms ?? 0) / 1000);
    } catch (error) {
      this.logger.warn({ run: runId, err: String(error) }, 'could not count a run into metrics');
    }
  }

  private async claimQueued(): Promise<void> {
    const free = this.config.sync.concurrency - this.active.size;
    if (free <= 0 || this.stopping) return;
    // An UPDATE through TypeORM answers [rows, affected].
    const [claimed] = await this.dataSource.query<[Array<{ id: string }>, number]>(
      `UPDATE sync_runs SET status = 'running', started_at = now(), heartbeat_at = now(), worker_id = $1
       WHERE id IN (
         SELECT id FROM sync_runs WHERE status = 'queued'
         ORDER BY queued_at LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING id`,
      [this.workerId, free],
    );
    if (claimed.length === 0) return;
    const runs = await this.dataSource
      .getRepository(SyncRunEntity)
      .findBy({ id: In(claimed.map((c) => c.id)) });
    for (const run of runs) {
      const control: RunControl = { cancelled: false };
      const done = this.runner
        .execute(run, control)
        .catch((error: unknown) =>
          this.logger.error({ run: run.id, err: String(error) }, 'sync run crashed'),
        )
        .then(() => this.observe(run.id))
        .finally(() => {
          this.active.delete(run.id);
          this.nudge();
        });
      this.active.set(run.id, { control, done });
    }
  }
}
