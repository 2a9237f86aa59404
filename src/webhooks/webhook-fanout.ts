/**
 * Turns new events into deliveries, one endpoint stream at a time. A stream is one endpoint's
 * read position in one connection's events (or in the application's own events); because a
 * stream's sequences are gapless and committed in order (the writer holds the connection's or
 * application's row lock), "every event after the position" never skips one, whatever order
 * transactions of different connections commit in. Each stream row is locked with SKIP LOCKED,
 * so several dispatchers split the streams instead of fanning one out twice.
 */
import { type EntityManager } from 'typeorm';
import { matchesSql } from './event-filter';
import { MAX_ATTEMPTS } from './retry-policy';

/** Events taken per stream per round: bounds one statement's work after a large sync. */
export const FANOUT_BATCH = 500;

/**
 * Opens streams for connections an endpoint has not seen yet. Connections that existed when the
 * endpoint was created or re-scoped got their stream then, at the connection's current
 * position (only new events); a stream opened here is for a connection created later, so it
 * starts at its first event.
 */
export async function openNewStreams(manager: EntityManager): Promise<void> {
  await manager.query(
    `INSERT INTO webhook_streams (endpoint_id, connection_id, last_sequence)
     SELECT w.id, c.id, 0
     FROM webhook_endpoints w JOIN connections c ON c.application_id = w.application_id
     WHERE w.enabled AND (w.connection_ids IS NULL OR c.id = ANY (w.connection_ids))
       AND NOT EXISTS (
         SELECT 1 FROM webhook_streams s WHERE s.endpoint_id = w.id AND s.connection_id = c.id)
     ON CONFLICT DO NOTHING`,
  );
}

/**
 * Starts streams for `endpointId` at the current end of every stream it may read (the
 * application's own events and its connections', or just `connectionIds`), so a new or
 * re-scoped endpoint hears only what happens from now on. Existing positions of streams
 * already in scope are kept; streams re-entering scope skip what happened while out of it.
 */
export async function startStreamsAtCurrentEnd(
  manager: EntityManager,
  endpointId: string,
  applicationId: string,
  connectionIds: readonly string[] | null,
  previousConnectionIds: readonly string[] | null | 'new',
): Promise<void> {
  await manager.query(
    `INSERT INTO webhook_streams (endpoint_id, connection_id, last_sequence)
     SELECT $1, NULL, a.last_event_sequence FROM applications a WHERE a.id = $2
     ON CONFLICT DO NOTHING`,
    [endpointId, applicationId],
  );
  const wasInScope = (id: string): boolean =>
    previousConnectionIds !== 'new' &&
    (previousConnectionIds === null || previousConnectionIds.includes(id));
  const connections = await manager.query<Array<{ id: string; last_event_sequence: string }>>(
    `SELECT id, last_event_sequence FROM connections
     WHERE application_id = $1 AND ($2::uuid[] IS NULL OR id = ANY ($2::uuid[]))`,
    [applicationId, connectionIds],
  );
  const entering = connections.filter((c) => !wasInScope(c.id));
  if (entering.length === 0) return;
  await manager.query(
    `INSERT INTO webhook_streams (endpoint_id, connection_id, last_sequence)
     SELECT $1, c.id, c.seq FROM unnest($2::uuid[], $3::bigint[]) AS c(id, seq)
     ON CONFLICT (endpoint_id, connection_id) WHERE connection_id IS NOT NULL
     DO UPDATE SET last_sequence = GREATEST(webhook_streams.last_sequence, EXCLUDED.last_sequence)`,
    [endpointId, entering.map((c) => c.id), entering.map((c) => c.last_event_sequence)],
  );
}

/**
 * One fan-out round over every stream not locked by another dispatcher: reads up to
 * FANOUT_BATCH events past each position, inserts a delivery for each event the endpoint wants
 * (the application's own events go to every endpoint: they are about the endpoints themselves),
 * and moves the positions, all in one statement. Returns the deliveries created.
 */
export async function fanOut(manager: EntityManager, now: Date): Promise<number> {
  const rows = await manager.query<Array<{ created: string }>>(
    `WITH streams AS (
       SELECT s.id, s.endpoint_id, s.connection_id, s.last_sequence, w.application_id, w.event_types
       FROM webhook_streams s JOIN webhook_endpoints w ON w.id = s.endpoint_id
       JOIN applications a ON a.id = w.application_id
       LEFT JOIN connections c ON c.id = s.connection_id
       WHERE w.enabled
         AND (s.connection_id IS NULL OR w.connection_ids IS NULL
              OR s.connection_id = ANY (w.connection_ids))
         -- Only streams behind their writer's counter (committed, so its events are visible):
         -- idle streams are neither locked nor rewritten every round.
         AND s.last_sequence < CASE WHEN s.connection_id IS NULL THEN a.last_event_sequence
                                    ELSE c.last_event_sequence END
       FOR UPDATE OF s SKIP LOCKED
     ), fresh AS (
       SELECT s.id AS stream_id, s.endpoint_id, s.event_types, e.id AS event_id,
              e.connection_id, e.sequence, e.type
       FROM streams s CROSS JOIN LATERAL (
         SELECT e.id, e.connection_id, e.sequence, e.type FROM events e
         WHERE s.connection_id IS NOT NULL AND e.connection_id = s.connection_id
           AND e.sequence > s.last_sequence
         UNION ALL
         SELECT e.id, e.connection_id, e.sequence, e.type FROM events e
         WHERE s.connection_id IS NULL AND e.application_id = s.application_id
           AND e.connection_id IS NULL AND e.sequence > s.last_sequence
         ORDER BY sequence LIMIT ${FANOUT_BATCH}
       ) e
     ), inserted AS (
       INSERT INTO webhook_deliveries
         (endpoint_id, event_id, connection_id, sequence, event_type, max_attempts, next_attempt_at)
       SELECT f.endpoint_id, f.event_id, f.connection_id, f.sequence, f.type, ${MAX_ATTEMPTS}, $1
       FROM fresh f
       WHERE f.connection_id IS NULL OR ${matchesSql('f.event_types', 'f.type')}
       ON CONFLICT DO NOTHING
       RETURNING 1
     ), moved AS (
       UPDATE webhook_streams st SET last_sequence = m.last
       FROM (SELECT stream_id, max(sequence) AS last FROM fresh GROUP BY stream_id) m
       WHERE st.id = m.stream_id
       RETURNING 1
     )
     SELECT (SELECT count(*) FROM inserted) AS created, (SELECT count(*) FROM moved) AS moved`,
    [now],
  );
  return Number(rows[0]?.created ?? 0);
}
