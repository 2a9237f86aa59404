/**
 * Owns effective-date events: `employee.started` on the day a hire date arrives and
 * `employee.terminated` on the day a termination date arrives, even when the record did not
 * change. Pure and idempotent: the same employees, day and already-emitted keys always give the
 * same events, and the caller stores each event's key so a second run that day emits nothing.
 * These two types are not in src/events/event-types.ts yet; the wiring adds them there.
 */
import type { IsoDate } from '../../connectors/unified';
import { utcDay } from './calendar-day';
import type { ExposedEmployee } from './field-mapping';
import type { EventType } from '../events/event-types';
import { compareRemoteIds } from './remote-id-order';

export const EFFECTIVE_DATE_EVENT_TYPES = [
  'employee.started',
  'employee.terminated',
] as const satisfies readonly EventType[];

export type EffectiveDateEventType = (typeof EFFECTIVE_DATE_EVENT_TYPES)[number];

export interface DueEffectiveDateEvent {
  type: EffectiveDateEventType;
  remote_id: string;
  /** The hire or termination date that arrived. */
  date: IsoDate;
  /** Idempotency key: type, employee and date. A moved date is a new event, a repeat is not. */
  key: string;
}

export interface EffectiveDateOptions {
  today: Date | IsoDate;
  /**
   * First day to consider (inclusive); default `today`, i.e. only dates equal to today. A caller
   * passes the day of its last successful run so a day without a run (paused connection, a
   * daily schedule that slipped past midnight) is caught up; the keys keep repeats out.
   */
  since?: IsoDate;
  /** Keys of events already emitted for this connection. */
  emitted?: ReadonlySet<string>;
}

export type EffectiveDateEmployee = Pick<
  ExposedEmployee,
  'remote_id' | 'hire_date' | 'termination_date'
>;

export function effectiveDateEventKey(
  type: EffectiveDateEventType,
  remoteId: string,
  date: IsoDate,
): string {
  return `${type}:${remoteId}:${date}`;
}

/**
 * Events due for in-scope, live employees, ordered by date, then started before terminated,
 * then remote id. Employees out of scope must not be passed: they produce no events.
 */
export function dueEffectiveDateEvents(
  employees: readonly EffectiveDateEmployee[],
  options: EffectiveDateOptions,
): DueEffectiveDateEvent[] {
  const today = utcDay(options.today);
  const since = options.since === undefined ? today : utcDay(options.since);
  const emitted = options.emitted ?? new Set<string>();
  const due: DueEffectiveDateEvent[] = [];
  const consider = (type: EffectiveDateEventType, remoteId: string, date: IsoDate | null) => {
    if (date === null || date < since || date > today) return;
    const key = effectiveDateEventKey(type, remoteId, date);
    if (!emitted.has(key)) due.push({ type, remote_id: remoteId, date, key });
  };
  for (const e of employees) {
    consider('employee.started', e.remote_id, e.hire_date);
    consider('employee.terminated', e.remote_id, e.termination_date);
  }
  const typeOrder = (t: EffectiveDateEventType): number => EFFECTIVE_DATE_EVENT_TYPES.indexOf(t);
  return due.sort(
    (a, b) =>
      (a.date < b.date ? -1 : a.date > b.date ? 1 : 0) ||
      typeOrder(a.type) - typeOrder(b.type) ||
      compareRemoteIds(a.remote_id, b.remote_id),
  );
}
