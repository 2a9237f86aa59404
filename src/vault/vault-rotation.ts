/**
 * Re-seals every stale value (sealed with a key other than the active one) with the active key.
 * Online: each row is rewritten with a compare-and-swap on its old ciphertext, so a concurrent
 * writer always wins and readers never see a value they cannot open (the ring still holds the
 * old key). Resumable: it only ever selects stale rows, so a re-run continues where it stopped.
 */
import { type DataSource } from 'typeorm';
import { SEALED_COLUMNS, type SealedColumn } from './sealed-columns';
import { type Vault } from './vault';

export interface RotationReport {
  resealed: number;
  byColumn: Record<string, number>;
}

const quote = (identifier: string): string => `"${identifier.replace(/"/g, '""')}"`;

async function rotateColumn(
  dataSource: DataSource,
  vault: Vault,
  sealed: SealedColumn,
  batchSize: number,
): Promise<number> {
  const { table, key, column } = sealed;
  const activePrefix = `sv1.${vault.activeVersion}.`;
  let resealed = 0;
  let after = '';
  for (;;) {
    // Keyset walk by primary key: rows that lose a race are skipped, not retried forever.
    const rows = await dataSource.query<Array<{ key: string; value: string }>>(
      `SELECT ${quote(key)}::text AS key, ${quote(column)} AS value FROM ${quote(table)}
       WHERE ${quote(column)} IS NOT NULL AND left(${quote(column)}, $1) <> $2 AND ${quote(key)}::text > $3
       ORDER BY ${quote(key)}::text LIMIT $4`,
      [activePrefix.length, activePrefix, after, batchSize],
    );
    if (rows.length === 0) return resealed;
    for (const row of rows) {
      const next = vault.reseal(row.value, sealed.context(row.key));
      const [, count] = await dataSource.query<[unknown, number]>(
        `UPDATE ${quote(table)} SET ${quote(column)} = $1 WHERE ${quote(key)}::text = $2 AND ${quote(column)} = $3`,
        [next, row.key, row.value],
      );
      resealed += count;
    }
    after = rows[rows.length - 1]?.key ?? after;
  }
}

export async function rotateSealedValues(
  dataSource: DataSource,
  vault: Vault,
  options: { batchSize?: number; columns?: readonly SealedColumn[] } = {},
): Promise<RotationReport> {
  const byColumn: Record<string, number> = {};
  for (const sealed of options.columns ?? SEALED_COLUMNS) {
    byColumn[`${sealed.table}.${sealed.column}`] = await rotateColumn(
      dataSource,
      vault,
      sealed,
      options.batchSize ?? 100,
    );
  }
  return { resealed: Object.values(byColumn).reduce((a, b) => a + b, 0), byColumn };
}

/** How many values are still sealed with an old key (0 after a complete rotation). */
export async function countStaleValues(dataSource: DataSource, vault: Vault): Promise<number> {
  const activePrefix = `sv1.${vault.activeVersion}.`;
  let stale = 0;
  for (const { table, column } of SEALED_COLUMNS) {
    const [row] = await dataSource.query<Array<{ n: string }>>(
      `SELECT count(*) AS n FROM ${quote(table)} WHERE ${quote(column)} IS NOT NULL AND left(${quote(column)}, $1) <> $2`,
      [activePrefix.length, activePrefix],
    );
    stale += Number(row?.n ?? 0);
  }
  return stale;
}
