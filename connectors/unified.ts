/**
 * Owns the provider-agnostic records a connector produces: one type per object of DESIGN.md's
 * unified model, as the connector can know it (remote ids, remote timestamps, the raw payload).
 * Gateway-side fields (`id`, `created_at`, `updated_at`, `remote_deleted_at`) are added by the
 * sync engine, never here. Nothing in this file may import a provider or a framework.
 *
 * References between records (`manager_id`, `department_id`, `team_id`, `position_id`,
 * `employee_id`, `absence_type_id`, `parent_id`) hold the *remote id* of the record they point
 * at; the sync engine swaps in gateway ids when it stores them.
 */

/** A documented value, or the provider's raw value when it sends one we do not know yet. */
export type KnownOr<T extends string> = T | (string & { readonly __unknown?: never });

export type EmployeeStatus = KnownOr<'active' | 'inactive' | 'onboarding' | 'leave'>;
export type EmploymentType = KnownOr<'internal' | 'external'>;
export type Gender = KnownOr<'male' | 'female' | 'diverse'>;
export type AbsenceStatus = KnownOr<'approved' | 'pending' | 'rejected' | 'cancelled'>;
export type DurationUnit = 'day' | 'hour';

/** Calendar date `YYYY-MM-DD`. */
export type IsoDate = string;
/** Instant in UTC, `YYYY-MM-DDTHH:mm:ss.sssZ`. */
export type IsoInstant = string;
/** A provider's id for a record, always a string (Personio ids are integers or UUIDs). */
export type RemoteId = string;

interface RemoteRecord {
  remote_id: RemoteId;
  /** The raw provider payload(s) the record was mapped from; served only on request. */
  remote_data: unknown;
}

export interface UnifiedEmployee extends RemoteRecord {
  first_name: string | null;
  last_name: string | null;
  preferred_name: string | null;
  display_name: string | null;
  email: string | null;
  employee_number: string | null;
  gender: Gender | null;
  birth_date: IsoDate | null;
  status: EmployeeStatus | null;
  employment_type: EmploymentType | null;
  job_title: string | null;
  position_id: RemoteId | null;
  department_id: RemoteId | null;
  team_id: RemoteId | null;
  office: string | null;
  manager_id: RemoteId | null;
  hire_date: IsoDate | null;
  termination_date: IsoDate | null;
  termination_type: string | null;
  contract_end_date: IsoDate | null;
  weekly_working_hours: number | null;
  /** Custom attributes by provider key (Personio `dynamic_<N>`); labels: `CustomAttributeDefinition`. */
  custom_fields: Record<string, unknown>;
  remote_created_at: IsoInstant | null;
  remote_updated_at: IsoInstant | null;
}

export type TeamType = 'department' | 'team';

export interface UnifiedTeam extends RemoteRecord {
  name: string;
  type: TeamType;
  parent_id: RemoteId | null;
  manager_id: RemoteId | null;
}

export interface UnifiedPosition extends RemoteRecord {
  title: string;
}

export interface UnifiedReportingLine {
  employee_id: RemoteId;
  manager_id: RemoteId;
}

export interface UnifiedAbsence extends RemoteRecord {
  employee_id: RemoteId;
  absence_type_id: RemoteId | null;
  status: AbsenceStatus | null;
  start_date: IsoDate;
  end_date: IsoDate;
  half_day_start: boolean;
  half_day_end: boolean;
  /** null when the provider did not say (e.g. a v2 breakdown could not be read). */
  duration: { value: number; unit: DurationUnit } | null;
  remote_created_at: IsoInstant | null;
  remote_updated_at: IsoInstant | null;
}

export interface UnifiedAbsenceType extends RemoteRecord {
  name: string;
  category: string | null;
  unit: KnownOr<DurationUnit> | null;
}

/** One custom attribute the credentials may read: resolves a field mapping "by label". */
export interface CustomAttributeDefinition {
  key: string;
  label: string;
  type: string;
  options: string[];
}

/** The position a job title stands for: distinct titles are distinct positions. */
export function positionIdForTitle(title: string): RemoteId {
  return `title:${title.trim().toLowerCase().replace(/\s+/g, ' ')}`;
}

/** Positions named by a page of employees (the sync engine counts employees per position). */
export function positionsOf(employees: readonly UnifiedEmployee[]): UnifiedPosition[] {
  const out = new Map<RemoteId, UnifiedPosition>();
  for (const e of employees) {
    if (e.job_title === null || e.position_id === null || out.has(e.position_id)) continue;
    out.set(e.position_id, {
      remote_id: e.position_id,
      title: e.job_title.trim(),
      remote_data: null,
    });
  }
  return Array.from(out.values());
}

/** Reporting lines named by a page of employees (Personio's supervisor). */
export function reportingLinesOf(employees: readonly UnifiedEmployee[]): UnifiedReportingLine[] {
  return employees.flatMap((e) =>
    e.manager_id === null ? [] : [{ employee_id: e.remote_id, manager_id: e.manager_id }],
  );
}

/** Finds a custom attribute by key (`dynamic_123`) or, failing that, by label (case-insensitive). */
export function resolveCustomAttribute(
  catalog: readonly CustomAttributeDefinition[],
  keyOrLabel: string,
): CustomAttributeDefinition | undefined {
  const byKey = catalog.find((c) => c.key === keyOrLabel);
  if (byKey) return byKey;
  const wanted = keyOrLabel.trim().toLowerCase();
  return catalog.find((c) => c.label.trim().toLowerCase() === wanted);
}
