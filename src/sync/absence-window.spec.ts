import { absenceWindow, overlaps } from './absence-window';

describe('absenceWindow', () => {
  it('spans days_back before to days_ahead after today (UTC), inclusive', () => {
    expect(absenceWindow({ days_back: 14, days_ahead: 180 }, '2026-11-22')).toEqual({
      from: '2026-11-08',
      to: '2027-05-21',
    });
    expect(
      absenceWindow({ days_back: 0, days_ahead: 0 }, new Date('2026-11-22T23:30:00.000Z')),
    ).toEqual({ from: '2026-11-22', to: '2026-11-22' });
  });

  it('refuses negative or fractional day counts', () => {
    expect(() => absenceWindow({ days_back: -1, days_ahead: 0 }, '2026-11-22')).toThrow(
      /days_back/,
    );
    expect(() => absenceWindow({ days_back: 0, days_ahead: 1.5 }, '2026-11-22')).toThrow(
      /days_ahead/,
    );
  });
});

describe('overlaps', () => {
  const window = { from: '2026-11-08', to: '2027-05-21' };
  const absence = (start_date: string, end_date: string) => ({ start_date, end_date });

  it('counts absences inside, touching either end, or spanning the whole window', () => {
    expect(overlaps(absence('2026-12-01', '2026-12-05'), window)).toBe(true);
    expect(overlaps(absence('2026-11-01', '2026-11-08'), window)).toBe(true);
    expect(overlaps(absence('2027-05-21', '2027-06-30'), window)).toBe(true);
    expect(overlaps(absence('2026-01-01', '2027-12-31'), window)).toBe(true);
  });

  it('leaves out absences entirely before or after the window', () => {
    expect(overlaps(absence('2026-11-01', '2026-11-07'), window)).toBe(false);
    expect(overlaps(absence('2027-05-22', '2027-05-22'), window)).toBe(false);
  });

  it('reads reversed dates as the days between them', () => {
    expect(overlaps(absence('2026-11-10', '2026-11-01'), window)).toBe(true);
    expect(overlaps(absence('2026-11-07', '2026-11-01'), window)).toBe(false);
  });
});
