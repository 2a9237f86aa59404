/**
 * A connection's sync schedule: an ISO 8601 duration (`PT15M`, `PT1H`, `P1D`; at least five
 * minutes) or a five-field cron expression evaluated in UTC (`0 4 * * *`).
 */
import { CronTime, validateCronExpression } from 'cron';
import { Duration } from 'luxon';

export const MIN_INTERVAL_MS = 5 * 60_000;

export type Schedule =
  { kind: 'interval'; ms: number; text: string } | { kind: 'cron'; text: string };

/** The schedule, or a sentence saying what is wrong with the text. */
export function parseSchedule(text: string): Schedule | string {
  const trimmed = text.trim();
  if (/^P/i.test(trimmed)) {
    const duration = Duration.fromISO(trimmed.toUpperCase());
    if (!duration.isValid) return `"${text}" is not an ISO 8601 duration such as PT15M or PT1H`;
    const ms = duration.as('milliseconds');
    if (ms < MIN_INTERVAL_MS)
      return `"${text}" is shorter than the minimum interval of 5 minutes (PT5M)`;
    return { kind: 'interval', ms, text: trimmed.toUpperCase() };
  }
  const fields = trimmed.split(/\s+/);
  if (fields.length !== 5) {
    return `"${text}" is neither an ISO 8601 duration (PT15M) nor a five-field cron expression in UTC (0 4 * * *)`;
  }
  const result = validateCronExpression(fields.join(' '));
  if (!result.valid)
    return `"${text}" is not a valid cron expression: ${result.error?.message ?? 'invalid'}`;
  return { kind: 'cron', text: fields.join(' ') };
}

/** The first run strictly after `from`. */
export function nextRunAfter(schedule: Schedule, from: Date): Date {
  if (schedule.kind === 'interval') return new Date(from.getTime() + schedule.ms);
  return new CronTime(schedule.text, 'UTC').getNextDateFrom(from).toJSDate();
}

/** The next run of a validated schedule text; an unreadable one (never stored) means hourly. */
export function nextSyncAfter(text: string, from: Date): Date {
  const schedule = parseSchedule(text);
  return typeof schedule === 'string'
    ? new Date(from.getTime() + 3_600_000)
    : nextRunAfter(schedule, from);
}
