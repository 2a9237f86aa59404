import { type components } from '../../openapi/generated/hris-gateway';
import { type ConnectionEntity } from './connection.entity';

export type ConnectionView = components['schemas']['Connection'];

/** The API's view of a connection: never the credentials, only whether there are some. */
export function toConnectionView(row: ConnectionEntity): ConnectionView {
  return {
    id: row.id,
    customer_ref: row.customerRef,
    provider: row.provider as ConnectionView['provider'],
    status: row.status as ConnectionView['status'],
    status_reason: row.statusReason,
    has_credentials: row.credentials !== null,
    settings: row.settings,
    connected_at: row.connectedAt?.toISOString() ?? null,
    next_sync_at: row.status === 'connected' ? (row.nextSyncAt?.toISOString() ?? null) : null,
    last_synced_at: row.lastSyncedAt?.toISOString() ?? null,
    consecutive_failures: row.consecutiveFailures,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}
