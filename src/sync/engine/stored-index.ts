/**
 * Owns what is stored for a connection as remote id -> {content hash, live}: all the read phase
 * needs to skip unchanged records and the deletion check needs to find missing ones. A run holds
 * one for every resource it reads for its whole duration, so the layout is compact: the SHA-256
 * of each record as 32 bytes in one buffer (outside the JS heap), a flag byte per record, and a
 * map from remote id to slot whose keys are small integers when the remote id is one (Personio's
 * are), not strings. About 40 bytes of heap per record instead of ~170 as strings and objects,
 * which matters because V8 lets the heap grow to a multiple of what is live. Absences are
 * limited to the window: an absence outside it is neither read nor a candidate for deletion.
 */
import type { EntityManager } from 'typeorm';
import type { DateWindow } from '../../../connectors/connector';
import type { RemoteId } from '../../../connectors/unified';
import type { GatewayResource } from '../../hris/gateway-id';
import { RESOURCE_SPECS } from './resource-specs';

const DIGEST_BYTES = 32;
const LIVE = 1;
/** The stored hash is a SHA-256 in hex; anything else (never written today) matches nothing. */
const HASHED = 2;
/** Rows per query while loading: bounds what pg holds as row objects at one time. */
const LOAD_BATCH = 10_000;
/** Canonical decimal integers of up to 9 digits are small integers (Smis) in V8. */
const SMALL_INTEGER_DIGITS = 9;
const DIGIT_0 = 48;

/** A remote id as a map key: a number when it is a small canonical integer, else the string. */
export type RemoteIdKey = string | number;

export function keyOf(remoteId: RemoteId): RemoteIdKey {
  // By hand, not by a regex: it runs for every record a run reads (a regex was ~1 us of it).
  const { length } = remoteId;
  if (length === 0 || length > SMALL_INTEGER_DIGITS) return remoteId;
  if (length > 1 && remoteId.charCodeAt(0) === DIGIT_0) return remoteId;
  let value = 0;
  for (let i = 0; i < length; i += 1) {
    const digit = remoteId.charCodeAt(i) - DIGIT_0;
    if (digit < 0 || digit > 9) return remoteId;
    value = value * 10 + digit;
  }
  return value;
}

export class StoredIndex {
  private readonly slots = new Map<RemoteIdKey, number>();
  private digests = Buffer.alloc(0);
  private flags = new Uint8Array(0);
  private live = 0;

  /** Records stored (live or not). Slots are 0 .. size - 1. */
  get size(): number {
    return this.slots.size;
  }

  /** Records stored and not deleted. */
  get liveCount(): number {
    return this.live;
  }

  /** An index of the given entries (tests and small callers). */
  static of(entries: Iterable<readonly [RemoteId, { hash: string; live: boolean }]>): StoredIndex {
    const index = new StoredIndex();
    for (const [remoteId, entry] of entries) index.add(remoteId, entry.hash, entry.live);
    return index;
  }

  add(remoteId: RemoteId, hash: string, live: boolean): void {
    const key = keyOf(remoteId);
    if (this.slots.has(key)) throw new Error(`remote id ${remoteId} is stored twice`);
    const slot = this.slots.size;
    if (slot === this.flags.length) this.grow();
    this.slots.set(key, slot);
    let flags = live ? LIVE : 0;
    // Hex decoding stops at the first character that is not hex: 32 bytes from 64 characters
    // means the whole text was a digest.
    const at = slot * DIGEST_BYTES;
    if (hash.length === DIGEST_BYTES * 2 && this.digests.write(hash, at, 'hex') === DIGEST_BYTES) {
      flags |= HASHED;
    }
    this.flags[slot] = flags;
    if (live) this.live += 1;
  }

  /** The record's slot, or -1 when nothing is stored under this remote id. */
  slotOf(remoteId: RemoteId): number {
    return this.slots.get(keyOf(remoteId)) ?? -1;
  }

  isLive(slot: number): boolean {
    return (this.flags[slot]! & LIVE) !== 0;
  }

  /**
   * The stored hash is this SHA-256 digest, given as `contentDigest` makes it (a character per
   * byte). Compared in place, byte by byte: nothing allocated and no call into C++.
   */
  hasDigest(slot: number, digest: string): boolean {
    if ((this.flags[slot]! & HASHED) === 0 || digest.length !== DIGEST_BYTES) return false;
    const { digests } = this;
    const at = slot * DIGEST_BYTES;
    for (let i = 0; i < DIGEST_BYTES; i += 1) {
      if (digests[at + i] !== digest.charCodeAt(i)) return false;
    }
    return true;
  }

  /** Every stored record as [remote id, slot], in the order loaded. */
  *entries(): IterableIterator<[RemoteId, number]> {
    for (const [key, slot] of this.slots) yield [String(key), slot];
  }

  private grow(): void {
    const capacity = Math.max(1024, this.flags.length * 2);
    const digests = Buffer.alloc(capacity * DIGEST_BYTES);
    this.digests.copy(digests);
    const flags = new Uint8Array(capacity);
    flags.set(this.flags);
    this.digests = digests;
    this.flags = flags;
  }
}

export async function loadStoredIndex(
  manager: EntityManager,
  connectionId: string,
  resource: GatewayResource,
  window: DateWindow,
  signal?: AbortSignal,
): Promise<StoredIndex> {
  const absences = resource === 'absences';
  const inWindow = absences ? ' AND start_date <= $4 AND end_date >= $5' : '';
  const index = new StoredIndex();
  // Keyset pages over the (connection_id, remote_id) unique index: one 100k-row result would be
  // held whole by pg (rows, their strings) while the map is built.
  let after: string | null = null;
  for (;;) {
    signal?.throwIfAborted();
    const params: unknown[] = [connectionId, after, LOAD_BATCH];
    if (absences) params.push(window.to, window.from);
    const rows = await manager.query<Array<{ remote_id: string; hash: string; live: boolean }>>(
      `SELECT remote_id, hash, remote_deleted_at IS NULL AS live
       FROM ${RESOURCE_SPECS[resource].table}
       WHERE connection_id = $1 AND ($2::text IS NULL OR remote_id > $2)${inWindow}
       ORDER BY remote_id LIMIT $3`,
      params,
    );
    for (const row of rows) index.add(row.remote_id, row.hash, row.live);
    if (rows.length < LOAD_BATCH) return index;
    after = rows[rows.length - 1]!.remote_id;
  }
}

/** The stored indexes a read uses, by resource; each may still be loading. */
export type StoredIndexes = Partial<Record<GatewayResource, StoredIndex | Promise<StoredIndex>>>;

/**
 * Starts loading the indexes of every resource a run reads (the sync and the dry run alike) and
 * returns at once. They load one at a time, in the order the read needs them: the employees'
 * index is needed first and the absences' one only seconds later, so PostgreSQL answers while
 * Personio does instead of before the first request. A sync is the only writer of its
 * connection's data while it runs (one running sync per connection), so a later load sees what
 * an earlier one would have; a dry run next to a running sync may see that sync's commit in
 * some indexes and not others, as its preview is only ever a preview. A failed load rejects its
 * promise and those after it; the read throws that where it awaits the index. Once `signal`
 * aborts (the run ended), loads not yet done stop at their next batch.
 */
export function startLoadingStoredIndexes(
  manager: EntityManager,
  connectionId: string,
  resources: readonly GatewayResource[],
  window: DateWindow,
  signal?: AbortSignal,
): Partial<Record<GatewayResource, Promise<StoredIndex>>> {
  const indexes: Partial<Record<GatewayResource, Promise<StoredIndex>>> = {};
  let previous: Promise<unknown> = Promise.resolve();
  for (const resource of resources) {
    const loading = previous.then(() =>
      loadStoredIndex(manager, connectionId, resource, window, signal),
    );
    // A read that fails before it needs this index never awaits it: no unhandled rejection.
    loading.catch(() => undefined);
    indexes[resource] = loading;
    previous = loading;
  }
  return indexes;
}
