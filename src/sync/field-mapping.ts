/**
 * Owns `field_mapping`: which Personio attributes an application sees, and under which names.
 * A mapping entry is `unified key <- Personio attribute` (by `dynamic_<N>` key or by label). A
 * custom key fills `custom_fields`; a documented core field name overrides that core field. The
 * result is the exposed employee: what the API serves and what the hash and diff compare. It
 * never throws on configuration: an unknown label is reported and the run goes on.
 */
import {
  positionIdForTitle,
  type CustomAttributeDefinition,
  type UnifiedEmployee,
} from '../../connectors/unified';
import { resolveAttributeKey } from './attribute-key';
import { isCalendarDay } from './calendar-day';

/**
 * The employee as served: the unified employee whose `custom_fields` holds only the mapped keys
 * (every mapped key, null when there is no value, so the shape is the same for everyone), and
 * whose core fields carry any overrides. Unmapped custom attributes stay in `remote_data` only.
 */
export type ExposedEmployee = UnifiedEmployee;

type CoreFieldKind = 'text' | 'date' | 'number';

/**
 * Core fields a mapping may override, with the value they take. Left out on purpose: `status`
 * and `employment_type` (scope is decided on them before mapping; an override would make scope
 * and served data disagree), the references `position_id` `department_id` `team_id`
 * `manager_id` (they point at other records; `position_id` follows `job_title`), and the
 * remote bookkeeping (`remote_id`, `remote_*`, `custom_fields`).
 */
export const OVERRIDABLE_CORE_FIELDS = {
  first_name: 'text',
  last_name: 'text',
  preferred_name: 'text',
  display_name: 'text',
  email: 'text',
  employee_number: 'text',
  gender: 'text',
  birth_date: 'date',
  job_title: 'text',
  office: 'text',
  hire_date: 'date',
  termination_date: 'date',
  termination_type: 'text',
  contract_end_date: 'date',
  weekly_working_hours: 'number',
} as const satisfies Partial<Record<keyof UnifiedEmployee, CoreFieldKind>>;

export type OverridableCoreField = keyof typeof OVERRIDABLE_CORE_FIELDS;

/** Every employee field name: a mapping key equal to one of these is an override, never custom. */
const EMPLOYEE_FIELDS: Record<keyof UnifiedEmployee, true> = {
  remote_id: true,
  remote_data: true,
  first_name: true,
  last_name: true,
  preferred_name: true,
  display_name: true,
  email: true,
  employee_number: true,
  gender: true,
  birth_date: true,
  status: true,
  employment_type: true,
  job_title: true,
  position_id: true,
  department_id: true,
  team_id: true,
  office: true,
  manager_id: true,
  hire_date: true,
  termination_date: true,
  termination_type: true,
  contract_end_date: true,
  weekly_working_hours: true,
  custom_fields: true,
  remote_created_at: true,
  remote_updated_at: true,
};

export interface MappingPlan {
  /** Custom keys in key order; `key` null when the attribute is unknown (served as null). */
  custom: ReadonlyArray<{ field: string; source: string; key: string | null }>;
  /** Core overrides whose attribute resolved (an unresolved override keeps Personio's value). */
  core: ReadonlyArray<{ field: OverridableCoreField; source: string; key: string }>;
}

export type MappingIssue =
  | { code: 'unknown_attribute'; field: string; source: string }
  | { code: 'unlisted_attribute'; field: string; source: string }
  | { code: 'core_field_not_overridable'; field: string; source: string }
  | { code: 'invalid_value'; field: string; source: string; remote_id: string; value: unknown };

/** Resolves the mapping against the run's attribute catalog once; issues are per entry. */
export function compileFieldMapping(
  mapping: Readonly<Record<string, string>> | undefined,
  catalog: readonly CustomAttributeDefinition[],
): { plan: MappingPlan; issues: MappingIssue[] } {
  const custom: Array<MappingPlan['custom'][number]> = [];
  const core: Array<MappingPlan['core'][number]> = [];
  const issues: MappingIssue[] = [];
  for (const field of Object.keys(mapping ?? {}).sort()) {
    const source = (mapping ?? {})[field] ?? '';
    const resolved = resolveAttributeKey(catalog, source);
    if (resolved === undefined) issues.push({ code: 'unknown_attribute', field, source });
    else if (!resolved.listed) issues.push({ code: 'unlisted_attribute', field, source });
    if (isOverridable(field)) {
      if (resolved) core.push({ field, source, key: resolved.key });
    } else if (Object.hasOwn(EMPLOYEE_FIELDS, field)) {
      issues.push({ code: 'core_field_not_overridable', field, source });
    } else {
      custom.push({ field, source, key: resolved?.key ?? null });
    }
  }
  return { plan: { custom, core }, issues };
}

/** The exposed employee, plus the values that could not become the core field they override. */
export function applyFieldMapping(
  employee: UnifiedEmployee,
  plan: MappingPlan,
): { employee: ExposedEmployee; issues: MappingIssue[] } {
  const issues: MappingIssue[] = [];
  const custom_fields: Record<string, unknown> = {};
  for (const { field, key } of plan.custom) {
    custom_fields[field] = key === null ? null : (employee.custom_fields[key] ?? null);
  }
  const out: ExposedEmployee = { ...employee, custom_fields };
  const overridden = new Set<OverridableCoreField>();
  for (const { field, source, key } of plan.core) {
    const raw = employee.custom_fields[key];
    const value = convert(OVERRIDABLE_CORE_FIELDS[field], raw);
    if (value === INVALID) {
      issues.push({
        code: 'invalid_value',
        field,
        source,
        remote_id: employee.remote_id,
        value: raw,
      });
    }
    setCore(out, field, value === INVALID ? null : value);
    overridden.add(field);
  }
  // Derived fields follow their overridden sources, the way the connector derives them.
  if (overridden.has('job_title')) {
    out.position_id = out.job_title === null ? null : positionIdForTitle(out.job_title);
  }
  const nameChanged = ['first_name', 'last_name', 'preferred_name'].some((f) =>
    overridden.has(f as OverridableCoreField),
  );
  if (nameChanged && !overridden.has('display_name')) {
    out.display_name =
      out.preferred_name ??
      ([out.first_name, out.last_name].filter((x) => x !== null).join(' ') || null);
  }
  return { employee: out, issues };
}

/** One sentence for the run record and the connection test. */
export function describeMappingIssue(issue: MappingIssue): string {
  switch (issue.code) {
    case 'unknown_attribute':
      return `"${issue.source}" (mapped to ${issue.field}) is not a Personio attribute these credentials can read`;
    case 'unlisted_attribute':
      return `"${issue.source}" (mapped to ${issue.field}) is not in the readable attribute list; it is used as written`;
    case 'core_field_not_overridable':
      return `${issue.field} cannot be mapped from a Personio attribute; it comes from Personio's own field`;
    case 'invalid_value':
      return `employee ${issue.remote_id}: the value of "${issue.source}" is not a valid ${issue.field}`;
  }
}

function isOverridable(field: string): field is OverridableCoreField {
  return Object.hasOwn(OVERRIDABLE_CORE_FIELDS, field);
}

const INVALID = Symbol('invalid');

/** An attribute value as the core field's type; absent or empty values are null. */
function convert(kind: CoreFieldKind, raw: unknown): string | number | null | typeof INVALID {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'string' && raw.trim() === '') return null;
  switch (kind) {
    case 'text':
      if (typeof raw === 'string') return raw.trim();
      if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
      return INVALID;
    case 'date': {
      if (typeof raw !== 'string') return INVALID;
      const day = raw.trim().slice(0, 10);
      return isCalendarDay(day) ? day : INVALID;
    }
    case 'number': {
      if (typeof raw === 'number') return Number.isFinite(raw) ? raw : INVALID;
      if (typeof raw !== 'string' || !/^-?\d+([.,]\d+)?$/.test(raw.trim())) return INVALID;
      return Number(raw.trim().replace(',', '.'));
    }
  }
}

function setCore(
  employee: ExposedEmployee,
  field: OverridableCoreField,
  value: string | number | null,
): void {
  if (field === 'weekly_working_hours') {
    employee.weekly_working_hours = typeof value === 'number' ? value : null;
  } else {
    employee[field] = typeof value === 'string' ? value : null;
  }
}
