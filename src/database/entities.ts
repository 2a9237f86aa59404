/**
 * Every TypeORM entity, listed explicitly: a glob would silently miss a file or pick up a
 * stray one, and the migration drift check depends on this list being complete.
 */
import { type EntitySchema } from 'typeorm';
import { ApplicationEntity } from '../applications/application.entity';
import { ConnectSessionEntity } from '../connect/connect-session.entity';
import { ConnectionEntity } from '../connections/connection.entity';
import { EventEntity } from '../events/event.entity';
import { SigningKeyEntity } from '../tokens/signing-key.entity';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own type for entity classes
export const ENTITIES: Array<Function | EntitySchema> = [
  ApplicationEntity,
  ConnectionEntity,
  ConnectSessionEntity,
  EventEntity,
  SigningKeyEntity,
];
