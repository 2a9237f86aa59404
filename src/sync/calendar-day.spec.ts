import { addDays, isCalendarDay, utcDay } from './calendar-day';

describe('calendar days', () => {
  it('takes the UTC day of an instant, whatever the hour', () => {
    expect(utcDay(new Date('2026-11-21T23:59:59.999Z'))).toBe('2026-11-21');
    expect(utcDay(new Date('2026-11-22T00:00:00.000+01:00'))).toBe('2026-11-21');
    expect(utcDay('2026-11-22')).toBe('2026-11-22');
  });

  it('refuses what is not a day', () => {
    expect(() => utcDay('2026-02-30')).toThrow(RangeError);
    expect(() => utcDay('22.11.2026')).toThrow(RangeError);
    expect(() => utcDay(new Date(Number.NaN))).toThrow(RangeError);
    expect(isCalendarDay('2024-02-29')).toBe(true);
    expect(isCalendarDay('2025-02-29')).toBe(false);
  });

  it('adds days across months, years and leap days', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(addDays('2026-11-22', 0)).toBe('2026-11-22');
    expect(addDays('2026-11-22', -14)).toBe('2026-11-08');
  });
});
