/**
 * Owns the shape of a simulated Personio company: org structure, people, custom attributes,
 * absence types and absences, as plain data. Wire formats (v1 envelopes, v2 objects) are derived
 * from this by the serializers; nothing here knows about HTTP.
 */

export type Gender = 'male' | 'female' | 'diverse';
export type EmploymentStatus = 'active' | 'inactive' | 'onboarding' | 'leave';
export type EmploymentType = 'internal' | 'external';

/** v2 termination types; v1 prints the same value in lower case. */
export const TERMINATION_TYPES = [
  'EMPLOYEE',
  'FIRED',
  'CONTRACT_EXPIRED',
  'AGREEMENT',
  'RETIREMENT',
  'QUIT',
] as const;
export type TerminationType = (typeof TERMINATION_TYPES)[number];

export interface OrgUnit {
  id: number;
  type: 'department' | 'team';
  name: string;
  abbreviation: string;
  description: string;
  parentId: number | null;
}

export interface NamedRef {
  id: number;
  name: string;
}

export interface LegalEntity extends NamedRef {
  country: string;
}

/** v1 custom attribute types (TypeEnum). */
export type AttributeType =
  'standard' | 'date' | 'integer' | 'decimal' | 'list' | 'link' | 'tags' | 'multiline';

export interface CustomAttributeDef {
  /** `dynamic_<N>`: the same key in v1 attributes and v2 `custom_attributes[].id`. */
  key: string;
  label: string;
  type: AttributeType;
  /** v1 `universal_id` and v2 `global_id`; null for most custom attributes. */
  universalId: string | null;
  options: string[];
}

export type CustomValue = string | number | string[] | null;

export interface TimeOffType {
  id: number;
  /** The v2 UUID (v1 `id_v2`, v2 absence type id, v1 absence-periods `absence_type.id`). */
  uuid: string;
  name: string;
  category: string;
  unit: 'day' | 'hour';
  approvalRequired: boolean;
}

export interface CostCenterShare {
  id: number;
  percentage: number;
}

export interface Employee {
  id: number;
  employmentId: string;
  firstName: string;
  lastName: string;
  preferredName: string;
  email: string | null;
  gender: Gender;
  status: EmploymentStatus;
  position: string;
  supervisorId: number | null;
  employmentType: EmploymentType;
  weeklyWorkingHours: number;
  fullTimeWeeklyWorkingHours: number;
  /** Calendar dates, YYYY-MM-DD. */
  hireDate: string;
  contractEndDate: string | null;
  probationPeriodEnd: string | null;
  terminationDate: string | null;
  lastWorkingDay: string | null;
  /** Date the notice was given (v2 `termination.terminated_at`). */
  terminatedAt: string | null;
  terminationType: TerminationType | null;
  terminationReason: string | null;
  subcompanyId: number | null;
  officeId: number | null;
  departmentId: number | null;
  teamId: number | null;
  costCenters: CostCenterShare[];
  fixSalary: number;
  hourlySalary: number;
  hasProfilePicture: boolean;
  custom: Record<string, CustomValue>;
  /** Epoch milliseconds. */
  createdAt: number;
  personUpdatedAt: number;
  employmentUpdatedAt: number;
  /** When every attribute without its own entry in `fieldUpdatedAt` last changed. */
  baselineUpdatedAt: number;
  /** Last change per v1 attribute key, only for attributes changed after the baseline. */
  fieldUpdatedAt: Record<string, number> | null;
}

export interface Absence {
  /** Integer id (v1 time-off id); hour-based absences keep one internally too. */
  id: number;
  /** UUID (v2 id; v1 time-off `id_v2`; v1 absence-period id). */
  uuid: string;
  employeeId: number;
  typeId: number;
  status: 'approved' | 'pending';
  /** Calendar dates, inclusive. */
  startDate: string;
  endDate: string;
  halfDayStart: boolean;
  halfDayEnd: boolean;
  /** Hour-based absences: exact instants (epoch ms); null for day-based ones. */
  startMs: number | null;
  endMs: number | null;
  comment: string;
  origin: 'web' | 'api' | 'mobile';
  /** Employee id of the creator (v1 absence-periods), the admin's name for v1 time-offs. */
  createdById: number | null;
  createdAt: number;
  updatedAt: number;
  approvedAt: number | null;
}

export interface Company {
  seed: number;
  name: string;
  domain: string;
  departments: OrgUnit[];
  teams: OrgUnit[];
  offices: NamedRef[];
  subcompanies: LegalEntity[];
  costCenters: NamedRef[];
  holidayCalendar: { id: number; name: string; country: string; state: string };
  workSchedule: { id: number; name: string };
  customAttributes: CustomAttributeDef[];
  timeOffTypes: TimeOffType[];
  employees: Employee[];
  absences: Absence[];
  /** Next ids handed out by hires and new absences. */
  nextEmployeeId: number;
  nextAbsenceId: number;
}
