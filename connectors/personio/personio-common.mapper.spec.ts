/**
 * The shared normalisers: the hand-written instant parser agrees with Date.parse for every
 * offset form Personio prints (property), and custom values normalise the same from v1 and v2.
 */
import fc from 'fast-check';
import { customValue, dateOnly, dayIn, enumValue, instant } from './personio-common.mapper';

describe('personio common normalisers', () => {
  it('instant() equals Date.parse for Z, +hh:mm, +hhmm and fractional seconds (property)', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1970-01-02T00:00:00Z'),
          max: new Date('2099-12-30T00:00:00Z'),
          noInvalidDate: true,
        }),
        fc.integer({ min: -12 * 60, max: 14 * 60 }),
        fc.constantFrom('colon', 'plain', 'z'),
        fc.constantFrom('', '.0', '.51', '.510'),
        (date, offsetMin, style, fraction) => {
          const offset = style === 'z' ? 0 : offsetMin;
          const local = new Date(date.getTime() + offset * 60_000).toISOString().slice(0, 19);
          const sign = offset < 0 ? '-' : '+';
          const hh = String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0');
          const mm = String(Math.abs(offset) % 60).padStart(2, '0');
          const suffix =
            style === 'z' ? 'Z' : style === 'colon' ? `${sign}${hh}:${mm}` : `${sign}${hh}${mm}`;
          const text = `${local}${fraction}${suffix}`;
          const expected = new Date(
            Date.parse(`${local}${fraction}${style === 'z' ? 'Z' : `${sign}${hh}:${mm}`}`),
          ).toISOString();
          expect(instant(text)).toBe(expected);
        },
      ),
    );
    expect(instant('2024-06-01')).toBe('2024-06-01T00:00:00.000Z');
    expect(instant('not a date')).toBeNull();
    expect(instant(null)).toBeNull();
  });

  it('reads days, local days of instants, enum values and custom values leniently', () => {
    expect(dateOnly('2014-11-09T00:00:00+01:00')).toBe('2014-11-09');
    expect(dateOnly('2014-11-09')).toBe('2014-11-09');
    expect(dateOnly('09.11.2014')).toBeNull();
    expect(dayIn('2024-05-31T22:00:00.0Z', 'Europe/Berlin')).toBe('2024-06-01');
    expect(dayIn('2024-05-31T22:00:00.0Z', 'Not/AZone')).toBe('2024-05-31');
    expect(enumValue('UNSPECIFIED')).toBeNull();
    expect(enumValue('ON_HOLD')).toBe('on_hold');
    expect(customValue('decimal', '12,5')).toBe(12.5);
    expect(customValue('DOUBLE', '12.5')).toBe(12.5);
    expect(customValue('tags', '["a","b"]')).toEqual(['a', 'b']);
    expect(customValue('STRING_LIST', [])).toBeUndefined();
    expect(customValue('standard', '')).toBeUndefined();
    expect(customValue('date', '1815-12-10T00:00:00+01:00')).toBe('1815-12-10');
  });
});
