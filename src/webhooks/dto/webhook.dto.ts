import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsString,
  IsUUID,
  Length,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { PageQuery } from '../../common/pagination/page.query';
import { IsDateTime } from '../../common/validation/query-values';
import { OptionalNotNull } from '../../common/validation/optional-not-null';
import { EVENT_TYPES } from '../../events/event-types';
import { MAX_EVENT_TYPE_PATTERNS } from '../event-filter';
import { WEBHOOK_DELIVERY_STATUSES } from '../webhook-delivery.entity';
import { MAX_WEBHOOK_URL_LENGTH } from '../url-guard';
import { MAX_ROTATION_GRACE_SECONDS } from '../webhook-secrets';

/** Connections an endpoint may name at most (beyond that: leave it null for all). */
export const MAX_ENDPOINT_CONNECTIONS = 1_000;

export class CreateWebhookDto {
  /** https (http and loopback only with WEBHOOK_ALLOW_INSECURE_URLS); checked again per send. */
  @IsString()
  @Length(1, MAX_WEBHOOK_URL_LENGTH)
  url!: string;

  /** Exact types, `family.*` or `*`. */
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_EVENT_TYPE_PATTERNS)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  event_types!: string[];

  /** Absent or null: every connection of the application, including later ones. */
  @ValidateIf((_o, value) => value !== undefined && value !== null)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ENDPOINT_CONNECTIONS)
  @IsUUID('all', { each: true })
  connection_ids?: string[] | null;

  @OptionalNotNull()
  @IsString()
  @MaxLength(500)
  description?: string;

  @OptionalNotNull()
  @IsBoolean()
  enabled?: boolean;
}

export class UpdateWebhookDto {
  @OptionalNotNull()
  @IsString()
  @Length(1, MAX_WEBHOOK_URL_LENGTH)
  url?: string;

  @OptionalNotNull()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_EVENT_TYPE_PATTERNS)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  event_types?: string[];

  /** null: every connection; an array: just these. */
  @ValidateIf((_o, value) => value !== undefined && value !== null)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ENDPOINT_CONNECTIONS)
  @IsUUID('all', { each: true })
  connection_ids?: string[] | null;

  /** null clears it. */
  @ValidateIf((_o, value) => value !== undefined && value !== null)
  @IsString()
  @MaxLength(500)
  description?: string | null;

  /** true also clears a disabled reason and the failure streak. */
  @OptionalNotNull()
  @IsBoolean()
  enabled?: boolean;
}

export class RotateWebhookSecretDto {
  /** How long the previous secret keeps signing (both signatures are sent meanwhile). */
  @OptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(MAX_ROTATION_GRACE_SECONDS)
  grace_period_seconds?: number;
}

export class ReplayWebhookDto {
  /** Re-sends every event after this sequence, with the original ids. */
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  after_sequence!: number;

  /**
   * Which connection's events; required unless the endpoint is limited to one connection.
   * Null replays the application's own events.
   */
  @ValidateIf((_o, value) => value !== undefined && value !== null)
  @IsUUID()
  connection_id?: string | null;
}

export class ListWebhooksQuery extends PageQuery {}

export class ListDeliveriesQuery extends PageQuery {
  @OptionalNotNull()
  @IsIn(WEBHOOK_DELIVERY_STATUSES)
  status?: (typeof WEBHOOK_DELIVERY_STATUSES)[number];

  @OptionalNotNull()
  @IsIn(EVENT_TYPES)
  event_type?: (typeof EVENT_TYPES)[number];

  /** Deliveries created at or after this instant. */
  @OptionalNotNull()
  @IsDateTime()
  since?: string;

  /** Deliveries created before this instant. */
  @OptionalNotNull()
  @IsDateTime()
  until?: string;
}
