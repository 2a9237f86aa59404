import { generateCompany } from './generator';
import type { Company } from './model';
import { addDays } from './time';

const REFERENCE = '2026-11-21';

function company(seed: number, employees = 500): Company {
  return generateCompany({ seed, employees, referenceDate: REFERENCE });
}

describe('company generator', () => {
  it('is deterministic for a seed, size and reference date', () => {
    expect(JSON.stringify(company(42))).toBe(JSON.stringify(company(42)));
    expect(JSON.stringify(company(42))).not.toBe(JSON.stringify(company(43)));
  });

  it('builds a supervisor tree without cycles whose supervisors exist', () => {
    const c = company(3, 2000);
    const byId = new Map(c.employees.map((e) => [e.id, e]));
    for (const e of c.employees) {
      const seen = new Set<number>();
      let current: number | null = e.id;
      while (current !== null) {
        expect(seen.has(current)).toBe(false);
        seen.add(current);
        const next = byId.get(current);
        expect(next).toBeDefined();
        current = next?.supervisorId ?? null;
      }
    }
    expect(c.employees.filter((e) => e.supervisorId === null)).toHaveLength(1);
  });

  it('covers statuses, employment types, missing emails and dates consistent with the status', () => {
    const c = company(5, 2000);
    const statuses = new Set(c.employees.map((e) => e.status));
    expect([...statuses].sort()).toEqual(['active', 'inactive', 'leave', 'onboarding']);
    expect(new Set(c.employees.map((e) => e.employmentType))).toEqual(
      new Set(['internal', 'external']),
    );
    expect(c.employees.some((e) => e.email === null)).toBe(true);
    const emails = c.employees.flatMap((e) => (e.email === null ? [] : [e.email]));
    expect(new Set(emails).size).toBe(emails.length);
    for (const e of c.employees) {
      if (e.status === 'inactive') {
        expect(e.terminationDate).not.toBeNull();
        expect(e.terminationDate! <= REFERENCE).toBe(true);
      }
      if (e.status === 'onboarding') expect(e.hireDate > REFERENCE).toBe(true);
      if (e.terminationDate !== null) expect(e.terminationDate >= e.hireDate).toBe(true);
      expect(e.createdAt).toBeLessThanOrEqual(e.baselineUpdatedAt);
    }
    expect(c.employees.some((e) => e.status === 'active' && e.terminationDate !== null)).toBe(true);
  });

  it('defines the custom attributes the demo relies on', () => {
    const c = company(1);
    const byLabel = new Map(c.customAttributes.map((d) => [d.label, d]));
    expect(byLabel.get('Alleo')).toMatchObject({ type: 'list', options: ['Yes', 'No'] });
    expect(byLabel.get('Budget')?.type).toBe('decimal');
    expect(byLabel.get('Titel')?.type).toBe('standard');
    for (const def of c.customAttributes) expect(def.key).toMatch(/^dynamic_\d+$/);
    const alleo = byLabel.get('Alleo')?.key ?? '';
    const values = new Set(c.employees.map((e) => e.custom[alleo]));
    expect(values).toEqual(new Set(['Yes', 'No', null]));
  });

  it('spreads day and hour absences from a year back to a year ahead, some across any window', () => {
    const c = company(9, 1000);
    const units = new Set(c.timeOffTypes.map((t) => t.unit));
    expect(units).toEqual(new Set(['day', 'hour']));
    const first = addDays(REFERENCE, -365);
    const last = addDays(REFERENCE, 365);
    for (const a of c.absences) {
      expect(a.startDate >= first && a.startDate <= last).toBe(true);
      expect(a.endDate >= a.startDate).toBe(true);
    }
    const windowStart = addDays(REFERENCE, -30);
    const windowEnd = addDays(REFERENCE, 30);
    expect(c.absences.some((a) => a.startDate < windowStart && a.endDate > windowEnd)).toBe(true);
    expect(c.absences.some((a) => a.halfDayStart || a.halfDayEnd)).toBe(true);
    expect(c.absences.some((a) => a.startMs !== null)).toBe(true);
  });

  it('takes vacation and sick days often and months-long leaves rarely, never edited in the future', () => {
    const c = company(9, 1000);
    const category = new Map(c.timeOffTypes.map((t) => [t.id, t.category]));
    const dayAbsences = c.absences.filter((a) => a.startMs === null);
    const share = (test: (a: (typeof c.absences)[number]) => boolean): number =>
      dayAbsences.filter(test).length / dayAbsences.length;
    expect(share((a) => category.get(a.typeId) === 'paid_vacation')).toBeGreaterThan(0.5);
    expect(share((a) => category.get(a.typeId) === 'maternity_parental_leave')).toBeLessThan(0.05);
    expect(share((a) => addDays(a.startDate, 60) < a.endDate)).toBeLessThan(0.06);
    const midnight = Date.parse(`${REFERENCE}T00:00:00+01:00`);
    for (const a of c.absences) expect(a.updatedAt).toBeLessThanOrEqual(midnight);
  });

  it('generates an empty company', () => {
    const c = company(1, 0);
    expect(c.employees).toEqual([]);
    expect(c.absences).toEqual([]);
  });
});
