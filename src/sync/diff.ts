/**
 * Owns the comparison of what is stored with one complete, successful read of a resource:
 * which records are created, updated (and which fields, with their old values), unchanged or
 * deleted, and whether the deletions trip the mass-deletion guard. It decides, it never writes:
 * the caller stores the result and its events in one transaction. It must only ever be given a
 * complete read (a partial read would look like deletions).
 */
import type { RemoteId } from '../../connectors/unified';
import { canonicalJson, contentHash, contentOf } from './content-hash';
import { compareRemoteIds } from './remote-id-order';

/** A record as the sync core sees it: the exposed (served) form, keyed by its remote id. */
export interface SyncRecord {
  remote_id: RemoteId;
}

export interface StoredRecord<T extends SyncRecord> {
  hash: string;
  record: T;
  /** Set when the record is already gone (deleted or out of scope); it is then not live. */
  remote_deleted_at: string | null;
}

export type DeletionReason = 'left_scope' | 'removed_in_source';

export interface DiffInput<T extends SyncRecord> {
  stored: ReadonlyMap<RemoteId, StoredRecord<T>>;
  /** Every record of the resource that is in scope, from one complete read. */
  fresh: readonly T[];
  /** Remote ids the read saw but the scope filtered out: their deletion is `left_scope`. */
  outOfScope?: ReadonlySet<RemoteId>;
  /** Share (0..1) of live records a run may delete before it must be confirmed. */
  deletionThreshold: number;
}

export interface CreatedRecord<T> {
  remote_id: RemoteId;
  record: T;
  hash: string;
  /** The id was stored as deleted: reuse its gateway id and clear `remote_deleted_at`. */
  restored: boolean;
}

export interface UpdatedRecord<T> {
  remote_id: RemoteId;
  record: T;
  hash: string;
  /** Changed paths, sorted: top-level fields, and `custom_fields.<key>` inside custom fields. */
  changed: string[];
  /** Old values of the changed fields only (inside custom_fields: only the changed keys). */
  previous: Partial<T>;
}

export interface DeletedRecord<T> {
  remote_id: RemoteId;
  /** The stored record, as it was last served. */
  record: T;
  reason: DeletionReason;
}

/**
 * The hash differs but no field does as a client reads it (a hash made by an older version, or
 * a null custom field that is now absent): store record and hash, emit no event.
 */
export interface RehashedRecord<T> {
  remote_id: RemoteId;
  record: T;
  hash: string;
}

export interface DeletionGuard {
  /** Stored records that are not deleted: the base of the share. */
  live: number;
  deleting: number;
  share: number;
  threshold: number;
  /** More than `threshold` of the live records would be deleted: hold the run for confirmation. */
  exceeded: boolean;
}

export interface DiffResult<T extends SyncRecord> {
  created: CreatedRecord<T>[];
  updated: UpdatedRecord<T>[];
  unchanged: RemoteId[];
  rehashed: RehashedRecord<T>[];
  deleted: DeletedRecord<T>[];
  guard: DeletionGuard;
}

/** Fields compared one level deep, so `previous` names the custom field keys that changed. */
const NESTED_FIELDS: ReadonlySet<string> = new Set(['custom_fields']);

/** A read or caller contract was broken (duplicate ids): fail the run, write nothing. */
export class SyncInputError extends Error {
  override readonly name = 'SyncInputError';
}

export function diffRecords<T extends SyncRecord>(input: DiffInput<T>): DiffResult<T> {
  const { stored, fresh, deletionThreshold } = input;
  // NaN would compare false and silently switch the guard off.
  if (!(deletionThreshold >= 0 && deletionThreshold <= 1)) {
    throw new RangeError(
      `deletionThreshold must be a share from 0 to 1 (got ${deletionThreshold})`,
    );
  }
  const outOfScope = input.outOfScope ?? new Set<RemoteId>();
  const created: CreatedRecord<T>[] = [];
  const updated: UpdatedRecord<T>[] = [];
  const unchanged: RemoteId[] = [];
  const rehashed: RehashedRecord<T>[] = [];
  const seen = new Set<RemoteId>();

  for (const record of fresh) {
    const id = record.remote_id;
    if (seen.has(id)) throw new SyncInputError(`the read returned remote id ${id} twice`);
    if (outOfScope.has(id)) {
      throw new SyncInputError(`remote id ${id} is both in the read and out of scope`);
    }
    seen.add(id);
    const hash = contentHash(record);
    const before = stored.get(id);
    if (before === undefined || before.remote_deleted_at !== null) {
      created.push({ remote_id: id, record, hash, restored: before !== undefined });
    } else if (before.hash === hash) {
      unchanged.push(id);
    } else {
      const { changed, previous } = changesBetween(before.record, record);
      if (changed.length === 0) rehashed.push({ remote_id: id, record, hash });
      else updated.push({ remote_id: id, record, hash, changed, previous: previous as Partial<T> });
    }
  }

  const deleted: DeletedRecord<T>[] = [];
  let live = 0;
  for (const [id, entry] of stored) {
    if (entry.remote_deleted_at !== null) continue;
    live += 1;
    if (seen.has(id)) continue;
    deleted.push({
      remote_id: id,
      record: entry.record,
      reason: outOfScope.has(id) ? 'left_scope' : 'removed_in_source',
    });
  }

  const byId = (a: { remote_id: RemoteId }, b: { remote_id: RemoteId }): number =>
    compareRemoteIds(a.remote_id, b.remote_id);
  created.sort(byId);
  updated.sort(byId);
  rehashed.sort(byId);
  deleted.sort(byId);
  unchanged.sort(compareRemoteIds);

  const share = live === 0 ? 0 : deleted.length / live;
  return {
    created,
    updated,
    unchanged,
    rehashed,
    deleted,
    guard: {
      live,
      deleting: deleted.length,
      share,
      threshold: deletionThreshold,
      exceeded: share > deletionThreshold,
    },
  };
}

/**
 * The paths whose values differ between two records (volatile fields ignored) and the old
 * values. A field missing on one side counts as null, so a field that appears is a change
 * from null, never a change from "absent" that a client could not tell apart.
 */
export function changesBetween(
  before: object,
  after: object,
): { changed: string[]; previous: Record<string, unknown> } {
  const old = contentOf(before);
  const now = contentOf(after);
  const changed: string[] = [];
  const previous: Record<string, unknown> = {};
  for (const key of unionOfKeys(old, now)) {
    const a = old[key];
    const b = now[key];
    if (same(a, b)) continue;
    if (NESTED_FIELDS.has(key) && isPlainObject(a) && isPlainObject(b)) {
      const inner: Record<string, unknown> = {};
      for (const sub of unionOfKeys(a, b)) {
        if (same(a[sub], b[sub])) continue;
        inner[sub] = a[sub] ?? null;
        changed.push(`${key}.${sub}`);
      }
      if (Object.keys(inner).length > 0) previous[key] = inner;
    } else {
      previous[key] = a ?? null;
      changed.push(key);
    }
  }
  return { changed, previous };
}

function unionOfKeys(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  return Array.from(new Set([...Object.keys(a), ...Object.keys(b)])).sort();
}

function same(a: unknown, b: unknown): boolean {
  return canonicalJson(a ?? null) === canonicalJson(b ?? null);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
