/**
 * Owns the explicit list of connectors: one line per provider, no discovery, no registration
 * as a side effect of importing a module. The sync engine picks a connector from here by name.
 */
import type { Connector, ConnectorManifest } from './connector';
import { PersonioConnector, type PersonioConnectorOptions } from './personio/personio.connector';
import { PERSONIO_MANIFEST } from './personio/personio.manifest';

export interface RegisteredConnector {
  manifest: ConnectorManifest;
  /** Builds the connector from configuration the gateway read once (never process.env here). */
  create(options: PersonioConnectorOptions): Connector<unknown, unknown>;
}

export const CONNECTORS: readonly RegisteredConnector[] = [
  {
    manifest: PERSONIO_MANIFEST,
    create: (options) => new PersonioConnector(options),
  },
];

export function connectorByName(name: string): RegisteredConnector | undefined {
  return CONNECTORS.find((c) => c.manifest.name === name);
}
