/**
 * Opaque keyset cursors: the last row's sort key, base64url-encoded JSON. Opaque so clients
 * cannot build or depend on them; a tampered or foreign cursor is a clear 400, never a 500.
 */
import { ProblemException } from '../errors/problem';
import { isDateTime } from '../validation/query-values';
import { isUuid } from '../validation/uuid';

export interface CursorKey {
  t: string;
  id: string;
}

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeCursor<T>(cursor: string, toKey: (key: CursorKey) => T): T {
  const invalid = (): ProblemException =>
    new ProblemException('validation_failed', 'The cursor is not one this API returned.', {
      errors: [{ in: 'query', field: 'cursor', message: 'cursor is invalid' }],
    });
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const key = parsed as Partial<CursorKey> | null;
  if (
    typeof key?.t !== 'string' ||
    typeof key.id !== 'string' ||
    !isUuid(key.id) ||
    // RFC 3339 with a 4-digit year: Date.parse also takes "-271821-04-20T00:00:00Z", which
    // PostgreSQL refuses as out of range (a 500, not the 400 a bad cursor deserves).
    !isDateTime(key.t)
  ) {
    throw invalid();
  }
  return toKey({ t: key.t, id: key.id });
}
