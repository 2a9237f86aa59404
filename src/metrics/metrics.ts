/**
 * The gateway's Prometheus metrics. One registry per application instance (tests run several
 * gateways in one process; the global default registry would mix them). Counters and
 * histograms count what this process did; the gauges at the end read shared state from
 * PostgreSQL at scrape time, so every replica reports the same queue depths and statuses.
 */
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DataSource } from 'typeorm';

const PREFIX = 'hris_';

@Injectable()
export class Metrics {
  readonly registry = new Registry();

  readonly syncRuns = new Counter({
    name: `${PREFIX}sync_runs_total`,
    help: 'Sync runs this process finished, by outcome and trigger.',
    labelNames: ['outcome', 'trigger'] as const,
    registers: [this.registry],
  });

  readonly syncRunDuration = new Histogram({
    name: `${PREFIX}sync_run_duration_seconds`,
    help: 'Wall time of finished sync runs (start to end of apply), by outcome.',
    labelNames: ['outcome'] as const,
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600],
    registers: [this.registry],
  });

  readonly recordsChanged = new Counter({
    name: `${PREFIX}sync_records_changed_total`,
    help: 'Unified records created, updated or deleted by successful runs, by resource.',
    labelNames: ['resource', 'change'] as const,
    registers: [this.registry],
  });

  readonly personioRequests = new Counter({
    name: `${PREFIX}personio_requests_total`,
    help: 'Requests sent to Personio by sync runs (retries included).',
    registers: [this.registry],
  });

  readonly personioThrottled = new Counter({
    name: `${PREFIX}personio_throttled_total`,
    help: 'Personio answers 429 Too Many Requests.',
    registers: [this.registry],
  });

  readonly personioRetries = new Counter({
    name: `${PREFIX}personio_retries_total`,
    help: 'Personio requests retried after a failure.',
    registers: [this.registry],
  });

  readonly personioRateLimitWait = new Counter({
    name: `${PREFIX}personio_rate_limit_wait_seconds_total`,
    help: 'Time sync runs waited for Personio rate limits (pacing and Retry-After).',
    registers: [this.registry],
  });

  readonly webhookAttempts = new Counter({
    name: `${PREFIX}webhook_attempts_total`,
    help: 'Webhook delivery attempts, by outcome (success, client_error, server_error, throttled, no_answer).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly webhookLatency = new Histogram({
    name: `${PREFIX}webhook_attempt_duration_seconds`,
    help: 'Duration of webhook delivery attempts, by outcome.',
    labelNames: ['outcome'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15],
    registers: [this.registry],
  });

  constructor(@InjectDataSource() dataSource: DataSource) {
    collectDefaultMetrics({ register: this.registry, prefix: PREFIX });
    const registry = this.registry;
    new Gauge({
      name: `${PREFIX}sync_queue_depth`,
      help: 'Sync runs queued or running, across all replicas.',
      labelNames: ['status'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        const rows = await dataSource.query<Array<{ status: string; n: number }>>(
          `SELECT status, count(*)::int AS n FROM sync_runs
           WHERE status IN ('queued', 'running') GROUP BY status`,
        );
        for (const status of ['queued', 'running']) {
          this.set({ status }, rows.find((r) => r.status === status)?.n ?? 0);
        }
      },
    });
    new Gauge({
      name: `${PREFIX}webhook_deliveries_pending`,
      help: 'Webhook deliveries waiting to be sent or retried, and those already due.',
      labelNames: ['state'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        const [row] = await dataSource.query<Array<{ pending: number; due: number }>>(
          `SELECT count(*)::int AS pending,
                  count(*) FILTER (WHERE next_attempt_at <= now())::int AS due
           FROM webhook_deliveries WHERE status = 'pending'`,
        );
        this.set({ state: 'pending' }, row?.pending ?? 0);
        this.set({ state: 'due' }, row?.due ?? 0);
      },
    });
    new Gauge({
      name: `${PREFIX}connections`,
      help: 'Connections by status, across all replicas.',
      labelNames: ['status'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        const rows = await dataSource.query<Array<{ status: string; n: number }>>(
          `SELECT status, count(*)::int AS n FROM connections GROUP BY status`,
        );
        for (const row of rows) this.set({ status: row.status }, row.n);
      },
    });
    new Gauge({
      name: `${PREFIX}webhook_endpoints_disabled`,
      help: 'Webhook endpoints disabled (by their owner, a 410 or days of failures).',
      registers: [registry],
      async collect() {
        const [row] = await dataSource.query<Array<{ n: number }>>(
          `SELECT count(*)::int AS n FROM webhook_endpoints WHERE NOT enabled`,
        );
        this.set(row?.n ?? 0);
      },
    });
  }

  /** The outcome label of one webhook attempt. */
  static webhookOutcome(statusCode: number | null): string {
    if (statusCode === null) return 'no_answer';
    if (statusCode >= 200 && statusCode < 300) return 'success';
    if (statusCode === 429) return 'throttled';
    return statusCode >= 500 ? 'server_error' : 'client_error';
  }
}
