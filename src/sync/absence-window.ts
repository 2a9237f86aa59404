/**
 * Owns the absence window of a run: the inclusive range of calendar days (UTC) from
 * `days_back` before today to `days_ahead` after it, and the overlap rule that decides whether
 * an absence counts. It never reads a clock: the caller passes "today", so a run, its retries
 * and its tests all see the same window.
 */
import type { DateWindow } from '../../connectors/connector';
import type { IsoDate } from '../../connectors/unified';
import { addDays, utcDay } from './calendar-day';

export interface AbsenceWindowSettings {
  days_back: number;
  days_ahead: number;
}

/** `[today - days_back, today + days_ahead]`, both ends included. */
export function absenceWindow(settings: AbsenceWindowSettings, today: Date | IsoDate): DateWindow {
  const { days_back, days_ahead } = settings;
  for (const [name, days] of [
    ['days_back', days_back],
    ['days_ahead', days_ahead],
  ] as const) {
    if (!Number.isInteger(days) || days < 0) {
      throw new RangeError(`${name} must be a whole number of days, 0 or more (got ${days})`);
    }
  }
  const day = utcDay(today);
  return { from: addDays(day, -days_back), to: addDays(day, days_ahead) };
}

/**
 * Whether an absence shares at least one day with the window: one that starts before and ends
 * after it counts, as does one that touches either end. An absence whose end is before its start
 * (bad source data) is read as the days between the two, so it is neither lost nor doubled.
 *
 * The caller also uses this on stored absences before diffing: an absence that merely aged out
 * of the window is not in the read any more, and must not be reported as deleted.
 */
export function overlaps(
  absence: { start_date: IsoDate; end_date: IsoDate },
  window: DateWindow,
): boolean {
  const first = absence.start_date <= absence.end_date ? absence.start_date : absence.end_date;
  const last = absence.start_date <= absence.end_date ? absence.end_date : absence.start_date;
  return first <= window.to && last >= window.from;
}
