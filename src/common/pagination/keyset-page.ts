/**
 * Keyset pages ordered by (created_at, id) descending: the caller's repository reads one row
 * more than the page, which says whether a next page exists without a count.
 */
import { decodeCursor, encodeCursor } from './cursor';

export interface KeysetPosition {
  createdAt: Date;
  id: string;
}

export function positionAfter(cursor: string | undefined): KeysetPosition | undefined {
  return cursor ? decodeCursor(cursor, (k) => ({ createdAt: new Date(k.t), id: k.id })) : undefined;
}

/**
 * `rows` holds up to `limit + 1` rows in page order. The sort time is `createdAt` unless the
 * table orders by another instant (sync runs: `queuedAt`).
 */
export function keysetPage<Row extends { id: string }, View>(
  rows: Row[],
  limit: number,
  view: (row: Row) => View,
  timeOf: (row: Row) => Date = (row) => (row as unknown as KeysetPosition).createdAt,
): { data: View[]; next_cursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    data: page.map(view),
    next_cursor:
      rows.length > limit && last
        ? encodeCursor({ t: timeOf(last).toISOString(), id: last.id })
        : null,
  };
}
