/** Endpoints, deliveries and attempts as the API shows them (schemas in openapi/). */
import { type WebhookAttemptEntity } from './webhook-attempt.entity';
import { type WebhookDeliveryEntity } from './webhook-delivery.entity';
import { type WebhookEndpointEntity } from './webhook-endpoint.entity';

export interface WebhookEndpointView {
  id: string;
  url: string;
  description: string | null;
  event_types: string[];
  connection_ids: string[] | null;
  enabled: boolean;
  disabled_reason: string | null;
  disabled_at: string | null;
  failing_since: string | null;
  /** When the previous secret stops signing, while a rotation's grace period runs. */
  previous_secret_expires_at: string | null;
  created_at: string;
  updated_at: string;
}

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

export interface WebhookAttemptView {
  attempted_at: string;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
  response_excerpt: string | null;
}

export interface WebhookDeliveryView {
  id: string;
  endpoint_id: string;
  /** Also the `webhook-id` header of every attempt. */
  event_id: string;
  event_type: string;
  connection_id: string | null;
  sequence: number;
  replay: boolean;
  status: string;
  attempts: number;
  next_attempt_at: string | null;
  last_attempt_at: string | null;
  created_at: string;
  attempt_log: WebhookAttemptView[];
}

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
