/**
 * Owns opening a connector session for a stored connection: its effective settings and its
 * credentials taken out of the vault. The secret lives only in the session object handed to
 * the connector; nothing here logs or returns it.
 */
import type { EntityManager } from 'typeorm';
import type { ConnectorSession } from '../../../connectors/connector';
import type { PersonioConnector } from '../../../connectors/personio/personio.connector';
import { ApplicationEntity } from '../../applications/application.entity';
import { ConnectionEntity } from '../../connections/connection.entity';
import {
  effectiveSettings,
  type ConnectionSettings,
} from '../../connections/dto/connection-settings.dto';
import { sealingContext } from '../../vault/sealed-columns';
import type { Vault } from '../../vault/vault';

export interface OpenedConnection {
  connection: ConnectionEntity;
  application: ApplicationEntity;
  settings: ConnectionSettings;
  session: ConnectorSession;
}

/** undefined: the connection is gone or has no credentials. */
export async function openConnection(
  manager: EntityManager,
  vault: Vault,
  connector: PersonioConnector,
  connectionId: string,
): Promise<OpenedConnection | undefined> {
  const connection = await manager.findOneBy(ConnectionEntity, { id: connectionId });
  if (!connection || connection.status === 'deleted' || connection.credentials === null) {
    return undefined;
  }
  const application = await manager.findOneBy(ApplicationEntity, {
    id: connection.applicationId,
  });
  if (!application) return undefined;
  const settings = effectiveSettings(application.defaultSettings, connection.settings);
  const sealed = JSON.parse(
    vault.open(connection.credentials, sealingContext.connectionCredentials(connection.id)),
  ) as { client_id: string; client_secret: string };
  const session = connector.session(
    { clientId: sealed.client_id, clientSecret: sealed.client_secret },
    { apiVersion: settings.personio_api_version },
  );
  return { connection, application, settings, session };
}
