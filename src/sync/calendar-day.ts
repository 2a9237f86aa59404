/**
 * Owns calendar-day arithmetic in UTC (`YYYY-MM-DD`): the sync core's "today" and day offsets.
 * Days are compared as strings, which sorts correctly for this format. Never local time: a
 * gateway in Berlin and one in New York must agree on which day it is.
 */
import type { IsoDate } from '../../connectors/unified';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** The UTC calendar day of an instant, or the day itself when given one (checked). */
export function utcDay(today: Date | IsoDate): IsoDate {
  if (typeof today === 'string') {
    if (!isCalendarDay(today)) throw new RangeError(`"${today}" is not a calendar day YYYY-MM-DD`);
    return today;
  }
  if (Number.isNaN(today.getTime())) throw new RangeError('today is an invalid Date');
  return today.toISOString().slice(0, 10);
}

export function addDays(day: IsoDate, days: number): IsoDate {
  return new Date(Date.parse(`${utcDay(day)}T00:00:00Z`) + days * DAY_MS)
    .toISOString()
    .slice(0, 10);
}

export function isCalendarDay(text: string): boolean {
  if (!DAY.test(text)) return false;
  const ms = Date.parse(`${text}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().startsWith(text);
}
