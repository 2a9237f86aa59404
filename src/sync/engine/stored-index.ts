/**
 * Owns loading what is stored for a connection as remote id -> {hash, live}: all the read phase
 * needs to skip unchanged records and the deletion check needs to find missing ones. Hashes
 * only (no records), so it stays small for large companies. Absences are limited to the
 * window: an absence outside it is neither read nor a candidate for deletion.
 */
import type { EntityManager } from 'typeorm';
import type { DateWindow } from '../../../connectors/connector';
import type { GatewayResource } from '../../hris/gateway-id';
import type { StoredEntry, StoredIndex } from './read-phase';
import { RESOURCE_SPECS } from './resource-specs';

export async function loadStoredIndex(
  manager: EntityManager,
  connectionId: string,
  resource: GatewayResource,
  window: DateWindow,
): Promise<StoredIndex> {
  const inWindow = resource === 'absences' ? ' AND start_date <= $2 AND end_date >= $3' : '';
  const params = resource === 'absences' ? [connectionId, window.to, window.from] : [connectionId];
  const rows = await manager.query<Array<{ remote_id: string; hash: string; live: boolean }>>(
    `SELECT remote_id, hash, remote_deleted_at IS NULL AS live
     FROM ${RESOURCE_SPECS[resource].table} WHERE connection_id = $1${inWindow}`,
    params,
  );
  const index = new Map<string, StoredEntry>();
  for (const row of rows) index.set(row.remote_id, { hash: row.hash, live: row.live });
  return index;
}

/** The indexes of every resource a run reads (the sync and the dry run load them alike). */
export async function loadStoredIndexes(
  manager: EntityManager,
  connectionId: string,
  resources: readonly GatewayResource[],
  window: DateWindow,
): Promise<Partial<Record<GatewayResource, StoredIndex>>> {
  const indexes: Partial<Record<GatewayResource, StoredIndex>> = {};
  for (const resource of resources) {
    indexes[resource] = await loadStoredIndex(manager, connectionId, resource, window);
  }
  return indexes;
}
