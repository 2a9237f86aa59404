/**
 * Owns time: the injectable sandbox clock and the date formats Personio uses (v1 datetimes in
 * the company's Europe/Berlin offset, v2 UTC instants, plain YYYY-MM-DD dates).
 */

export const DAY_MS = 86_400_000;

/** The sandbox's clock: a base `now()` plus an offset that tests and the control API move. */
export class SandboxClock {
  private offsetMs = 0;

  constructor(private readonly base: () => Date = () => new Date()) {}

  nowMs(): number {
    return this.base().getTime() + this.offsetMs;
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }

  set(at: Date): void {
    this.offsetMs = at.getTime() - this.base().getTime();
  }
}

/** Last Sunday of a month (0-based month) in UTC, as a day of month. */
function lastSunday(year: number, month: number): number {
  const last = new Date(Date.UTC(year, month + 1, 0));
  return last.getUTCDate() - last.getUTCDay();
}

/** Per year: [start of year, start of next year, DST start, DST end], all UTC ms. */
const yearTable = new Map<number, [number, number, number, number]>();

function yearInfo(year: number): [number, number, number, number] {
  let info = yearTable.get(year);
  if (!info) {
    info = [
      Date.UTC(year, 0, 1),
      Date.UTC(year + 1, 0, 1),
      Date.UTC(year, 2, lastSunday(year, 2), 1),
      Date.UTC(year, 9, lastSunday(year, 9), 1),
    ];
    yearTable.set(year, info);
  }
  return info;
}

/** Europe/Berlin offset in minutes at an instant (EU rule: 01:00 UTC on the last Sundays). */
export function berlinOffsetMinutes(utcMs: number): number {
  // Year by arithmetic, corrected at the edges from a table: no Date object on this hot path.
  let year = 1970 + Math.floor(utcMs / 31_556_952_000);
  let info = yearInfo(year);
  if (utcMs < info[0]) info = yearInfo(--year);
  else if (utcMs >= info[1]) info = yearInfo(++year);
  return utcMs >= info[2] && utcMs < info[3] ? 120 : 60;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function offsetSuffix(minutes: number): string {
  const sign = minutes >= 0 ? '+' : '-';
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

const TWO = Array.from({ length: 60 }, (_, i) => pad(i));

/** v1 timestamp: local Berlin wall time with offset, e.g. 2020-11-18T17:33:55+01:00. */
export function v1DateTime(utcMs: number): string {
  // Hot path of every v1 employee: plain arithmetic on cached day strings, no Date objects.
  const offset = berlinOffsetMinutes(utcMs);
  const local = utcMs + offset * 60_000;
  const day = Math.floor(local / DAY_MS);
  const secs = Math.floor((local - day * DAY_MS) / 1000);
  const h = Math.floor(secs / 3600);
  const m = Math.floor((secs % 3600) / 60);
  return `${dateOfDayNumber(day)}T${TWO[h] ?? pad(h)}:${TWO[m] ?? pad(m)}:${TWO[secs % 60] ?? pad(secs % 60)}${offset === 120 ? '+02:00' : '+01:00'}`;
}

const v1DateCache = new Map<string, string>();

/** v1 date attribute: midnight Berlin time of a calendar date, e.g. 2014-11-09T00:00:00+01:00. */
export function v1Date(date: string): string {
  let out = v1DateCache.get(date);
  if (out === undefined) {
    const utcMidnight = Date.parse(`${date}T00:00:00Z`);
    const offset = berlinOffsetMinutes(utcMidnight - 60 * 60_000);
    out = `${date}T00:00:00${offsetSuffix(offset)}`;
    v1DateCache.set(date, out);
  }
  return out;
}

/** v2 instant: UTC without milliseconds, e.g. 2017-07-21T17:32:28Z. */
export function v2DateTime(utcMs: number): string {
  return new Date(Math.floor(utcMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function isoDate(utcMs: number): string {
  return new Date(utcMs).toISOString().slice(0, 10);
}

// Calendar arithmetic is hot in the generator (100k people, 300k absences): day numbers and
// their strings are cached, which also makes equal dates share one string in memory.
const dayNumberOf = new Map<string, number>();
const dateOfDay = new Map<number, string>();

function dayNumber(date: string): number {
  let n = dayNumberOf.get(date);
  if (n === undefined) {
    n = Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
    dayNumberOf.set(date, n);
  }
  return n;
}

function dateOfDayNumber(n: number): string {
  let d = dateOfDay.get(n);
  if (d === undefined) {
    d = isoDate(n * DAY_MS);
    dateOfDay.set(n, d);
    dayNumberOf.set(d, n);
  }
  return d;
}

export function addDays(date: string, days: number): string {
  return dateOfDayNumber(dayNumber(date) + days);
}

/** UTC instant of midnight Berlin time at the start of a calendar date. */
export function berlinMidnightMs(date: string): number {
  const utcMidnight = dayNumber(date) * DAY_MS;
  return utcMidnight - berlinOffsetMinutes(utcMidnight - 60 * 60_000) * 60_000;
}

export function isWeekday(date: string): boolean {
  // Day 0 of the epoch was a Thursday.
  const day = (((dayNumber(date) + 4) % 7) + 7) % 7;
  return day !== 0 && day !== 6;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const NAIVE_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;
const ZONED_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

export function isDateOnly(value: string): boolean {
  return DATE_ONLY.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));
}

/**
 * Parses the instants Personio accepts in filters: YYYY-MM-DD and naive date-times are read as
 * Berlin wall time (the company's zone, as v1 prints it); zoned values keep their offset.
 * Returns null for anything else.
 */
export function parseInstant(value: string): number | null {
  if (isDateOnly(value)) return berlinMidnightMs(value);
  if (NAIVE_DATE_TIME.test(value)) {
    const asUtc = Date.parse(`${value}Z`);
    if (Number.isNaN(asUtc)) return null;
    return asUtc - berlinOffsetMinutes(asUtc - 60 * 60_000) * 60_000;
  }
  if (ZONED_DATE_TIME.test(value)) {
    const normalised = value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
    const ms = Date.parse(normalised);
    return Number.isNaN(ms) ? null : ms;
  }
  return null;
}
