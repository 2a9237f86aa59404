/**
 * Owns writing effective-date events: on the day a hire or termination date arrives, the
 * employee gets `employee.started` / `employee.terminated`, whether or not the record changed.
 * The employee row remembers the date it was announced for, so a second run the same day emits
 * nothing and a moved date is announced again. A baseline run settles the dates silently, as it
 * inserts the employees (`settledOnInsert`).
 */
import type { EntityManager } from 'typeorm';
import type { IsoDate } from '../../../connectors/unified';
import { EventsWriter, type EventSubject } from '../../events/events.writer';
import { dueEffectiveDateEvents, effectiveDateEventKey } from '../effective-dates';
import { servedObject } from '../../hris/served-object';
import type { RecordData } from './resource-specs';

interface Candidate {
  id: string;
  remote_id: string;
  hire_date: string | null;
  termination_date: string | null;
  started_notified_on: string | null;
  terminated_notified_on: string | null;
  data: RecordData;
  created_at: Date;
  updated_at: Date;
}

/**
 * The announced-date columns of an employee a baseline inserts, as SQL over its `hire_date` and
 * `termination_date` expressions: every date already reached counts as announced. A baseline
 * meets no other employee rows: the run that first writes a connection's data is the one that
 * sets its `last_synced_at`, in the same transaction.
 */
export function settledOnInsert(
  date: (column: 'hire_date' | 'termination_date') => string,
  todayParam: string,
): Array<{ name: string; value: string }> {
  const reached = (column: 'hire_date' | 'termination_date'): string =>
    `CASE WHEN ${date(column)} <= ${todayParam} THEN ${date(column)} END`;
  return [
    { name: 'started_notified_on', value: reached('hire_date') },
    { name: 'terminated_notified_on', value: reached('termination_date') },
  ];
}

/** `settledOnInsert` for a row written from Node (a baseline written straight to its table). */
export function settledOnInsertValues(
  hireDate: IsoDate | null,
  terminationDate: IsoDate | null,
  today: IsoDate,
): { started_notified_on: IsoDate | null; terminated_notified_on: IsoDate | null } {
  // ISO dates compare as text, like the SQL's date comparison.
  const reached = (day: IsoDate | null): IsoDate | null =>
    day !== null && day <= today ? day : null;
  return {
    started_notified_on: reached(hireDate),
    terminated_notified_on: reached(terminationDate),
  };
}

export async function writeEffectiveDateEvents(input: {
  manager: EntityManager;
  events: EventsWriter;
  connection: EventSubject;
  now: Date;
  today: IsoDate;
  /** First day to consider: the day of the last successful run (days without a run catch up). */
  since: IsoDate;
  baseline: boolean;
}): Promise<number> {
  const { manager, connection, today, since } = input;
  // A baseline's employees were stored settled as they were inserted (settledOnInsert).
  if (input.baseline) return 0;
  const candidates = await manager.query<Candidate[]>(
    `SELECT id, remote_id, to_char(hire_date, 'YYYY-MM-DD') AS hire_date,
            to_char(termination_date, 'YYYY-MM-DD') AS termination_date,
            to_char(started_notified_on, 'YYYY-MM-DD') AS started_notified_on,
            to_char(terminated_notified_on, 'YYYY-MM-DD') AS terminated_notified_on,
            data, created_at, updated_at
     FROM employees
     WHERE connection_id = $1 AND remote_deleted_at IS NULL
       AND ((hire_date BETWEEN $2 AND $3 AND started_notified_on IS DISTINCT FROM hire_date)
         OR (termination_date BETWEEN $2 AND $3
             AND terminated_notified_on IS DISTINCT FROM termination_date))`,
    [connection.id, since, today],
  );
  if (candidates.length === 0) return 0;
  const emitted = new Set<string>();
  for (const c of candidates) {
    if (c.started_notified_on) {
      emitted.add(effectiveDateEventKey('employee.started', c.remote_id, c.started_notified_on));
    }
    if (c.terminated_notified_on) {
      emitted.add(
        effectiveDateEventKey('employee.terminated', c.remote_id, c.terminated_notified_on),
      );
    }
  }
  const due = dueEffectiveDateEvents(candidates, {
    today,
    since,
    emitted,
  });
  const byRemoteId = new Map(candidates.map((c) => [c.remote_id, c]));
  // One row per employee: UPDATE ... FROM applies only one matching row to each target.
  const settled = new Map<
    string,
    { remote_id: string; started: string | null; terminated: string | null }
  >();
  for (const d of due) {
    const entry = settled.get(d.remote_id) ?? {
      remote_id: d.remote_id,
      started: null,
      terminated: null,
    };
    if (d.type === 'employee.started') entry.started = d.date;
    else entry.terminated = d.date;
    settled.set(d.remote_id, entry);
  }
  await manager.query(
    `UPDATE employees AS e
     SET started_notified_on = COALESCE(r.started, e.started_notified_on),
         terminated_notified_on = COALESCE(r.terminated, e.terminated_notified_on)
     FROM jsonb_to_recordset($2::jsonb) AS r(remote_id text, started date, terminated date)
     WHERE e.connection_id = $1 AND e.remote_id = r.remote_id`,
    [connection.id, JSON.stringify(Array.from(settled.values()))],
  );
  await input.events.appendMany(
    manager,
    connection,
    due.map((d) => {
      const row = byRemoteId.get(d.remote_id)!;
      return {
        type: d.type,
        data: {
          object: servedObject(row.id, row.data, { ...row, remote_deleted_at: null }),
          date: d.date,
        },
      };
    }),
    input.now,
  );
  return due.length;
}
