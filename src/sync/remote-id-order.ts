/**
 * Owns the one order in which the sync core lists records: by remote id, shorter ids first, then
 * code-unit order. Personio ids are integers sent as strings, so "shortlex" puts 9 before 10 the
 * way people read them, and it is still a total order for UUIDs or anything else. Never locale
 * aware: the order must be the same on every machine so runs and events are reproducible.
 */
export function compareRemoteIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
