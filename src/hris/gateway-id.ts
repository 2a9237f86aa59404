/**
 * Owns the gateway id of a stored unified record: a name-based UUID (RFC 9562 version 5) of
 * the connection, the resource and the remote id. Deterministic on purpose:
 * - a reference (an employee's manager, an absence's type) resolves to the gateway id without a
 *   lookup, even before the record it points at is stored or when it is read later in the run;
 * - a record that leaves and comes back keeps its id, as DESIGN.md asks ("stable UUID");
 * - the same remote id under another connection gets another id, so ids never cross tenants.
 * Knowing an id reveals nothing new: it is derived from ids the holder already sees.
 */
import { createHash } from 'node:crypto';

export const GATEWAY_RESOURCES = [
  'employees',
  'teams',
  'positions',
  'reporting_lines',
  'absences',
  'absence_types',
] as const;
export type GatewayResource = (typeof GATEWAY_RESOURCES)[number];

/** Our namespace UUID for version-5 ids (random, fixed forever: changing it changes every id). */
const NAMESPACE = Buffer.from('6f1c2a0e4b7d4f1a9e3c5d8b2a7f0c41', 'hex');

/**
 * Ids computed lately, by name. A sync derives one id per record plus one per reference, and
 * references repeat (a manager, a team, an absence's person and type): the cache saves most of
 * the hashing, which was ~5% of a sync's CPU. Bounded: cleared when full (at most ~10 MB).
 */
const recent = new Map<string, string>();
const RECENT_MAX = 50_000;

export function gatewayId(
  connectionId: string,
  resource: GatewayResource,
  remoteId: string,
): string {
  const name = `${connectionId}\u0000${resource}\u0000${remoteId}`;
  const known = recent.get(name);
  if (known !== undefined) return known;
  const hash = createHash('sha1').update(NAMESPACE).update(name, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  if (recent.size >= RECENT_MAX) recent.clear();
  recent.set(name, id);
  return id;
}

/** A reference to a remote id, as a gateway id (null stays null). */
export function gatewayRef(
  connectionId: string,
  resource: GatewayResource,
  remoteId: string | null,
): string | null {
  return remoteId === null ? null : gatewayId(connectionId, resource, remoteId);
}
