/**
 * v1 mappers on recorded payloads shaped like the official spec examples (personio-personnel-
 * data-api-oa3.yaml): the spec's own employee (external, with a supervisor), an employee without
 * email or supervisor and with an unknown status, a bare one; every custom attribute type; time-offs
 * with integer and boolean half days; an hour-based absence period; time-off types.
 */
import { ConnectorError } from '../connector';
import { positionsOf, reportingLinesOf } from '../unified';
import type {
  V1AbsencePeriod,
  V1Employee,
  V1List,
  V1TimeOff,
  V1TimeOffType,
} from './personio-raw.types';
import {
  mapV1AbsencePeriod,
  mapV1Employee,
  mapV1TimeOff,
  mapV1TimeOffType,
  v1OrgUnitsOf,
  v1TypeIdMap,
} from './personio-v1.mapper';
import employeesFixture from './fixtures/v1-employees.json';
import periodsFixture from './fixtures/v1-absence-periods.json';
import timeOffsFixture from './fixtures/v1-time-offs.json';
import typesFixture from './fixtures/v1-time-off-types.json';

const employees = (employeesFixture as V1List<V1Employee>).data ?? [];
const timeOffs = (timeOffsFixture as V1List<V1TimeOff>).data ?? [];
const periods = (periodsFixture as V1List<V1AbsencePeriod>).data ?? [];
const types = (typesFixture as V1List<V1TimeOffType>).data ?? [];

function at<T>(list: readonly T[], i: number): T {
  const item = list[i];
  if (item === undefined) throw new Error(`fixture item ${i} missing`);
  return item;
}

describe('v1 employee mapper', () => {
  it('maps the spec example employee field by field, custom attributes of every type by key', () => {
    const raw = at(employees, 0);
    const e = mapV1Employee(raw);
    expect(e).toEqual({
      remote_id: '1',
      first_name: 'Alexander',
      last_name: 'Bergmann',
      preferred_name: 'Alexander Bergmann',
      display_name: 'Alexander Bergmann',
      email: 'alexander.bergmann@demo.email',
      employee_number: null,
      gender: 'male',
      birth_date: '1815-12-10',
      status: 'active',
      employment_type: 'external',
      job_title: 'CTO',
      position_id: 'title:cto',
      department_id: 'department:281521',
      team_id: 'team:59026',
      office: 'Munich',
      manager_id: '2',
      hire_date: '2014-11-09',
      termination_date: null,
      termination_type: null,
      contract_end_date: null,
      weekly_working_hours: 40,
      custom_fields: {
        dynamic_180883: '1815-12-10',
        dynamic_2: 'married',
        dynamic_21827: 'DE98 8989 9898 9898 9898 98',
        dynamic_24407: 'Dr',
        dynamic_3: ['English', 'German'],
        dynamic_4: 4711,
        dynamic_5: 1250.5,
        dynamic_6: 'https://example.com/alex',
        dynamic_7: 'Line one\nLine two',
      },
      remote_created_at: '2017-05-23T07:49:03.000Z',
      remote_updated_at: '2020-11-18T16:33:55.000Z',
      remote_data: raw,
    });
    // The raw payload is kept as it came, not a copy with changes.
    expect(e.remote_data).toBe(raw);
  });

  it('keeps a missing email and supervisor empty, an unknown status as sent, odd formats read', () => {
    const e = mapV1Employee(at(employees, 1));
    expect(e.email).toBeNull();
    expect(e.manager_id).toBeNull();
    expect(e.department_id).toBeNull();
    expect(e.status).toBe('sabbatical');
    expect(e.weekly_working_hours).toBe(35.5);
    expect(e.hire_date).toBe('2012-02-01');
    expect(e.termination_date).toBe('2019-06-30');
    expect(e.termination_type).toBe('employee');
    expect(e.display_name).toBe('Ada Lovelace');
    // A tags value sent as a comma-separated string reads as a list.
    expect(e.custom_fields).toEqual({ dynamic_3: ['English', 'French'] });
  });

  it('survives an employee with almost nothing whitelisted (old envelopes without type)', () => {
    const e = mapV1Employee(at(employees, 2));
    expect(e.remote_id).toBe('3');
    expect(e.first_name).toBe('Grace');
    expect(e.termination_type).toBeNull();
    expect(e.job_title).toBeNull();
    expect(e.position_id).toBeNull();
    expect(e.remote_created_at).toBeNull();
    expect(e.custom_fields).toEqual({});
  });

  it('refuses an employee without id rather than inventing one', () => {
    expect(() => mapV1Employee({ type: 'Employee', attributes: {} })).toThrow(ConnectorError);
  });

  it('is deterministic: the same payload maps to equal records', () => {
    const raw = at(employees, 0);
    expect(JSON.stringify(mapV1Employee(raw))).toBe(
      JSON.stringify(mapV1Employee(structuredClone(raw))),
    );
  });

  it('derives org units, positions and reporting lines from employees', () => {
    expect(
      employees.flatMap((e) => v1OrgUnitsOf(e)).map((u) => [u.remote_id, u.name, u.type]),
    ).toEqual([
      ['department:281521', 'Customer Support', 'department'],
      ['team:59026', 'T_X', 'team'],
    ]);
    const mapped = employees.map((e) => mapV1Employee(e));
    expect(positionsOf(mapped).map((p) => p.title)).toEqual(['CTO']);
    expect(reportingLinesOf(mapped)).toEqual([{ employee_id: '1', manager_id: '2' }]);
  });
});

describe('v1 absence mappers', () => {
  it('maps a time-off: integer half days, fractional days, id_v2 as remote id, type id via id_v2', () => {
    const typeIds = v1TypeIdMap(types);
    const a = mapV1TimeOff(at(timeOffs, 0), typeIds);
    expect(a).toEqual({
      remote_id: '0b5f5f2e-5d6b-4b56-9b8e-2f3a4c5d6e7f',
      employee_id: '1042',
      absence_type_id: '6c172f08-e46a-471e-9fcb-4aa2793c6000',
      status: 'approved',
      start_date: '2024-09-02',
      end_date: '2024-09-04',
      half_day_start: false,
      half_day_end: true,
      duration: { value: 2.5, unit: 'day' },
      remote_created_at: '2024-08-20T08:32:18.000Z',
      remote_updated_at: '2024-08-20T08:32:18.000Z',
      remote_data: at(timeOffs, 0),
    });
  });

  it('keeps an unknown status, boolean half days, +0100 offsets, a string days_count', () => {
    const a = mapV1TimeOff(at(timeOffs, 1));
    expect(a.remote_id).toBe('17205943');
    expect(a.status).toBe('waiting_for_hr');
    expect(a.half_day_start).toBe(true);
    expect(a.start_date).toBe('2024-12-30');
    expect(a.duration).toEqual({ value: 0.5, unit: 'day' });
    expect(a.absence_type_id).toBe('999999');
  });

  it('maps the spec absence period: UTC instants to local days, minutes to hours', () => {
    const a = mapV1AbsencePeriod(at(periods, 0));
    expect(a).toMatchObject({
      remote_id: '9bba303f-0fbc-4514-9958-0befa21923fb',
      employee_id: '2367',
      absence_type_id: '6c172f08-e46a-471e-9fcb-4aa2793c625c',
      status: 'approved',
      // 2024-05-31T22:00Z is midnight of June 1 in Berlin; the end is midnight after June 2.
      start_date: '2024-06-01',
      end_date: '2024-06-02',
      half_day_start: true,
      half_day_end: false,
      duration: { value: 16, unit: 'hour' },
      remote_created_at: '2024-05-20T14:29:56.510Z',
    });
  });

  it('maps time-off types, keeping an unknown category as sent', () => {
    expect(types.map((t) => mapV1TimeOffType(t))).toEqual([
      {
        remote_id: '6c172f08-e46a-471e-9fcb-4aa2793c6000',
        name: 'Paid vacation',
        category: 'paid_vacation',
        unit: 'day',
        remote_data: at(types, 0),
      },
      {
        remote_id: '45678',
        name: 'Training',
        category: 'public_duties',
        unit: 'hour',
        remote_data: at(types, 1),
      },
    ]);
  });
});
