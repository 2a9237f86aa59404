/**
 * Owns the pure mapping of Personio API v1 payloads (attribute envelopes, nested objects,
 * time-offs, hour-based absence periods, time-off types) to unified records. Pure and
 * deterministic: the raw payload goes into `remote_data` untouched, mapped fields depend only on
 * the payload. Unknown enum values are kept as sent (lower-cased), never rejected. It must never
 * do I/O or read a clock.
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
  dayIn,
  enumValue,
  flag,
  idText,
  instant,
  num,
  orgUnitRemoteId,
  round4,
  text,
} from './personio-common.mapper';
import type {
  V1AbsencePeriod,
  V1Employee,
  V1Envelope,
  V1Nested,
  V1TimeOff,
  V1TimeOffType,
} from './personio-raw.types';

type Attributes = Record<string, V1Envelope | undefined>;

function value(attrs: Attributes, key: string): unknown {
  return attrs[key]?.value;
}

function nestedAttrs(v: unknown): Record<string, unknown> | null {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return null;
  const attrs = (v as V1Nested).attributes;
  return attrs && typeof attrs === 'object' ? attrs : null;
}

/** The id inside a nested object: a plain number, or an envelope in nested employees. */
function nestedId(v: unknown): string | null {
  const attrs = nestedAttrs(v);
  if (!attrs) return null;
  const id = attrs.id;
  if (id !== null && typeof id === 'object' && 'value' in id)
    return idText((id as V1Envelope).value);
  return idText(id);
}

function nestedName(v: unknown): string | null {
  return text(nestedAttrs(v)?.name);
}

/** Employee id of a v1 employee (also the nested short employee of absences). */
export function v1EmployeeId(raw: V1Employee | undefined): string | null {
  const attrs = raw?.attributes;
  if (!attrs) return null;
  return idText(attrs.id?.value);
}

function byUniversalId(attrs: Attributes, universalId: string): V1Envelope | undefined {
  const direct = attrs[universalId];
  if (direct) return direct;
  for (const env of Object.values(attrs)) if (env?.universal_id === universalId) return env;
  return undefined;
}

export function mapV1Employee(raw: V1Employee): UnifiedEmployee {
  const attrs: Attributes = raw.attributes ?? {};
  const id = v1EmployeeId(raw);
  if (id === null) throw badRecord('v1 employee without id');
  const first = text(value(attrs, 'first_name'));
  const last = text(value(attrs, 'last_name'));
  const preferred = text(value(attrs, 'preferred_name'));
  const title = text(value(attrs, 'position'));
  const department = nestedId(value(attrs, 'department'));
  const team = nestedId(value(attrs, 'team'));
  const custom: Record<string, unknown> = {};
  for (const key of Object.keys(attrs).sort()) {
    if (!key.startsWith('dynamic_')) continue;
    const env = attrs[key];
    const v = customValue(env?.type, env?.value);
    if (v !== undefined) custom[key] = v;
  }
  const birth = byUniversalId(attrs, 'date_of_birth');
  const number = byUniversalId(attrs, 'employee_number');
  return {
    remote_id: id,
    first_name: first,
    last_name: last,
    preferred_name: preferred,
    display_name: preferred ?? ([first, last].filter((x) => x !== null).join(' ') || null),
    email: text(value(attrs, 'email')),
    employee_number: text(number?.value),
    gender: enumValue(value(attrs, 'gender')),
    birth_date: dateOnly(birth?.value),
    status: enumValue(value(attrs, 'status')),
    employment_type: enumValue(value(attrs, 'employment_type')),
    job_title: title,
    position_id: title === null ? null : positionIdForTitle(title),
    department_id: department === null ? null : orgUnitRemoteId('department', department),
    team_id: team === null ? null : orgUnitRemoteId('team', team),
    office: nestedName(value(attrs, 'office')),
    manager_id: nestedId(value(attrs, 'supervisor')),
    hire_date: dateOnly(value(attrs, 'hire_date')),
    termination_date: dateOnly(value(attrs, 'termination_date')),
    termination_type: enumValue(value(attrs, 'termination_type')),
    contract_end_date: dateOnly(value(attrs, 'contract_end_date')),
    weekly_working_hours: num(value(attrs, 'weekly_working_hours')),
    custom_fields: custom,
    remote_created_at: instant(value(attrs, 'created_at')),
    remote_updated_at: instant(value(attrs, 'last_modified_at')),
    remote_data: raw,
  };
}

/** v1 has no org-unit endpoints: departments and teams are the nested values on employees. */
export function v1OrgUnitsOf(raw: V1Employee): UnifiedTeam[] {
  const attrs: Attributes = raw.attributes ?? {};
  const out: UnifiedTeam[] = [];
  for (const type of ['department', 'team'] as const) {
    const nested = value(attrs, type);
    const id = nestedId(nested);
    if (id === null) continue;
    out.push({
      remote_id: orgUnitRemoteId(type, id),
      name: nestedName(nested) ?? '',
      type,
      parent_id: null,
      manager_id: null,
      remote_data: nested,
    });
  }
  return out;
}

export function mapV1TimeOffType(raw: V1TimeOffType): UnifiedAbsenceType {
  const a = raw.attributes ?? {};
  const id = idText(a.id_v2) ?? idText(a.id);
  if (id === null) throw badRecord('v1 time-off type without id');
  return {
    remote_id: id,
    name: text(a.name) ?? '',
    category: enumValue(a.category),
    unit: enumValue(a.unit),
    remote_data: raw,
  };
}

/** The v2 UUID of each v1 time-off type id: keeps absence-type ids the same across generations. */
export function v1TypeIdMap(types: readonly V1TimeOffType[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const t of types) {
    const id = idText(t.attributes?.id);
    const v2 = idText(t.attributes?.id_v2);
    if (id !== null && v2 !== null) map.set(id, v2);
  }
  return map;
}

/** A day-based time-off. Its remote id is `id_v2` when sent, so v1 and v2 agree on ids. */
export function mapV1TimeOff(
  raw: V1TimeOff,
  typeIds: ReadonlyMap<string, string> = new Map(),
): UnifiedAbsence {
  const a = raw.attributes ?? {};
  const id = idText(a.id_v2) ?? idText(a.id);
  const employee = v1EmployeeId(a.employee);
  const start = dateOnly(a.start_date);
  const end = dateOnly(a.end_date) ?? start;
  if (id === null || employee === null || start === null || end === null) {
    throw badRecord('v1 time-off without id, employee or dates');
  }
  const typeId = nestedId(a.time_off_type);
  const days = num(a.days_count);
  return {
    remote_id: id,
    employee_id: employee,
    absence_type_id: typeId === null ? null : (typeIds.get(typeId) ?? typeId),
    status: enumValue(a.status),
    start_date: start,
    end_date: end,
    half_day_start: flag(a.half_day_start),
    half_day_end: flag(a.half_day_end),
    duration: days === null ? null : { value: round4(days), unit: 'day' },
    remote_created_at: instant(a.created_at),
    remote_updated_at: instant(a.updated_at),
    remote_data: raw,
  };
}

/** An hour-based absence period: UTC instants plus a time zone, durations in minutes. */
export function mapV1AbsencePeriod(raw: V1AbsencePeriod): UnifiedAbsence {
  const a = raw.attributes ?? {};
  const id = idText(a.id);
  const employee = v1EmployeeId(a.employee);
  const startText = typeof a.start === 'string' ? a.start : '';
  const endText = typeof a.end === 'string' ? a.end : startText;
  const start = dayIn(startText, a.timezone);
  const startMs = Date.parse(instant(startText) ?? '');
  const endMs = Date.parse(instant(endText) ?? '');
  // An end at 00:00 local belongs to the day before; any end after the start is read 1 ms early.
  const end = dayIn(endText, a.timezone, endMs > startMs ? 1 : 0);
  if (id === null || employee === null || start === null || end === null) {
    throw badRecord('v1 absence period without id, employee or dates');
  }
  const minutes = num(a.effective_duration);
  return {
    remote_id: id,
    employee_id: employee,
    absence_type_id: nestedId(a.absence_type),
    status: enumValue(a.status),
    start_date: start,
    end_date: end,
    half_day_start: flag(a.half_day_start),
    half_day_end: flag(a.half_day_end),
    // effective_duration is in minutes whatever measurement_unit says [REFERENCE 3.11].
    duration: minutes === null ? null : { value: round4(minutes / 60), unit: 'hour' },
    remote_created_at: instant(a.created_at),
    remote_updated_at: instant(a.updated_at),
    remote_data: raw,
  };
}
