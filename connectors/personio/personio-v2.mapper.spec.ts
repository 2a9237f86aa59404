/**
 * v2 mappers on recorded payloads shaped like the official v2 spec files and REFERENCE.md 4.3 to
 * 4.7: a person with custom attributes of every v2 type (upper and lower case), an external
 * person without email or supervisor and an unknown employment status, org units with parents,
 * absence periods with half days and breakdowns, absence types with an unknown unit.
 */
import { mapV2Absence, mapV2AbsenceType, mapV2Employee, mapV2OrgUnit } from './personio-v2.mapper';
import type {
  V2AbsencePeriod,
  V2AbsenceType,
  V2Breakdown,
  V2Employment,
  V2List,
  V2OrgUnit,
  V2Person,
} from './personio-raw.types';
import personsFixture from './fixtures/v2-persons.json';
import employmentsFixture from './fixtures/v2-employments.json';
import unitsFixture from './fixtures/v2-org-units.json';
import periodsFixture from './fixtures/v2-absence-periods.json';
import breakdownsFixture from './fixtures/v2-breakdowns.json';
import typesFixture from './fixtures/v2-absence-types.json';

const persons = (personsFixture as V2List<V2Person>)._data ?? [];
const employments = employmentsFixture as Record<string, V2Employment>;
const periods = (periodsFixture as V2List<V2AbsencePeriod>)._data ?? [];
const breakdowns = breakdownsFixture as Record<string, V2Breakdown[]>;

function at<T>(list: readonly T[], i: number): T {
  const item = list[i];
  if (item === undefined) throw new Error(`fixture item ${i} missing`);
  return item;
}

describe('v2 employee mapper', () => {
  it('maps a person with its current employment, custom attributes normalised by type', () => {
    const person = at(persons, 0);
    const employment = employments['1042'] ?? null;
    const e = mapV2Employee(
      { person, employment },
      { officeNames: new Map([['131014', 'Munich']]) },
    );
    expect(e).toEqual({
      remote_id: '1042',
      first_name: 'Mara',
      last_name: 'Keller',
      preferred_name: 'Mara Keller',
      display_name: 'Mara Keller',
      email: 'mara.keller@example.com',
      employee_number: null,
      gender: 'female',
      birth_date: '1990-04-01',
      status: 'active',
      employment_type: 'internal',
      job_title: 'Support Engineer',
      position_id: 'title:support engineer',
      department_id: 'department:281521',
      team_id: 'team:59026',
      office: 'Munich',
      manager_id: '1001',
      hire_date: '2021-03-01',
      termination_date: null,
      termination_type: null,
      contract_end_date: null,
      weekly_working_hours: 40,
      custom_fields: {
        dynamic_180883: '1990-04-01',
        dynamic_2: 'married',
        dynamic_21827: 'DE00 0000 0000 0000 0000 00',
        dynamic_3: ['English', 'German'],
        dynamic_4: 4711,
        dynamic_5: 1250.5,
        dynamic_9: true,
      },
      remote_created_at: '2021-03-01T08:00:00.000Z',
      // The later of person and employment: a termination changes the employment only.
      remote_updated_at: '2025-02-15T10:12:44.000Z',
      remote_data: { person, employment },
    });
  });

  it('an external person without email or supervisor, unknown status kept, UNSPECIFIED gender empty', () => {
    const e = mapV2Employee({ person: at(persons, 1), employment: employments['1043'] ?? null });
    expect(e.email).toBeNull();
    expect(e.manager_id).toBeNull();
    expect(e.gender).toBeNull();
    expect(e.employment_type).toBe('external');
    expect(e.status).toBe('furloughed');
    expect(e.termination_type).toBe('contract_expired');
    expect(e.termination_date).toBe('2025-03-31');
    expect(e.department_id).toBeNull();
    expect(e.office).toBeNull();
    expect(e.custom_fields).toEqual({});
  });

  it('a person without any employment still maps (status from the person)', () => {
    const e = mapV2Employee({ person: at(persons, 1), employment: null });
    expect(e.status).toBe('active');
    expect(e.job_title).toBeNull();
    expect(e.hire_date).toBeNull();
  });
});

describe('v2 org unit, absence and absence type mappers', () => {
  it('maps org units with their parent in the same hierarchy', () => {
    const units = ((unitsFixture as V2List<V2OrgUnit>)._data ?? []).map((u) => mapV2OrgUnit(u));
    expect(units.map((u) => [u.remote_id, u.name, u.type, u.parent_id])).toEqual([
      ['department:281500', 'Operations', 'department', null],
      ['department:281521', 'Customer Support', 'department', 'department:281500'],
    ]);
  });

  it('maps absence periods: half days, a midnight end, breakdown durations, unknown status kept', () => {
    const first = at(periods, 0);
    const a = mapV2Absence({ period: first, breakdowns: breakdowns[first.id ?? ''] ?? null });
    expect(a).toEqual({
      remote_id: 'f8228cda-5615-4e81-8cba-21fa5e996291',
      employee_id: '1042',
      absence_type_id: '6c172f08-e46a-471e-9fcb-4aa2793c625c',
      status: 'approved',
      start_date: '2025-06-20',
      end_date: '2025-06-23',
      half_day_start: true,
      half_day_end: false,
      duration: { value: 1.5, unit: 'day' },
      remote_created_at: '2025-06-01T08:10:00.000Z',
      remote_updated_at: '2025-06-02T09:00:00.000Z',
      remote_data: { period: first, breakdowns: breakdowns[first.id ?? ''] },
    });
    const second = at(periods, 1);
    const b = mapV2Absence({ period: second, breakdowns: breakdowns[second.id ?? ''] ?? null });
    expect(b.end_date).toBe('2025-07-02');
    expect(b.status).toBe('escalated');
    expect(b.duration).toEqual({ value: 15.5, unit: 'hour' });
    expect(mapV2Absence({ period: second, breakdowns: null }).duration).toBeNull();
  });

  it('maps absence types; an unknown unit is kept as sent', () => {
    const types = ((typesFixture as V2List<V2AbsenceType>)._data ?? []).map((t) =>
      mapV2AbsenceType(t),
    );
    expect(types.map((t) => [t.name, t.category, t.unit])).toEqual([
      ['Paid vacation', 'paid_vacation', 'day'],
      ['Training', 'other', 'minute'],
    ]);
  });
});
