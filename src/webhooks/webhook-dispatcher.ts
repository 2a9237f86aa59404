/**
 * Sends deliveries in the background of every process with WEBHOOKS_ENABLED. Each tick it fans
 * new events out into deliveries (webhook-fanout.ts), then claims due deliveries up to its free
 * concurrency and sends them; every finished attempt claims again at once, so a stream drains
 * at the speed of its receiver, not of the tick.
 *
 * Claiming: a delivery is due when it is pending, its time has come, no dispatcher holds a live
 * lease on it, its endpoint is enabled, and it is the head of its stream (no earlier pending
 * delivery for the same endpoint and connection): that is the ordering rule, and it also means
 * at most one delivery per stream is in flight. A later event waits while an earlier one
 * retries; the bound is the retry schedule (~27.6 h): when the head is given up, the stream goes
 * on and receivers can still order by `sequence`. At most a quarter of the concurrency goes to
 * one endpoint, so a slow endpoint never takes every slot from the others. Claims are
 * `FOR UPDATE SKIP LOCKED` plus a lease longer than an attempt can take, so two dispatchers
 * never send one delivery at once, and a killed one's lease simply runs out: the delivery is
 * sent again with the same `webhook-id` (at-least-once; receivers deduplicate on the id).
 */
import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomInt } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { Clock } from '../common/time/clock';
import { AppConfig } from '../config/app-config';
import { EVENT_COLUMNS, toEventView, type EventRow } from '../events/event.view';
import { EventsWriter } from '../events/events.writer';
import { Metrics } from '../metrics/metrics';
import { DISABLE_AFTER_FAILING_MS, parseRetryAfter, retryDelayMs } from './retry-policy';
import { webhookHeaders } from './signature';
import { fanOut, openNewStreams } from './webhook-fanout';
import { WebhookSecrets } from './webhook-secrets';
import { WebhookSender, type SendOutcome } from './webhook-sender';
import { type WebhookDisabledReason } from './webhook-endpoint.entity';

const TICK = 'webhook-dispatcher-tick';

interface ClaimedDelivery {
  id: string;
  endpoint_id: string;
  event_id: string;
  attempts: number;
  max_attempts: number;
  leased_until: Date;
}

interface EndpointRow {
  id: string;
  application_id: string;
  url: string;
  secrets: string;
  enabled: boolean;
}

@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('WebhookDispatcher');
  private readonly inFlight = new Set<Promise<void>>();
  private ticking: Promise<void> | null = null;
  private again = false;
  private fanOutDue = true;
  private stopping = false;

  constructor(
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly registry: SchedulerRegistry,
    private readonly clock: Clock,
    private readonly sender: WebhookSender,
    private readonly secrets: WebhookSecrets,
    private readonly events: EventsWriter,
    private readonly metrics: Metrics,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.webhooks.enabled) return;
    this.registry.addInterval(
      TICK,
      setInterval(() => this.nudge(), this.config.webhooks.tickMs),
    );
    this.nudge();
  }

  /** Runs a full round (fan-out and claim) now, or right after the one in progress. */
  nudge(): void {
    this.fanOutDue = true;
    this.schedule();
  }

  /**
   * Runs a round now or right after the one in progress; it fans out only when a tick or a
   * nudge asked for it, so the claim after each finished attempt stays one cheap statement.
   */
  private schedule(): void {
    if (!this.config.webhooks.enabled || this.stopping) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    this.ticking = this.round().finally(() => {
      this.ticking = null;
      if (this.again) {
        this.again = false;
        this.schedule();
      }
    });
  }

  /** Resolves when every round and attempt started so far has ended (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.ticking || this.inFlight.size > 0) {
      await this.ticking;
      await Promise.all(this.inFlight);
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.registry.doesExist('interval', TICK)) this.registry.deleteInterval(TICK);
    // In-flight attempts end within the delivery timeout; one not recorded by then is sent
    // again by whoever takes the lease over, with the same webhook-id.
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise((resolve) => {
      timer = setTimeout(resolve, this.config.shutdownTimeoutMs / 2);
    });
    await Promise.race([this.idle(), limit]);
    clearTimeout(timer);
  }

  private async round(): Promise<void> {
    try {
      if (this.fanOutDue) {
        this.fanOutDue = false;
        await this.dataSource.transaction(async (manager) => {
          await openNewStreams(manager);
          await fanOut(manager, this.clock.now());
        });
      }
      const free = this.config.webhooks.concurrency - this.inFlight.size;
      if (free <= 0) return;
      for (const delivery of await this.claim(free)) {
        const attempt = this.attempt(delivery).finally(() => {
          this.inFlight.delete(attempt);
          this.schedule();
        });
        this.inFlight.add(attempt);
      }
    } catch (error) {
      this.logger.error(
        { err: error instanceof Error ? error.message : String(error) },
        'webhook round failed',
      );
    }
  }

  private async claim(limit: number): Promise<ClaimedDelivery[]> {
    // Due-ness follows the injectable Clock (tests move it to make retries due); leases follow
    // real time, as the attempts they cover do: on the Clock, moving it would end every lease
    // in flight and send those deliveries a second time.
    const now = this.clock.now();
    const wallNow = new Date();
    // Longer than any attempt (timeout) plus recording it; a lease that ran out means its holder died.
    const leaseUntil = new Date(wallNow.getTime() + this.config.webhooks.timeoutMs * 2 + 5_000);
    const perEndpoint = Math.max(1, Math.floor(this.config.webhooks.concurrency / 4));
    // An UPDATE through TypeORM's pg driver answers [rows, count].
    const [rows] = await this.dataSource.query<[ClaimedDelivery[], number]>(
      `WITH heads AS (
         -- The earliest pending delivery of every stream (endpoint x connection; DISTINCT ON
         -- groups the application's own NULL-connection stream too), in one ordered pass over
         -- the pending index: a per-row NOT EXISTS over the backlog was quadratic.
         SELECT DISTINCT ON (d.endpoint_id, d.connection_id)
                d.id, d.endpoint_id, d.connection_id, d.next_attempt_at, d.leased_until
         FROM webhook_deliveries d
         WHERE d.status = 'pending'
         ORDER BY d.endpoint_id, d.connection_id, d.sequence, d.created_at, d.id
       ), leased AS (
         SELECT endpoint_id, connection_id FROM webhook_deliveries
         WHERE status = 'pending' AND leased_until > $5
       ), busy AS (
         SELECT endpoint_id, count(*) AS n FROM leased GROUP BY endpoint_id
       ), due AS (
         SELECT h.id, h.endpoint_id, h.next_attempt_at,
                row_number() OVER (PARTITION BY h.endpoint_id ORDER BY h.next_attempt_at, h.id) AS rank
         FROM heads h JOIN webhook_endpoints w ON w.id = h.endpoint_id
         WHERE w.enabled AND h.next_attempt_at <= $1
           AND (h.leased_until IS NULL OR h.leased_until <= $5)
           -- A stream with a delivery in flight waits, even when a replay or a manual retry
           -- put an earlier sequence at its head meanwhile: one in flight per stream.
           AND NOT EXISTS (
             SELECT 1 FROM leased l
             WHERE l.endpoint_id = h.endpoint_id
               AND l.connection_id IS NOT DISTINCT FROM h.connection_id)
       ), chosen AS (
         SELECT due.id FROM due LEFT JOIN busy USING (endpoint_id)
         WHERE due.rank + COALESCE(busy.n, 0) <= $3
         ORDER BY due.next_attempt_at LIMIT $2
       ), locked AS (
         SELECT id FROM webhook_deliveries WHERE id IN (SELECT id FROM chosen)
         FOR UPDATE SKIP LOCKED
       )
       UPDATE webhook_deliveries d SET leased_until = $4
       FROM locked WHERE d.id = locked.id AND d.status = 'pending'
         AND (d.leased_until IS NULL OR d.leased_until <= $5)
       RETURNING d.id, d.endpoint_id, d.event_id, d.attempts, d.max_attempts, d.leased_until`,
      [now, limit, perEndpoint, leaseUntil, wallNow],
    );
    return rows;
  }

  private async attempt(delivery: ClaimedDelivery): Promise<void> {
    let endpoint: EndpointRow | undefined;
    let sent = false;
    try {
      [endpoint] = await this.dataSource.query<EndpointRow[]>(
        `SELECT id, application_id, url, secrets, enabled FROM webhook_endpoints WHERE id = $1`,
        [delivery.endpoint_id],
      );
      const [event] = await this.dataSource.query<EventRow[]>(
        `SELECT ${EVENT_COLUMNS} FROM events WHERE id = $1`,
        [delivery.event_id],
      );
      if (!endpoint || !event) return; // deleted meanwhile: the cascade removed the delivery too
      // Disabled since the claim (a 410 elsewhere, its owner), or the lease too short to finish
      // an attempt (a slow pool or clock): hand the delivery back instead of sending.
      const leaseLeft = delivery.leased_until.getTime() - Date.now();
      if (!endpoint.enabled || leaseLeft < this.config.webhooks.timeoutMs + 1_000) {
        await this.release(delivery);
        return;
      }
      const body = this.body(event);
      const secrets = this.secrets.signingSecrets(endpoint.id, endpoint.secrets, this.clock.now());
      // The signed timestamp is real wall time (receivers compare it with theirs), unlike the
      // schedule, which follows the clock tests can move.
      const headers = webhookHeaders({
        id: event.id,
        timestamp: Math.floor(Date.now() / 1000),
        body,
        secrets,
      });
      sent = true;
      const outcome = await this.sender.send(endpoint.url, { ...headers }, body);
      await this.record(delivery, endpoint, outcome);
    } catch (error) {
      this.logger.error(
        { err: error instanceof Error ? error.message : String(error), delivery: delivery.id },
        sent ? 'webhook attempt could not be recorded' : 'webhook attempt could not be prepared',
      );
      // Failing before sending (an unopenable secret, say) would otherwise retry at every lease
      // expiry, uncounted and forever: it counts as a failed attempt, so the schedule applies.
      if (!sent && endpoint) {
        await this.record(delivery, endpoint, {
          statusCode: null,
          durationMs: 0,
          error: 'the gateway could not prepare this delivery (its logs say why)',
          responseExcerpt: null,
          retryAfter: undefined,
        }).catch(() => undefined);
      }
    }
  }

  /** Gives a claimed delivery back without an attempt. */
  private async release(delivery: ClaimedDelivery): Promise<void> {
    await this.dataSource.query(
      `UPDATE webhook_deliveries SET leased_until = NULL WHERE id = $1 AND leased_until = $2`,
      [delivery.id, delivery.leased_until],
    );
  }

  /** The event as the feed shows it; above the size cap without `data` (pull it from the feed). */
  private body(event: EventRow): string {
    const view = toEventView(event);
    const full = JSON.stringify(view);
    if (Buffer.byteLength(full, 'utf8') <= this.config.webhooks.maxPayloadBytes) return full;
    return JSON.stringify({ ...view, data: { truncated: true } });
  }

  private async record(
    delivery: ClaimedDelivery,
    endpoint: EndpointRow,
    outcome: SendOutcome,
  ): Promise<void> {
    const now = this.clock.now();
    const ok = outcome.statusCode !== null && outcome.statusCode >= 200 && outcome.statusCode < 300;
    const outcomeLabel = Metrics.webhookOutcome(outcome.statusCode);
    this.metrics.webhookAttempts.inc({ outcome: outcomeLabel });
    this.metrics.webhookLatency.observe({ outcome: outcomeLabel }, outcome.durationMs / 1000);
    const attempts = delivery.attempts + 1;
    const givenUp = !ok && attempts >= delivery.max_attempts;
    const retryAfterMs =
      outcome.statusCode === 429 ? parseRetryAfter(outcome.retryAfter, now) : null;
    const nextAttemptAt = new Date(
      now.getTime() +
        (ok || givenUp ? 0 : retryDelayMs(attempts, retryAfterMs, randomInt(1e6) / 1e6)),
    );
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO webhook_attempts
           (delivery_id, attempted_at, status_code, duration_ms, error, response_excerpt)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [
          delivery.id,
          now,
          outcome.statusCode,
          outcome.durationMs,
          outcome.error,
          outcome.responseExcerpt,
        ],
      );
      // Only the lease holder moves the delivery on: a dispatcher whose lease ran out (it was
      // presumed dead) still logs its attempt but no longer decides the delivery's state.
      const [, moved] = await manager.query<[unknown, number]>(
        `UPDATE webhook_deliveries
         SET status = $3, attempts = attempts + 1, next_attempt_at = $4, leased_until = NULL,
             last_attempt_at = $5, updated_at = now()
         WHERE id = $1 AND leased_until = $2`,
        [
          delivery.id,
          delivery.leased_until,
          ok ? 'succeeded' : givenUp ? 'failed' : 'pending',
          nextAttemptAt,
          now,
        ],
      );
      // Presumed dead and taken over: the endpoint's standing is the new holder's to judge.
      if (moved === 0) return;
      if (ok) {
        await manager.query(
          `UPDATE webhook_endpoints SET failing_since = NULL WHERE id = $1 AND failing_since IS NOT NULL`,
          [endpoint.id],
        );
        return;
      }
      const [rows] = await manager.query<
        [Array<{ failing_since: Date; enabled: boolean }>, number]
      >(
        `UPDATE webhook_endpoints SET failing_since = COALESCE(failing_since, $2)
         WHERE id = $1 RETURNING failing_since, enabled`,
        [endpoint.id, now],
      );
      const state = rows[0];
      if (!state?.enabled) return;
      if (outcome.statusCode === 410) {
        await this.disable(manager, endpoint, 'gone', now);
      } else if (now.getTime() - state.failing_since.getTime() >= DISABLE_AFTER_FAILING_MS) {
        await this.disable(manager, endpoint, 'failing', now);
      }
    });
  }

  /** Stops an endpoint and tells the application (event feed and its other endpoints). */
  private async disable(
    manager: EntityManager,
    endpoint: EndpointRow,
    reason: WebhookDisabledReason,
    now: Date,
  ): Promise<void> {
    const [rows] = await manager.query<[Array<{ id: string }>, number]>(
      `UPDATE webhook_endpoints SET enabled = false, disabled_reason = $2, disabled_at = $3,
              updated_at = now()
       WHERE id = $1 AND enabled RETURNING id`,
      [endpoint.id, reason, now],
    );
    if (rows.length === 0) return;
    this.logger.warn({ endpoint: endpoint.id, reason }, 'webhook endpoint disabled');
    await this.events.appendToApplication(
      manager,
      endpoint.application_id,
      'webhook_endpoint.disabled',
      {
        id: endpoint.id,
        // The host only: a URL's path or query may carry the receiver's own token, and this
        // event goes to the application's other receivers and its feed.
        host: new URL(endpoint.url).host,
        reason,
        disabled_at: now.toISOString(),
      },
      now,
    );
  }
}
