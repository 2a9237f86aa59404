/**
 * Owns the write half of a run, inside the caller's one transaction: staged records become
 * inserts, restores and updates in batches; deletions are marked; every change gets its event
 * (`previous` with only the changed fields) in the same transaction, so a change is stored if
 * and only if its event is. A baseline run (the connection's first successful one) stores data
 * without per-record events: a new consumer lists the data rather than replaying a flood.
 */
import type { EntityManager } from 'typeorm';
import type { IsoDate, RemoteId } from '../../../connectors/unified';
import { EventsWriter, type EventSubject, type NewEvent } from '../../events/events.writer';
import type { GatewayResource } from '../../hris/gateway-id';
import { servedObject } from '../../hris/served-object';
import type { ResourceCounts } from '../runs/sync-run.entity';
import { changesBetween } from '../diff';
import { settledOnInsert } from './effective-date-events';
import { RESOURCE_SPECS, type RecordData, type ResourceSpec } from './resource-specs';
import { stagedBatches, type StagedRow } from './staging';

const BATCH = 500;

export interface Deletion {
  remoteId: RemoteId;
  reason: 'left_scope' | 'removed_in_source';
}

export interface ApplyInput {
  manager: EntityManager;
  events: EventsWriter;
  connection: EventSubject;
  runId: string;
  /** One instant for the whole run's writes: created_at/updated_at/remote_deleted_at agree. */
  now: Date;
  /** The run's day (UTC): a baseline stores the employees it inserts as announced up to it. */
  today: IsoDate;
  baseline: boolean;
  /** Resources in write order (referenced ones first). */
  resources: readonly GatewayResource[];
  /** Records the read staged, per resource. */
  staged: Partial<Record<GatewayResource, number>>;
  deletions: Partial<Record<GatewayResource, Deletion[]>>;
}

interface StoredRow {
  id: string;
  remote_id: string;
  hash: string;
  data: RecordData;
  created_at: Date;
  updated_at: Date;
  remote_deleted_at: Date | null;
}

export function emptyCounts(): ResourceCounts {
  return { created: 0, updated: 0, deleted: 0, unchanged: 0 };
}

export async function applyChanges(
  input: ApplyInput,
): Promise<Partial<Record<GatewayResource, ResourceCounts>>> {
  const counts: Partial<Record<GatewayResource, ResourceCounts>> = {};
  for (const resource of input.resources) {
    counts[resource] = await upsertStaged(input, RESOURCE_SPECS[resource]);
  }
  // Deletions last and in reverse order: an absence goes before the person it belonged to.
  for (const resource of [...input.resources].reverse()) {
    const list = input.deletions[resource] ?? [];
    if (list.length === 0) continue;
    (counts[resource] ??= emptyCounts()).deleted += await markDeleted(
      input,
      RESOURCE_SPECS[resource],
      list,
    );
  }
  return counts;
}

/**
 * Fresh statistics for the staging table's keys, taken right before the apply transaction (not
 * in it: ANALYZE's lock conflicts with itself and would be held until commit, making concurrent
 * applies of other connections wait). The table churns (a large run stages and drops 100,000+
 * rows), so what autovacuum last saw is often a near-empty table, and PostgreSQL then plans
 * joins over it as if it were tiny. Only the key columns: the payload columns are large and no
 * plan depends on them. SKIP_LOCKED: when another run is analyzing it right now, its figures
 * will do. Skipped when nothing was staged (a no-change run stays free of work).
 */
export async function analyzeStaging(manager: EntityManager, runId: string): Promise<void> {
  const [staged] = await manager.query<Array<{ any: boolean }>>(
    `SELECT EXISTS (SELECT 1 FROM sync_staging WHERE run_id = $1) AS any`,
    [runId],
  );
  if (staged?.any) {
    await manager.query('ANALYZE (SKIP_LOCKED) sync_staging (run_id, resource, remote_id)');
  }
}

async function upsertStaged(input: ApplyInput, spec: ResourceSpec): Promise<ResourceCounts> {
  const { manager, connection, now } = input;
  const counts = emptyCounts();
  counts.created += await insertNewInSql(input, spec);
  // All of them were new (a first sync, a widened scope): nothing is left for the per-record
  // path, and staging is emptied after the commit instead of row by row inside it.
  if (counts.created === (input.staged[spec.resource] ?? 0)) return counts;
  await dropInsertedFromStaging(input, spec);
  for await (const batch of stagedBatches(manager, input.runId, spec.resource, BATCH)) {
    const stored = new Map(
      (
        await manager.query<StoredRow[]>(
          `SELECT id, remote_id, hash, data, created_at, updated_at, remote_deleted_at
           FROM ${spec.table} WHERE connection_id = $1 AND remote_id = ANY($2::text[])`,
          [connection.id, batch.map((r) => r.remote_id)],
        )
      ).map((row) => [row.remote_id, row]),
    );
    const updates: Array<StagedRow & { id: string; touch: boolean }> = [];
    const events: NewEvent[] = [];
    for (const row of batch) {
      const before = stored.get(row.remote_id);
      if (before === undefined) {
        // insertNewInSql took every record the table lacked; one missing now was deleted by
        // someone else inside this transaction's lock, which cannot happen.
        throw new Error(`${spec.table} ${row.remote_id} vanished during the apply`);
      }
      if (before.remote_deleted_at !== null) {
        // It came back (re-hired, back in scope): same gateway id, announced as created again.
        updates.push({ ...row, id: before.id, touch: true });
        counts.created += 1;
        if (spec.events) {
          const object = servedObject(before.id, row.data, {
            created_at: before.created_at,
            updated_at: now,
            remote_deleted_at: null,
          });
          events.push({ type: spec.events.created, data: { object } });
        }
      } else if (before.hash === row.hash) {
        counts.unchanged += 1;
      } else {
        const { changed, previous } = changesBetween(before.data, row.data);
        if (changed.length === 0) {
          // Only the hash's inputs moved (an older hash, a volatile field): store, say nothing.
          updates.push({ ...row, id: before.id, touch: false });
          counts.unchanged += 1;
          continue;
        }
        updates.push({ ...row, id: before.id, touch: true });
        counts.updated += 1;
        if (spec.events) {
          const object = servedObject(before.id, row.data, {
            created_at: before.created_at,
            updated_at: now,
            remote_deleted_at: null,
          });
          events.push({ type: spec.events.updated, data: { object, previous } });
        }
      }
    }
    await updateRows(input, spec, updates);
    if (!input.baseline) await input.events.appendMany(manager, connection, events, now);
  }
  return counts;
}

async function updateRows(
  input: ApplyInput,
  spec: ResourceSpec,
  rows: Array<StagedRow & { id: string; touch: boolean }>,
): Promise<void> {
  if (rows.length === 0) return;
  const types = spec.columns.map((c) => `${c.name} ${c.type}`).join(', ');
  // Typed column values were computed once, when the record was staged.
  const payload = rows.map((row) => ({
    id: row.id,
    hash: row.hash,
    data: row.data,
    remote_data: row.remote_data,
    touch: row.touch,
    ...row.columns,
  }));
  await input.manager.query(
    `UPDATE ${spec.table} AS t
     SET hash = r.hash, data = r.data, remote_data = r.remote_data,
         updated_at = CASE WHEN r.touch THEN $2 ELSE t.updated_at END,
         remote_deleted_at = NULL, deletion_reason = NULL,
         ${spec.columns.map((c) => `${c.name} = r.${c.name}`).join(', ')}
     FROM json_to_recordset($3::json)
       AS r(id uuid, hash text, data jsonb, remote_data json, touch boolean, ${types})
     WHERE t.connection_id = $1 AND t.id = r.id`,
    [input.connection.id, input.now, JSON.stringify(payload)],
  );
}

async function markDeleted(
  input: ApplyInput,
  spec: ResourceSpec,
  deletions: readonly Deletion[],
): Promise<number> {
  const { manager, connection, now } = input;
  let total = 0;
  for (let i = 0; i < deletions.length; i += BATCH) {
    const slice = deletions.slice(i, i + BATCH);
    const [rows] = await manager.query<[Array<StoredRow & { deletion_reason: string }>, number]>(
      `UPDATE ${spec.table} AS t
       SET remote_deleted_at = $2, deletion_reason = r.reason, updated_at = $2
       FROM jsonb_to_recordset($3::jsonb) AS r(remote_id text, reason text)
       WHERE t.connection_id = $1 AND t.remote_id = r.remote_id AND t.remote_deleted_at IS NULL
       RETURNING t.id, t.remote_id, t.data, t.created_at, t.updated_at, t.remote_deleted_at,
                 t.deletion_reason`,
      [
        connection.id,
        now,
        JSON.stringify(slice.map((d) => ({ remote_id: d.remoteId, reason: d.reason }))),
      ],
    );
    rows.sort((a, b) => (a.remote_id < b.remote_id ? -1 : a.remote_id > b.remote_id ? 1 : 0));
    total += rows.length;
    if (input.baseline || !spec.events) continue;
    const events: NewEvent[] = rows.map((row) => ({
      type: spec.events!.deleted,
      data: { object: servedObject(row.id, row.data, row), reason: row.deletion_reason },
    }));
    await input.events.appendMany(manager, connection, events, now);
  }
  return total;
}

/**
 * Records the table has never seen, in one statement per resource: inserted straight from the
 * staging table (the gateway id and typed columns were computed when staged), announced with
 * consecutive sequences (the caller takes them out of staging when the per-record path has
 * updates and restores left to do). A large first sync or a widened scope is then one INSERT ... SELECT,
 * not thousands of rows through Node.
 */
async function insertNewInSql(input: ApplyInput, spec: ResourceSpec): Promise<number> {
  const { manager, connection, now, runId } = input;
  const names = spec.columns.map((c) => c.name);
  const values = spec.columns.map((c) => `(s.columns->>'${c.name}')::${c.type}`);
  const params: unknown[] = [connection.id, now, runId, spec.resource];
  if (input.baseline && spec.resource === 'employees') {
    // A baseline announces no effective dates: the ones reached are stored as announced in the
    // insert itself, not by an UPDATE after it (a second version of every row and index entry).
    params.push(input.today);
    for (const column of settledOnInsert((c) => `(s.columns->>'${c}')::date`, '$5')) {
      names.push(column.name);
      values.push(column.value);
    }
  }
  const inserted = `
    ins AS (
      INSERT INTO ${spec.table}
        (id, connection_id, remote_id, hash, data, remote_data, created_at, updated_at, ${names.join(', ')})
      SELECT s.id, $1, s.remote_id, s.hash, s.data, s.remote_data, $2, $2, ${values.join(', ')}
      FROM sync_staging s
      WHERE s.run_id = $3 AND s.resource = $4
        AND NOT EXISTS (
          SELECT 1 FROM ${spec.table} t WHERE t.connection_id = $1 AND t.remote_id = s.remote_id)
      RETURNING id, remote_id, data)`;
  if (input.baseline || !spec.events) {
    const [row] = await manager.query<Array<{ n: number }>>(
      `WITH ${inserted} SELECT count(*)::int AS n FROM ins`,
      params,
    );
    return row?.n ?? 0;
  }
  // Sequences as EventsWriter assigns them: the connection row's counter, moved by the count.
  const [row] = await manager.query<Array<{ n: number }>>(
    `WITH ${inserted},
       seq AS (
         UPDATE connections SET last_event_sequence = last_event_sequence + (SELECT count(*) FROM ins)
         WHERE id = $1 RETURNING last_event_sequence AS last),
       announced AS (
         INSERT INTO events (application_id, connection_id, customer_ref, sequence, type, occurred_at, data)
         SELECT $5, $1, $6,
                (SELECT last FROM seq) - (SELECT count(*) FROM ins)
                  + row_number() OVER (ORDER BY ins.remote_id),
                $7, $2,
                jsonb_build_object('object',
                  jsonb_build_object('id', ins.id) || ins.data || jsonb_build_object(
                    'created_at', $8::text, 'updated_at', $8::text, 'remote_deleted_at', NULL))
         FROM ins)
     SELECT count(*)::int AS n FROM ins`,
    [
      ...params,
      connection.applicationId,
      connection.customerRef,
      spec.events.created,
      now.toISOString(),
    ],
  );
  return row?.n ?? 0;
}

/**
 * Takes what insertNewInSql inserted out of staging, so the per-record path sees only updates
 * and restores. A separate statement matched through both tables' indexes (inserted rows are
 * the ones created at this run's instant): a join against the INSERT's RETURNING set has no
 * statistics, and with stale ones for staging PostgreSQL chose a nested loop over it: 100,000
 * staged rows cost 500 s of CPU instead of one.
 */
async function dropInsertedFromStaging(input: ApplyInput, spec: ResourceSpec): Promise<void> {
  await input.manager.query(
    `DELETE FROM sync_staging s
     WHERE s.run_id = $3 AND s.resource = $4
       AND EXISTS (
         SELECT 1 FROM ${spec.table} t
         WHERE t.connection_id = $1 AND t.remote_id = s.remote_id AND t.created_at = $2)`,
    [input.connection.id, input.now, input.runId, spec.resource],
  );
}
