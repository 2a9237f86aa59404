/**
 * Owns the gateway id of a stored unified record: a name-based UUID (RFC 9562 version 5) of
 * the connection, the resource and the remote id. Deterministic on purpose:
 * - a reference (an employee's manager, an absence's type) resolves to the gateway id without a
 *   lookup, even before the record it points at is stored or when it is read later in the run;
 * - a record that leaves and comes back keeps its id, as DESIGN.md asks ("stable UUID");
 * - the same remote id under another connection gets another id, so ids never cross tenants.
 * Knowing an id reveals nothing new: it is derived from ids the holder already sees.
 */
import { hash } from 'node:crypto';

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

/** The id of one record. Not cached: a sync derives each record's own id once. */
export function gatewayId(
  connectionId: string,
  resource: GatewayResource,
  remoteId: string,
): string {
  return idOfName(`${connectionId}\u0000${resource}\u0000${remoteId}`);
}

/**
 * References resolved lately: connection -> resource -> remote id -> gateway id. References
 * repeat (a manager, a team, an absence's person and type): the cache saves most of their
 * hashing, which was ~5% of a sync's CPU. Nested maps, not one map by the joined name: the
 * lookup then builds and hashes no new string, and a no-change run does one per reference.
 * Only references go in: records' own ids (50,000 absences in one run) would push them out.
 * Bounded: cleared when full (at most ~10 MB).
 */
const recentReferences = new Map<string, Map<GatewayResource, Map<string, string>>>();
let recentCount = 0;
const RECENT_MAX = 50_000;

/** A reference to a remote id, as a gateway id (null stays null). */
export function gatewayRef(
  connectionId: string,
  resource: GatewayResource,
  remoteId: string | null,
): string | null {
  if (remoteId === null) return null;
  const known = recentReferences.get(connectionId)?.get(resource)?.get(remoteId);
  if (known !== undefined) return known;
  const id = gatewayId(connectionId, resource, remoteId);
  if (recentCount >= RECENT_MAX) {
    recentReferences.clear();
    recentCount = 0;
  }
  let ofConnection = recentReferences.get(connectionId);
  if (ofConnection === undefined) {
    ofConnection = new Map();
    recentReferences.set(connectionId, ofConnection);
  }
  let ofResource = ofConnection.get(resource);
  if (ofResource === undefined) {
    ofResource = new Map();
    ofConnection.set(resource, ofResource);
  }
  ofResource.set(remoteId, id);
  recentCount += 1;
  return id;
}

function idOfName(name: string): string {
  const bytes = hash('sha1', Buffer.concat([NAMESPACE, Buffer.from(name, 'utf8')]), 'buffer');
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex', 0, 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
