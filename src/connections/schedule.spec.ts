import { nextRunAfter, parseSchedule, type Schedule } from './schedule';

const parsed = (text: string): Schedule => {
  const schedule = parseSchedule(text);
  if (typeof schedule === 'string') throw new Error(schedule);
  return schedule;
};

describe('schedule', () => {
  it('accepts intervals of five minutes or more', () => {
    expect(parsed('PT15M')).toEqual({ kind: 'interval', ms: 900_000, text: 'PT15M' });
    expect(parsed('pt1h')).toMatchObject({ kind: 'interval', ms: 3_600_000 });
    expect(parsed('P1D')).toMatchObject({ ms: 86_400_000 });
    expect(parsed('PT5M')).toMatchObject({ ms: 300_000 });
  });

  it('refuses short, malformed and six-field schedules with a reason', () => {
    expect(parseSchedule('PT4M59S')).toMatch(/minimum interval of 5 minutes/);
    expect(parseSchedule('PT1X')).toMatch(/not an ISO 8601 duration/);
    expect(parseSchedule('0 0 4 * * *')).toMatch(/five-field cron/);
    expect(parseSchedule('61 4 * * *')).toMatch(/not a valid cron expression/);
    expect(parseSchedule('')).toMatch(/neither/);
  });

  it('computes the next run: intervals from the last run, cron in UTC', () => {
    const from = new Date('2026-11-21T05:00:00.000Z');
    expect(nextRunAfter(parsed('PT15M'), from).toISOString()).toBe('2026-11-21T05:15:00.000Z');
    expect(nextRunAfter(parsed('0 4 * * *'), from).toISOString()).toBe('2026-11-22T04:00:00.000Z');
    expect(
      nextRunAfter(parsed('0 4 * * *'), new Date('2026-11-21T03:59:59.000Z')).toISOString(),
    ).toBe('2026-11-21T04:00:00.000Z');
    expect(
      nextRunAfter(parsed('0 * * * *'), new Date('2026-11-21T04:00:00.000Z')).toISOString(),
    ).toBe('2026-11-21T05:00:00.000Z');
  });
});
