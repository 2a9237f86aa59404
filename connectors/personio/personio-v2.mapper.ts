/**
 * Owns the pure mapping of Personio API v2 payloads (person + current employment, org units,
 * absence periods with their daily breakdowns, absence types) to unified records, producing the
 * same values the v1 mapper produces for the same company, so a connection can switch API
 * generation without every record looking changed. Pure and deterministic; never does I/O.
 */
import {
  positionIdForTitle,
  type UnifiedAbsence,
  type UnifiedAbsenceType,
  type UnifiedEmployee,
  type UnifiedTeam,
} from '../unified';
import {
  badRecord,
  customValue,
  dateOnly,
  enumValue,
  idText,
  instant,
  isLocalMidnight,
  num,
  orgUnitRemoteId,
  previousDay,
  round4,
  teamType,
  text,
} from './personio-common.mapper';
import type {
  V2AbsenceRaw,
  V2AbsenceType,
  V2EmployeeRaw,
  V2OrgUnit,
  V2Person,
} from './personio-raw.types';

function later(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a >= b ? a : b;
}

function customAttribute(person: V2Person, globalId: string): unknown {
  return (person.custom_attributes ?? []).find((c) => c.global_id === globalId)?.value;
}

export interface V2EmployeeContext {
  /** Office (workplace) names by id, when `/v2/workplaces` could be read. */
  officeNames?: ReadonlyMap<string, string>;
}

export function mapV2Employee(raw: V2EmployeeRaw, ctx: V2EmployeeContext = {}): UnifiedEmployee {
  const { person } = raw;
  const employment = raw.employment ?? {};
  const id = idText(person.id);
  if (id === null) throw badRecord('v2 person without id');
  const first = text(person.first_name);
  const last = text(person.last_name);
  const preferred = text(person.preferred_name);
  const title = text(employment.position?.title);
  const units = employment.org_units ?? [];
  const unitOf = (type: 'department' | 'team'): string | null => {
    const unit = units.find((u) => teamType(u.type) === type);
    const unitId = idText(unit?.id);
    return unitId === null ? null : orgUnitRemoteId(type, unitId);
  };
  const custom: Record<string, unknown> = {};
  const attrs = [...(person.custom_attributes ?? [])].sort((a, b) =>
    String(a.id).localeCompare(String(b.id)),
  );
  for (const attr of attrs) {
    const key = idText(attr.id);
    if (key === null) continue;
    const v = customValue(attr.type, attr.value);
    if (v !== undefined) custom[key] = v;
  }
  const officeId = idText(employment.office?.id);
  const termination = employment.termination ?? null;
  return {
    remote_id: id,
    first_name: first,
    last_name: last,
    preferred_name: preferred,
    display_name: preferred ?? ([first, last].filter((x) => x !== null).join(' ') || null),
    email: text(person.email),
    employee_number: text(customAttribute(person, 'employee_number')),
    gender: enumValue(person.gender),
    birth_date: dateOnly(customAttribute(person, 'date_of_birth')),
    // The employment says onboarding/leave; the person only ACTIVE/INACTIVE.
    status: enumValue(employment.status) ?? enumValue(person.status),
    employment_type: enumValue(employment.type),
    job_title: title,
    position_id: title === null ? null : positionIdForTitle(title),
    department_id: unitOf('department'),
    team_id: unitOf('team'),
    office: officeId === null ? null : (ctx.officeNames?.get(officeId) ?? null),
    manager_id: idText(employment.supervisor?.id),
    hire_date: dateOnly(employment.employment_start_date),
    termination_date:
      dateOnly(termination?.termination_date) ?? dateOnly(employment.employment_end_date),
    termination_type: enumValue(termination?.type),
    contract_end_date: dateOnly(employment.contract_end_date),
    weekly_working_hours: num(employment.weekly_working_hours),
    custom_fields: custom,
    remote_created_at: instant(person.created_at),
    remote_updated_at: later(instant(person.updated_at), instant(employment.updated_at)),
    remote_data: raw,
  };
}

export function mapV2OrgUnit(raw: V2OrgUnit, requestedType?: 'department' | 'team'): UnifiedTeam {
  const type = teamType(raw.type) ?? requestedType ?? null;
  const id = idText(raw.id);
  if (id === null || type === null) throw badRecord('v2 org unit without id or type');
  const parent = idText(raw.parent_id);
  return {
    remote_id: orgUnitRemoteId(type, id),
    name: text(raw.name) ?? '',
    type,
    parent_id: parent === null ? null : orgUnitRemoteId(type, parent),
    manager_id: null,
    remote_data: raw,
  };
}

const HALF = new Set(['first_half', 'second_half']);

export function mapV2Absence(raw: V2AbsenceRaw): UnifiedAbsence {
  const p = raw.period;
  const id = idText(p.id);
  const employee = idText(p.person?.id);
  const startText = p.starts_from?.date_time ?? '';
  const endText = p.ends_at?.date_time ?? startText;
  const start = dateOnly(startText);
  let end = dateOnly(endText) ?? start;
  // An end at 00:00 local time is the end of the day before (hour-based multi-day absences).
  if (end !== null && start !== null && end > start && isLocalMidnight(endText)) {
    end = previousDay(end);
  }
  if (id === null || employee === null || start === null || end === null) {
    throw badRecord('v2 absence period without id, person or dates');
  }
  let duration: UnifiedAbsence['duration'] = null;
  if (raw.breakdowns !== null) {
    let total = 0;
    let unit: 'day' | 'hour' | null = null;
    for (const b of raw.breakdowns) {
      const u = enumValue(b.effective_duration?.unit);
      if (u === 'day' || u === 'hour') unit = u;
      total += num(b.effective_duration?.value) ?? 0;
    }
    if (unit !== null) duration = { value: round4(total), unit };
  }
  return {
    remote_id: id,
    employee_id: employee,
    absence_type_id: idText(p.absence_type?.id),
    status: enumValue(p.approval?.status),
    start_date: start,
    end_date: end,
    half_day_start: HALF.has(enumValue(p.starts_from?.type) ?? ''),
    half_day_end: HALF.has(enumValue(p.ends_at?.type) ?? ''),
    duration,
    remote_created_at: instant(p.created_at),
    remote_updated_at: instant(p.updated_at),
    remote_data: raw,
  };
}

export function mapV2AbsenceType(raw: V2AbsenceType): UnifiedAbsenceType {
  const id = idText(raw.id);
  if (id === null) throw badRecord('v2 absence type without id');
  return {
    remote_id: id,
    name: text(raw.name) ?? '',
    category: enumValue(raw.category),
    unit: enumValue(raw.unit),
    remote_data: raw,
  };
}
