/**
 * Owns the order in which a connection's writers take their locks, so that two of them never
 * wait on each other. A first sync written straight into the tables (baseline-sink.ts) holds
 * uncommitted rows for its whole read; another run's apply inserting the same remote ids waits
 * on those rows. If that apply held the connection row meanwhile, and the first sync's own
 * apply then asked for the connection row, each would wait on the other: a run taken over as
 * lost meets the run that took over exactly so. PostgreSQL's deadlock detector would end one of
 * them after a second, and count a failure against a healthy connection.
 *
 * So every transaction that inserts or updates a connection's data first takes the connection's
 * data-write lock (a transaction-level advisory lock), and only then the connection row: a first
 * sync at its first batch, an apply before anything else. Deleting a connection's data takes only
 * the row lock: a DELETE never waits on rows another transaction inserted and has not committed. An apply that meets an open first sync then
 * waits holding nothing, the first sync's apply finds the connection row free, and whichever
 * ends first lets the other go on. Status changes, failure records and the scheduler's claims
 * write no data and take only the row lock. A hash collision between two connections costs a
 * wait, never a wrong result.
 */
import type { EntityManager } from 'typeorm';
import type { ConnectionEntity } from '../../connections/connection.entity';
import { lockedConnectionRow } from '../../connections/connections.repository';

/** The first key of the gateway's two-key advisory locks: "data writes of a connection". */
const DATA_WRITE_LOCK_SPACE = 0x68726973; // "hris"

/** Takes the connection's data-write lock for the rest of the transaction (re-entrant). */
export async function lockDataWrites(manager: EntityManager, connectionId: string): Promise<void> {
  await manager.query(`SELECT pg_advisory_xact_lock($1, hashtext($2))`, [
    DATA_WRITE_LOCK_SPACE,
    connectionId,
  ]);
}

/** Takes the data-write lock without waiting: false while another transaction holds it. */
export async function tryLockDataWrites(
  manager: EntityManager,
  connectionId: string,
): Promise<boolean> {
  const [row] = await manager.query<Array<{ taken: boolean }>>(
    `SELECT pg_try_advisory_xact_lock($1, hashtext($2)) AS taken`,
    [DATA_WRITE_LOCK_SPACE, connectionId],
  );
  return row?.taken === true;
}

/** Locks the connection row, whatever its status, for the rest of the transaction. */
export function lockConnection(
  manager: EntityManager,
  connectionId: string,
): Promise<ConnectionEntity | null> {
  return lockedConnectionRow(manager).where('c.id = :id', { id: connectionId }).getOne();
}

/** What an apply locks, in this order: the connection's data writes, then its row. */
export async function lockForApply(
  manager: EntityManager,
  connectionId: string,
): Promise<ConnectionEntity | null> {
  await lockDataWrites(manager, connectionId);
  return lockConnection(manager, connectionId);
}
