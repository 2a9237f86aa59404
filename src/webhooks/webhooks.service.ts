/**
 * Rules for the webhook API. Endpoints belong to an application, so these routes take a token
 * of the application alone: a token bound to one connection must not see or steer deliveries of
 * the application's other customers. URLs are checked at registration (syntax and every DNS
 * answer) and again by the sender before every connection.
 */
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, In, type EntityManager } from 'typeorm';
import { type AuthContext } from '../auth/access-token.guard';
import { ProblemException } from '../common/errors/problem';
import { keysetPage, positionAfter } from '../common/pagination/keyset-page';
import { Clock } from '../common/time/clock';
import { isUuid } from '../common/validation/uuid';
import { AppConfig } from '../config/app-config';
import {
  type CreateWebhookDto,
  type ListDeliveriesQuery,
  type ListWebhooksQuery,
  type ReplayWebhookDto,
  type RotateWebhookSecretDto,
  type UpdateWebhookDto,
} from './dto/webhook.dto';
import { eventPatternProblem, matchesSql } from './event-filter';
import { guardWebhookTarget } from './url-guard';
import { WebhookAttemptEntity } from './webhook-attempt.entity';
import { WebhookDeliveryEntity } from './webhook-delivery.entity';
import { WebhookEndpointEntity } from './webhook-endpoint.entity';
import { startStreamsAtCurrentEnd } from './webhook-fanout';
import { DEFAULT_ROTATION_GRACE_SECONDS, WebhookSecrets } from './webhook-secrets';
import {
  toDeliveryView,
  toEndpointView,
  type WebhookDeliveryView,
  type WebhookEndpointView,
} from './webhook.view';
import { MAX_ATTEMPTS } from './retry-policy';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WebhookSender } from './webhook-sender';

/** Events one replay call queues at most; the answer says where to continue. */
export const REPLAY_MAX_EVENTS = 10_000;
/**
 * Endpoints one application may have. Each one is a stream per connection for fan-out and the
 * dispatcher, so an unbounded number would let one application load every replica; a product
 * needs a handful (one per environment or consumer).
 */
export const MAX_ENDPOINTS_PER_APPLICATION = 25;

const endpointNotFound = (): ProblemException =>
  new ProblemException('not_found', 'No such webhook endpoint.');
const deliveryNotFound = (): ProblemException =>
  new ProblemException('not_found', 'No such delivery.');

const invalidField = (field: string, message: string, detail?: string): ProblemException =>
  new ProblemException('validation_failed', detail ?? message, {
    errors: [{ in: 'body', field, message }],
  });

export interface ReplayResult {
  queued: number;
  connection_id: string | null;
  /** The last sequence queued; replay again after it when `more` is true. */
  last_sequence: number | null;
  more: boolean;
}

@Injectable()
export class WebhooksService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly secrets: WebhookSecrets,
    private readonly dispatcher: WebhookDispatcher,
    private readonly sender: WebhookSender,
  ) {}

  async create(
    auth: AuthContext,
    input: CreateWebhookDto,
  ): Promise<WebhookEndpointView & { secret: string }> {
    const applicationId = applicationOf(auth);
    const url = await this.checkedUrl(input.url);
    const eventTypes = checkedPatterns(input.event_types);
    const id = randomUUID();
    const { sealed, secret } = this.secrets.create(id);
    const saved = await this.dataSource.transaction(async (manager) => {
      await this.checkRoomForAnotherEndpoint(manager, applicationId);
      const connectionIds = await this.checkedConnections(
        manager,
        applicationId,
        input.connection_ids,
      );
      const endpoint = manager.getRepository(WebhookEndpointEntity).create({
        id,
        applicationId,
        url,
        description: input.description ?? null,
        eventTypes,
        connectionIds,
        enabled: input.enabled ?? true,
        disabledReason: input.enabled === false ? 'manual' : null,
        disabledAt: input.enabled === false ? this.clock.now() : null,
        secrets: sealed,
        failingSince: null,
      });
      await manager.getRepository(WebhookEndpointEntity).save(endpoint);
      await startStreamsAtCurrentEnd(manager, id, applicationId, connectionIds, 'new');
      return manager.getRepository(WebhookEndpointEntity).findOneByOrFail({ id });
    });
    return { ...toEndpointView(saved, null), secret };
  }

  /** Locks the application row, so two creates cannot both take the last place. */
  private async checkRoomForAnotherEndpoint(
    manager: EntityManager,
    applicationId: string,
  ): Promise<void> {
    await manager.query(`SELECT 1 FROM applications WHERE id = $1 FOR NO KEY UPDATE`, [
      applicationId,
    ]);
    const [row] = await manager.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM webhook_endpoints WHERE application_id = $1`,
      [applicationId],
    );
    if ((row?.n ?? 0) >= MAX_ENDPOINTS_PER_APPLICATION) {
      throw new ProblemException(
        'conflict',
        `This application already has ${MAX_ENDPOINTS_PER_APPLICATION} webhook endpoints, the most it may have; delete one it no longer uses first.`,
      );
    }
  }

  async list(
    auth: AuthContext,
    query: ListWebhooksQuery,
  ): Promise<{ data: WebhookEndpointView[]; next_cursor: string | null }> {
    const applicationId = applicationOf(auth);
    const after = positionAfter(query.cursor);
    const rows = this.dataSource
      .getRepository(WebhookEndpointEntity)
      .createQueryBuilder('w')
      .where('w.application_id = :applicationId', { applicationId })
      .orderBy('w.created_at', 'DESC')
      .addOrderBy('w.id', 'DESC')
      .limit(query.limit + 1);
    if (after) rows.andWhere('(w.created_at, w.id) < (:createdAt, :id)', after);
    return keysetPage(await rows.getMany(), query.limit, (row) => this.view(row));
  }

  async get(auth: AuthContext, id: string): Promise<WebhookEndpointView> {
    return this.view(await this.find(this.dataSource.manager, auth, id));
  }

  async update(
    auth: AuthContext,
    id: string,
    input: UpdateWebhookDto,
  ): Promise<WebhookEndpointView> {
    const url = input.url === undefined ? undefined : await this.checkedUrl(input.url);
    const eventTypes = input.event_types && checkedPatterns(input.event_types);
    const saved = await this.dataSource.transaction(async (manager) => {
      const endpoint = await this.find(manager, auth, id, true);
      const previousConnections = endpoint.connectionIds;
      if (url !== undefined) endpoint.url = url;
      if (eventTypes) endpoint.eventTypes = eventTypes;
      if (input.description !== undefined) endpoint.description = input.description;
      if (input.connection_ids !== undefined) {
        endpoint.connectionIds = await this.checkedConnections(
          manager,
          endpoint.applicationId,
          input.connection_ids,
        );
      }
      if (input.enabled === true && !endpoint.enabled) {
        endpoint.enabled = true;
        endpoint.disabledReason = null;
        endpoint.disabledAt = null;
        endpoint.failingSince = null;
      } else if (input.enabled === false && endpoint.enabled) {
        endpoint.enabled = false;
        endpoint.disabledReason = 'manual';
        endpoint.disabledAt = this.clock.now();
      }
      const saved = await manager.getRepository(WebhookEndpointEntity).save(endpoint);
      if (input.connection_ids !== undefined) {
        await startStreamsAtCurrentEnd(
          manager,
          endpoint.id,
          endpoint.applicationId,
          endpoint.connectionIds,
          previousConnections,
        );
      }
      return saved;
    });
    if (saved.enabled) this.dispatcher.nudge();
    return this.view(saved);
  }

  async remove(auth: AuthContext, id: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const endpoint = await this.find(manager, auth, id, true);
      await manager.getRepository(WebhookEndpointEntity).delete({ id: endpoint.id });
    });
  }

  async rotateSecret(
    auth: AuthContext,
    id: string,
    input: RotateWebhookSecretDto,
  ): Promise<WebhookEndpointView & { secret: string }> {
    return this.dataSource.transaction(async (manager) => {
      const endpoint = await this.find(manager, auth, id, true);
      const rotated = this.secrets.rotate(
        endpoint.id,
        endpoint.secrets,
        this.clock.now(),
        input.grace_period_seconds ?? DEFAULT_ROTATION_GRACE_SECONDS,
      );
      endpoint.secrets = rotated.sealed;
      const saved = await manager.getRepository(WebhookEndpointEntity).save(endpoint);
      return { ...toEndpointView(saved, rotated.previousExpiresAt), secret: rotated.secret };
    });
  }

  async listDeliveries(
    auth: AuthContext,
    id: string,
    query: ListDeliveriesQuery,
  ): Promise<{ data: WebhookDeliveryView[]; next_cursor: string | null }> {
    const endpoint = await this.find(this.dataSource.manager, auth, id);
    const after = positionAfter(query.cursor);
    const rows = this.dataSource
      .getRepository(WebhookDeliveryEntity)
      .createQueryBuilder('d')
      .where('d.endpoint_id = :endpointId', { endpointId: endpoint.id })
      .orderBy('d.created_at', 'DESC')
      .addOrderBy('d.id', 'DESC')
      .limit(query.limit + 1);
    if (query.status) rows.andWhere('d.status = :status', { status: query.status });
    if (query.event_type) rows.andWhere('d.event_type = :type', { type: query.event_type });
    if (query.since) rows.andWhere('d.created_at >= :since', { since: new Date(query.since) });
    if (query.until) rows.andWhere('d.created_at < :until', { until: new Date(query.until) });
    if (after) rows.andWhere('(d.created_at, d.id) < (:createdAt, :id)', after);
    const deliveries = await rows.getMany();
    const attempts = await this.attemptsOf(deliveries.slice(0, query.limit).map((d) => d.id));
    return keysetPage(deliveries, query.limit, (d) => toDeliveryView(d, attempts.get(d.id) ?? []));
  }

  /** Sends a delivery again now: a pending one is brought forward, an ended one gets one more attempt. */
  async retryDelivery(
    auth: AuthContext,
    id: string,
    deliveryId: string,
  ): Promise<WebhookDeliveryView> {
    const now = this.clock.now();
    const delivery = await this.dataSource.transaction(async (manager) => {
      const endpoint = await this.find(manager, auth, id);
      if (!isUuid(deliveryId)) throw deliveryNotFound();
      const delivery = await manager
        .getRepository(WebhookDeliveryEntity)
        .createQueryBuilder('d')
        .setLock('pessimistic_write')
        .where('d.id = :deliveryId AND d.endpoint_id = :endpointId', {
          deliveryId,
          endpointId: endpoint.id,
        })
        .getOne();
      if (!delivery) throw deliveryNotFound();
      // Leases are real time, not the Clock's (webhook-dispatcher.ts).
      if (
        delivery.status === 'pending' &&
        delivery.leasedUntil &&
        delivery.leasedUntil.getTime() > Date.now()
      ) {
        throw new ProblemException('conflict', 'This delivery is being sent right now.');
      }
      if (delivery.status !== 'pending') {
        delivery.status = 'pending';
        delivery.maxAttempts = delivery.attempts + 1;
      }
      delivery.nextAttemptAt = now;
      return manager.getRepository(WebhookDeliveryEntity).save(delivery);
    });
    this.dispatcher.nudge();
    return toDeliveryView(delivery, (await this.attemptsOf([delivery.id])).get(delivery.id) ?? []);
  }

  /**
   * Queues the stream's events after `after_sequence` again, as new deliveries carrying the
   * original event ids (the `webhook-id` receivers deduplicate on), in sequence order behind
   * whatever the stream still has pending.
   */
  async replay(auth: AuthContext, id: string, input: ReplayWebhookDto): Promise<ReplayResult> {
    const result = await this.dataSource.transaction(async (manager) => {
      const endpoint = await this.find(manager, auth, id);
      const connectionId = this.replayStream(endpoint, input.connection_id);
      if (connectionId) {
        await this.checkedConnections(manager, endpoint.applicationId, [connectionId]);
      }
      const rows = await manager.query<Array<{ sequence: string }>>(
        `INSERT INTO webhook_deliveries
           (endpoint_id, event_id, connection_id, sequence, event_type, replay, max_attempts, next_attempt_at)
         SELECT $1, e.id, e.connection_id, e.sequence, e.type, true, ${MAX_ATTEMPTS}, $5
         FROM (
           SELECT id, connection_id, sequence, type FROM events
           WHERE application_id = $2
             AND (($3::uuid IS NULL AND connection_id IS NULL) OR connection_id = $3::uuid)
             AND sequence > $4
             -- Only what fan-out has passed already: later events come through it, once.
             AND sequence <= COALESCE((
               SELECT last_sequence FROM webhook_streams
               WHERE endpoint_id = $1 AND connection_id IS NOT DISTINCT FROM $3::uuid), 0)
             AND ($3::uuid IS NULL OR ${matchesSql('$6::text[]', 'type')})
           ORDER BY sequence LIMIT ${REPLAY_MAX_EVENTS + 1}
         ) e
         ORDER BY e.sequence LIMIT ${REPLAY_MAX_EVENTS}
         RETURNING sequence`,
        [
          endpoint.id,
          endpoint.applicationId,
          connectionId,
          input.after_sequence,
          this.clock.now(),
          endpoint.eventTypes,
        ],
      );
      const more = await manager.query<Array<{ n: number }>>(
        `SELECT count(*)::int AS n FROM events
         WHERE application_id = $1
           AND (($2::uuid IS NULL AND connection_id IS NULL) OR connection_id = $2::uuid)
           AND sequence > $3`,
        [endpoint.applicationId, connectionId, input.after_sequence],
      );
      const sequences = rows.map((r) => Number(r.sequence));
      return {
        queued: rows.length,
        connection_id: connectionId,
        last_sequence: sequences.length > 0 ? Math.max(...sequences) : null,
        more: rows.length === REPLAY_MAX_EVENTS && (more[0]?.n ?? 0) > REPLAY_MAX_EVENTS,
      };
    });
    if (result.queued > 0) this.dispatcher.nudge();
    return result;
  }

  private replayStream(
    endpoint: WebhookEndpointEntity,
    requested: string | null | undefined,
  ): string | null {
    if (requested === null) return null;
    if (requested !== undefined) {
      requested = requested.toLowerCase();
      if (endpoint.connectionIds && !endpoint.connectionIds.includes(requested)) {
        throw invalidField(
          'connection_id',
          'connection_id is not one this endpoint receives events of',
        );
      }
      return requested;
    }
    const only = endpoint.connectionIds?.length === 1 ? endpoint.connectionIds[0] : undefined;
    if (!only) {
      throw invalidField(
        'connection_id',
        'connection_id is required: sequences count per connection and this endpoint receives several',
      );
    }
    return only;
  }

  private async attemptsOf(ids: string[]): Promise<Map<string, WebhookAttemptEntity[]>> {
    const byDelivery = new Map<string, WebhookAttemptEntity[]>();
    if (ids.length === 0) return byDelivery;
    const attempts = await this.dataSource.getRepository(WebhookAttemptEntity).find({
      where: { deliveryId: In(ids) },
      order: { attemptedAt: 'ASC' },
    });
    for (const attempt of attempts) {
      const list = byDelivery.get(attempt.deliveryId) ?? [];
      list.push(attempt);
      byDelivery.set(attempt.deliveryId, list);
    }
    return byDelivery;
  }

  private view(endpoint: WebhookEndpointEntity): WebhookEndpointView {
    return toEndpointView(
      endpoint,
      this.secrets.previousExpiresAt(endpoint.id, endpoint.secrets, this.clock.now()),
    );
  }

  private async find(
    manager: EntityManager,
    auth: AuthContext,
    id: string,
    lock = false,
  ): Promise<WebhookEndpointEntity> {
    const applicationId = applicationOf(auth);
    if (!isUuid(id)) throw endpointNotFound();
    const query = manager
      .getRepository(WebhookEndpointEntity)
      .createQueryBuilder('w')
      .where('w.id = :id AND w.application_id = :applicationId', { id, applicationId });
    // FOR NO KEY UPDATE, not FOR UPDATE: the dispatcher's fan-out holds stream rows while its
    // delivery inserts take a key-share lock on this endpoint; FOR UPDATE here would deadlock
    // with it when a PATCH then touches those stream rows.
    if (lock) query.setLock('for_no_key_update');
    const endpoint = await query.getOne();
    if (!endpoint) throw endpointNotFound();
    return endpoint;
  }

  private async checkedUrl(raw: string): Promise<string> {
    // The sender's resolver, so registration and sending judge the same DNS answers.
    const target = await guardWebhookTarget(
      raw,
      { allowInsecure: this.config.webhooks.allowInsecureUrls },
      ...(this.sender.lookup ? [this.sender.lookup] : []),
    );
    if (!target.ok) {
      throw invalidField('url', target.reason, `The webhook URL is refused: ${target.reason}.`);
    }
    return target.url.toString();
  }

  /** Deduplicated, and every one a live connection of the application (else a 400). */
  private async checkedConnections(
    manager: EntityManager,
    applicationId: string,
    ids: string[] | null | undefined,
  ): Promise<string[] | null> {
    if (ids === null || ids === undefined) return null;
    const unique = [...new Set(ids.map((id) => id.toLowerCase()))];
    const found = await manager.query<Array<{ id: string }>>(
      `SELECT id FROM connections WHERE application_id = $1 AND id = ANY ($2::uuid[])
       AND status <> 'deleted'`,
      [applicationId, unique],
    );
    const known = new Set(found.map((row) => row.id));
    const unknown = unique.filter((id) => !known.has(id));
    if (unknown.length > 0) {
      throw invalidField(
        'connection_ids',
        `not connections of this application: ${unknown.slice(0, 5).join(', ')}`,
      );
    }
    return unique;
  }
}

function applicationOf(auth: AuthContext): string {
  if (auth.connectionId) {
    throw new ProblemException(
      'forbidden',
      'Webhook endpoints belong to the application: request a token without connection_id.',
    );
  }
  return auth.applicationId;
}

function checkedPatterns(patterns: string[]): string[] {
  const unique = [...new Set(patterns)];
  for (const pattern of unique) {
    const problem = eventPatternProblem(pattern);
    if (problem) throw invalidField('event_types', problem, `Unknown event type: ${problem}.`);
  }
  return unique;
}
