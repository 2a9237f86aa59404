const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are checked before they reach SQL: a malformed id answers like a missing one. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
