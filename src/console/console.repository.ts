/**
 * What the console shows, read straight from the tables. The operator sees every application,
 * so unlike the API repositories these reads are not keyed by a tenant: the console's session
 * guard is what stands in front of them. Lists are capped; the console is for looking, not for
 * exporting.
 */
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { isUuid } from '../common/validation/uuid';
import { type SyncRunEntity } from '../sync/runs/sync-run.entity';

export const LIST_LIMIT = 200;
/** Connections per console page: a gateway may serve thousands of customers. */
export const CONNECTIONS_PAGE = 100;
export const RECENT_RUNS = 30;
export const RECENT_DELIVERIES = 10;
export const RECENT_ATTEMPTS = 5;

export interface ApplicationRow {
  id: string;
  name: string;
  client_id: string;
  disabled_at: Date | null;
  created_at: Date;
  connections: number;
  connected: number;
  failing_webhooks: number;
}

/** Where a page of connections continues: the last row shown, newest first. */
export interface ConnectionsCursor {
  createdAt: Date;
  id: string;
}

export interface ConnectionsQuery {
  applicationId?: string;
  /** Case-insensitive prefix of the customer reference. */
  customerRef?: string;
  after?: ConnectionsCursor;
}

/** `2026-12-06T10:00:00.123Z_<uuid>`: not secret (the console is the operator's), only opaque. */
export function encodeConnectionsCursor(cursor: ConnectionsCursor): string {
  return `${cursor.createdAt.toISOString()}_${cursor.id}`;
}

export function decodeConnectionsCursor(text: string): ConnectionsCursor | null {
  const [stamp, id, extra] = text.split('_');
  if (stamp === undefined || id === undefined || extra !== undefined || !isUuid(id)) return null;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(stamp)) return null;
  const createdAt = new Date(stamp);
  return Number.isNaN(createdAt.getTime()) ? null : { createdAt, id };
}

/** LIKE's own characters taken literally: a search for "acme_%" finds exactly that prefix. */
function likePrefix(text: string): string {
  return `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export interface LastRun {
  id: string;
  status: SyncRunEntity['status'];
  queued_at: Date;
  finished_at: Date | null;
}

export interface ConnectionRow {
  id: string;
  application_id: string;
  application_name: string;
  customer_ref: string;
  status: string;
  status_reason: string | null;
  has_credentials: boolean;
  connected_at: Date | null;
  next_sync_at: Date | null;
  last_synced_at: Date | null;
  consecutive_failures: number;
  created_at: Date;
  employees: number;
  absences: number;
  last_run: LastRun | null;
}

export interface RunRow {
  id: string;
  application_id: string;
  connection_id: string;
  customer_ref: string;
  application_name: string;
  trigger: SyncRunEntity['trigger'];
  actor: SyncRunEntity['actor'];
  status: SyncRunEntity['status'];
  queued_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  heartbeat_at: Date | null;
  worker_id: string | null;
  progress: SyncRunEntity['progress'];
  counts: SyncRunEntity['counts'];
  requests: SyncRunEntity['requests'];
  deletion_guard: SyncRunEntity['deletionGuard'];
  error: SyncRunEntity['error'];
  warnings: string[];
  confirms_run_id: string | null;
  confirmed_at: Date | null;
  follow_up_run_id: string | null;
}

export interface AttemptRow {
  id: string;
  attempted_at: Date;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
  response_excerpt: string | null;
}

export interface DeliveryRow {
  id: string;
  event_type: string;
  connection_id: string | null;
  sequence: string;
  replay: boolean;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  max_attempts: number;
  next_attempt_at: Date;
  leased_until: Date | null;
  created_at: Date;
  attempt_log: AttemptRow[];
}

export interface FailingEndpointRow {
  id: string;
  application_id: string;
  application_name: string;
  url: string;
  description: string | null;
  enabled: boolean;
  disabled_reason: string | null;
  disabled_at: Date | null;
  failing_since: Date | null;
  /** Deliveries waiting to be sent (the stream's head is retried, the rest queue behind it). */
  pending: number;
  /** The latest attempted deliveries, most recently attempted first. */
  deliveries: DeliveryRow[];
}

const CONNECTION_COLUMNS = `
  c.id, c.application_id, a.name AS application_name, c.customer_ref, c.status, c.status_reason,
  c.credentials IS NOT NULL AS has_credentials, c.connected_at, c.next_sync_at, c.last_synced_at,
  c.consecutive_failures, c.created_at,
  (SELECT count(*)::int FROM employees e WHERE e.connection_id = c.id AND e.remote_deleted_at IS NULL) AS employees,
  (SELECT count(*)::int FROM absences b WHERE b.connection_id = c.id AND b.remote_deleted_at IS NULL) AS absences,
  (SELECT json_build_object('id', r.id, 'status', r.status, 'queued_at', r.queued_at, 'finished_at', r.finished_at)
     FROM sync_runs r WHERE r.connection_id = c.id ORDER BY r.queued_at DESC, r.id DESC LIMIT 1) AS last_run`;

type RawLastRun = {
  id: string;
  status: LastRun['status'];
  queued_at: string;
  finished_at: string | null;
};

function connectionRow(
  raw: ConnectionRow & { last_run: RawLastRun | LastRun | null },
): ConnectionRow {
  const run = raw.last_run as RawLastRun | null;
  return {
    ...raw,
    last_run: run && {
      id: run.id,
      status: run.status,
      queued_at: new Date(run.queued_at),
      finished_at: run.finished_at ? new Date(run.finished_at) : null,
    },
  };
}

const RUN_SELECT = `
  SELECT r.id, r.application_id, r.connection_id, c.customer_ref, a.name AS application_name,
    r.trigger, r.actor, r.status, r.queued_at, r.started_at, r.finished_at, r.heartbeat_at,
    r.worker_id, r.progress, r.counts, r.requests, r.deletion_guard, r.error, r.warnings,
    r.confirms_run_id, r.confirmed_at, r.follow_up_run_id
  FROM sync_runs r
  JOIN connections c ON c.id = r.connection_id
  JOIN applications a ON a.id = r.application_id`;

@Injectable()
export class ConsoleRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  applications(): Promise<ApplicationRow[]> {
    return this.dataSource.query<ApplicationRow[]>(
      `SELECT a.id, a.name, a.client_id, a.disabled_at, a.created_at,
         (SELECT count(*)::int FROM connections c WHERE c.application_id = a.id AND c.status <> 'deleted') AS connections,
         (SELECT count(*)::int FROM connections c WHERE c.application_id = a.id AND c.status = 'connected') AS connected,
         (SELECT count(*)::int FROM webhook_endpoints w
            WHERE w.application_id = a.id AND (w.failing_since IS NOT NULL OR NOT w.enabled)) AS failing_webhooks
       FROM applications a ORDER BY a.created_at DESC, a.id DESC LIMIT ${LIST_LIMIT}`,
    );
  }

  async application(id: string): Promise<{ id: string; name: string } | null> {
    if (!isUuid(id)) return null;
    const [row] = await this.dataSource.query<Array<{ id: string; name: string }>>(
      `SELECT id, name FROM applications WHERE id = $1`,
      [id],
    );
    return row ?? null;
  }

  /** One page of connections, newest first, and where the next page starts (null: none). */
  async connections(
    query: ConnectionsQuery = {},
  ): Promise<{ rows: ConnectionRow[]; next: ConnectionsCursor | null }> {
    const rows = await this.dataSource.query<ConnectionRow[]>(
      `SELECT ${CONNECTION_COLUMNS}
       FROM connections c JOIN applications a ON a.id = c.application_id
       WHERE c.status <> 'deleted' AND ($1::uuid IS NULL OR c.application_id = $1::uuid)
         AND ($2::text IS NULL OR c.customer_ref ILIKE $2)
         AND ($3::timestamptz IS NULL OR (c.created_at, c.id) < ($3::timestamptz, $4::uuid))
       ORDER BY c.created_at DESC, c.id DESC LIMIT ${CONNECTIONS_PAGE + 1}`,
      [
        query.applicationId ?? null,
        query.customerRef ? likePrefix(query.customerRef) : null,
        query.after?.createdAt ?? null,
        query.after?.id ?? null,
      ],
    );
    const page = rows.slice(0, CONNECTIONS_PAGE).map(connectionRow);
    const last = page[page.length - 1];
    return {
      rows: page,
      next:
        rows.length > CONNECTIONS_PAGE && last ? { createdAt: last.created_at, id: last.id } : null,
    };
  }

  async connection(id: string): Promise<ConnectionRow | null> {
    if (!isUuid(id)) return null;
    const [row] = await this.dataSource.query<ConnectionRow[]>(
      `SELECT ${CONNECTION_COLUMNS}
       FROM connections c JOIN applications a ON a.id = c.application_id
       WHERE c.id = $1 AND c.status <> 'deleted'`,
      [id],
    );
    return row ? connectionRow(row) : null;
  }

  /** The latest runs of a connection, newest first. */
  recentRuns(connectionId: string, limit = RECENT_RUNS): Promise<RunRow[]> {
    return this.dataSource.query<RunRow[]>(
      `${RUN_SELECT} WHERE r.connection_id = $1 ORDER BY r.queued_at DESC, r.id DESC LIMIT $2`,
      [connectionId, limit],
    );
  }

  async run(id: string): Promise<RunRow | null> {
    if (!isUuid(id)) return null;
    const [row] = await this.dataSource.query<RunRow[]>(`${RUN_SELECT} WHERE r.id = $1`, [id]);
    return row ?? null;
  }

  /** Where a run belongs, for acting on it through the application's services. */
  async runOwner(id: string): Promise<{ application_id: string; connection_id: string } | null> {
    if (!isUuid(id)) return null;
    const [row] = await this.dataSource.query<
      Array<{ application_id: string; connection_id: string }>
    >(`SELECT application_id, connection_id FROM sync_runs WHERE id = $1`, [id]);
    return row ?? null;
  }

  async connectionOwner(id: string): Promise<string | null> {
    if (!isUuid(id)) return null;
    const [row] = await this.dataSource.query<Array<{ application_id: string }>>(
      `SELECT application_id FROM connections WHERE id = $1 AND status <> 'deleted'`,
      [id],
    );
    return row?.application_id ?? null;
  }

  async endpointOwner(id: string): Promise<string | null> {
    if (!isUuid(id)) return null;
    const [row] = await this.dataSource.query<Array<{ application_id: string }>>(
      `SELECT application_id FROM webhook_endpoints WHERE id = $1`,
      [id],
    );
    return row?.application_id ?? null;
  }

  /** Endpoints failing now or switched off, with their last attempted deliveries and attempts. */
  async failingEndpoints(): Promise<FailingEndpointRow[]> {
    const endpoints = await this.dataSource.query<Omit<FailingEndpointRow, 'deliveries'>[]>(
      `SELECT w.id, w.application_id, a.name AS application_name, w.url, w.description, w.enabled,
         w.disabled_reason, w.disabled_at, w.failing_since,
         (SELECT count(*)::int FROM webhook_deliveries p
            WHERE p.endpoint_id = w.id AND p.status = 'pending') AS pending
       FROM webhook_endpoints w JOIN applications a ON a.id = w.application_id
       WHERE w.failing_since IS NOT NULL OR NOT w.enabled
       ORDER BY COALESCE(w.failing_since, w.disabled_at) ASC NULLS LAST, w.id
       LIMIT ${LIST_LIMIT}`,
    );
    if (endpoints.length === 0) return [];
    const deliveries = await this.dataSource.query<
      Array<Omit<DeliveryRow, 'attempt_log'> & { endpoint_id: string }>
    >(
      `SELECT e.id AS endpoint_id, d.id, d.event_type, d.connection_id, d.sequence, d.replay, d.status,
         d.attempts, d.max_attempts, d.next_attempt_at, d.leased_until, d.created_at
       FROM unnest($1::uuid[]) AS e(id)
       CROSS JOIN LATERAL (
         SELECT * FROM webhook_deliveries d
         WHERE d.endpoint_id = e.id AND d.last_attempt_at IS NOT NULL
         ORDER BY d.last_attempt_at DESC, d.id DESC LIMIT ${RECENT_DELIVERIES}
       ) d`,
      [endpoints.map((e) => e.id)],
    );
    const attempts = deliveries.length
      ? await this.dataSource.query<Array<AttemptRow & { delivery_id: string }>>(
          `SELECT x.delivery_id, a.id, a.attempted_at, a.status_code, a.duration_ms, a.error, a.response_excerpt
           FROM unnest($1::uuid[]) AS x(delivery_id)
           CROSS JOIN LATERAL (
             SELECT * FROM webhook_attempts a WHERE a.delivery_id = x.delivery_id
             ORDER BY a.attempted_at DESC LIMIT ${RECENT_ATTEMPTS}
           ) a
           ORDER BY a.attempted_at ASC`,
          [deliveries.map((d) => d.id)],
        )
      : [];
    return endpoints.map((endpoint) => ({
      ...endpoint,
      deliveries: deliveries
        .filter((d) => d.endpoint_id === endpoint.id)
        .map(({ endpoint_id: _endpoint, ...d }) => ({
          ...d,
          attempt_log: attempts
            .filter((a) => a.delivery_id === d.id)
            .map(({ delivery_id: _delivery, ...a }) => a),
        })),
    }));
  }
}
