/**
 * Every TypeORM entity, listed explicitly: a glob would silently miss a file or pick up a
 * stray one, and the migration drift check depends on this list being complete.
 */
import { type EntitySchema } from 'typeorm';
import { ApplicationEntity } from '../applications/application.entity';
import { ConnectSessionEntity } from '../connect/connect-session.entity';
import { ConnectionEntity } from '../connections/connection.entity';
import { EventEntity } from '../events/event.entity';
import { ApiRateLimitEntity } from '../auth/api-rate-limit.entity';
import { AbsenceTypeEntity } from '../hris/entities/absence-type.entity';
import { AbsenceEntity } from '../hris/entities/absence.entity';
import { EmployeeEntity } from '../hris/entities/employee.entity';
import { PositionEntity } from '../hris/entities/position.entity';
import { ReportingLineEntity } from '../hris/entities/reporting-line.entity';
import { TeamEntity } from '../hris/entities/team.entity';
import { SyncRunEntity } from '../sync/runs/sync-run.entity';
import { SyncStagingEntity } from '../sync/runs/sync-staging.entity';
import { SigningKeyEntity } from '../tokens/signing-key.entity';
import { WebhookAttemptEntity } from '../webhooks/webhook-attempt.entity';
import { WebhookDeliveryEntity } from '../webhooks/webhook-delivery.entity';
import { WebhookEndpointEntity } from '../webhooks/webhook-endpoint.entity';
import { WebhookStreamEntity } from '../webhooks/webhook-stream.entity';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own type for entity classes
export const ENTITIES: Array<Function | EntitySchema> = [
  ApplicationEntity,
  ConnectionEntity,
  ConnectSessionEntity,
  EventEntity,
  SigningKeyEntity,
  EmployeeEntity,
  TeamEntity,
  PositionEntity,
  ReportingLineEntity,
  AbsenceEntity,
  AbsenceTypeEntity,
  SyncRunEntity,
  SyncStagingEntity,
  ApiRateLimitEntity,
  WebhookEndpointEntity,
  WebhookStreamEntity,
  WebhookDeliveryEntity,
  WebhookAttemptEntity,
];
