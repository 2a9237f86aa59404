/** Endpoints, deliveries and attempts as the API shows them: the contract's generated types. */
import { type components } from '../../openapi/generated/hris-gateway';
import { type WebhookAttemptEntity } from './webhook-attempt.entity';
import { type WebhookDeliveryEntity } from './webhook-delivery.entity';
import { type WebhookEndpointEntity } from './webhook-endpoint.entity';

export type WebhookEndpointView = components['schemas']['WebhookEndpoint'];

export function toEndpointView(
  endpoint: WebhookEndpointEntity,
  previousSecretExpiresAt: Date | null,
): WebhookEndpointView {
  return {
    id: endpoint.id,
    url: endpoint.url,
    description: endpoint.description,
    event_types: endpoint.eventTypes,
    connection_ids: endpoint.connectionIds,
    enabled: endpoint.enabled,
    disabled_reason: endpoint.disabledReason,
    disabled_at: endpoint.disabledAt?.toISOString() ?? null,
    failing_since: endpoint.failingSince?.toISOString() ?? null,
    previous_secret_expires_at: previousSecretExpiresAt?.toISOString() ?? null,
    created_at: endpoint.createdAt.toISOString(),
    updated_at: endpoint.updatedAt.toISOString(),
  };
}

export type WebhookAttemptView = components['schemas']['WebhookAttempt'];

export type WebhookDeliveryView = components['schemas']['WebhookDelivery'];

export function toDeliveryView(
  delivery: WebhookDeliveryEntity,
  attempts: readonly WebhookAttemptEntity[],
): WebhookDeliveryView {
  return {
    id: delivery.id,
    endpoint_id: delivery.endpointId,
    event_id: delivery.eventId,
    event_type: delivery.eventType,
    connection_id: delivery.connectionId,
    sequence: Number(delivery.sequence),
    replay: delivery.replay,
    status: delivery.status,
    attempts: delivery.attempts,
    next_attempt_at: delivery.status === 'pending' ? delivery.nextAttemptAt.toISOString() : null,
    last_attempt_at: delivery.lastAttemptAt?.toISOString() ?? null,
    created_at: delivery.createdAt.toISOString(),
    attempt_log: attempts.map((a) => ({
      attempted_at: a.attemptedAt.toISOString(),
      status_code: a.statusCode,
      duration_ms: a.durationMs,
      error: a.error,
      response_excerpt: a.responseExcerpt,
    })),
  };
}
