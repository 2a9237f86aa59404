/**
 * Owns the shapes of Personio's raw payloads as the connector reads them (REFERENCE.md sections
 * 3 and 4, the official spec files). Every field is optional or loosely typed on purpose: the
 * whitelist decides what exists, and the mappers must survive anything. Types only, no logic.
 */

/** v1 attribute envelope `{label, value, type, universal_id}` (older answers: label + value). */
export interface V1Envelope {
  label?: string;
  value?: unknown;
  type?: string;
  universal_id?: string | null;
  currency?: string;
}

/** v1 nested object `{type, attributes: {...}}` (department, office, team, time-off type ...). */
export interface V1Nested<A = Record<string, unknown>> {
  type?: string;
  attributes?: A;
}

export interface V1Employee {
  type?: string;
  attributes?: Record<string, V1Envelope | undefined>;
}

export interface V1ListMeta {
  total_elements?: number;
  current_page?: number;
  total_pages?: number;
}

export interface V1List<T> {
  success?: boolean;
  metadata?: V1ListMeta;
  offset?: number | string;
  limit?: number | string;
  data?: T[];
}

export interface V1AttributeDefinition {
  key?: string;
  label?: string;
  type?: string;
  universal_id?: string | null;
  options?: string[];
}

export interface V1TimeOffType {
  type?: string;
  attributes?: {
    id?: number;
    id_v2?: string;
    name?: string;
    category?: string | null;
    unit?: string;
    approval_required?: boolean;
  };
}

export interface V1TimeOff {
  type?: string;
  attributes?: {
    id?: number;
    id_v2?: string;
    status?: string;
    comment?: string;
    start_date?: string;
    end_date?: string;
    days_count?: number | string;
    half_day_start?: number | boolean;
    half_day_end?: number | boolean;
    time_off_type?: V1Nested<{ id?: number; name?: string; category?: string }>;
    employee?: V1Employee;
    created_by?: string;
    created_at?: string;
    updated_at?: string;
  };
}

export interface V1AbsencePeriod {
  type?: string;
  attributes?: {
    id?: string;
    measurement_unit?: string;
    effective_duration?: number;
    employee?: V1Employee;
    absence_type?: V1Nested<{ id?: string; name?: string; time_off_type_id?: number }>;
    start?: string;
    end?: string;
    half_day_start?: boolean | number;
    half_day_end?: boolean | number;
    status?: string;
    timezone?: string;
    created_at?: string;
    updated_at?: string;
  };
}

export interface V2Links {
  self?: { href?: string };
  next?: { href?: string };
}

export interface V2List<T> {
  _data?: T[];
  _meta?: { links?: V2Links };
}

export interface V2CustomAttribute {
  id?: string;
  type?: string;
  global_id?: string;
  label?: string;
  value?: unknown;
}

export interface V2Person {
  id?: string;
  email?: string | null;
  created_at?: string;
  updated_at?: string;
  first_name?: string | null;
  last_name?: string | null;
  preferred_name?: string | null;
  gender?: string | null;
  status?: string | null;
  custom_attributes?: V2CustomAttribute[];
  employments?: Array<{ id?: string }>;
}

export interface V2Employment {
  id?: string;
  position?: { title?: string | null } | null;
  status?: string | null;
  type?: string | null;
  weekly_working_hours?: number | string | null;
  full_time_weekly_working_hours?: number | null;
  probation_end_date?: string | null;
  employment_start_date?: string | null;
  employment_end_date?: string | null;
  contract_end_date?: string | null;
  created_at?: string;
  updated_at?: string;
  supervisor?: { id?: string } | null;
  office?: { id?: string } | null;
  org_units?: Array<{ type?: string; id?: string }>;
  person?: { id?: string };
  termination?: {
    termination_date?: string | null;
    last_working_day?: string | null;
    terminated_at?: string | null;
    type?: string | null;
    reason?: string | null;
  } | null;
}

export interface V2OrgUnit {
  id?: string;
  type?: string;
  name?: string;
  abbreviation?: string;
  description?: string;
  parent_id?: string | null;
}

export interface V2AbsencePeriod {
  id?: string;
  person?: { id?: string };
  absence_type?: { id?: string };
  starts_from?: { date_time?: string; type?: string | null } | null;
  ends_at?: { date_time?: string; type?: string | null } | null;
  timezone_id?: string;
  comment?: string;
  approval?: { status?: string } | null;
  created_at?: string;
  updated_at?: string;
}

export interface V2Breakdown {
  date?: string;
  effective_duration?: { unit?: string; value?: number };
}

export interface V2AbsenceType {
  id?: string;
  name?: string;
  category?: string | null;
  unit?: string;
}

/** The raw payload a v2 employee is mapped from: the person and its current employment. */
export interface V2EmployeeRaw {
  person: V2Person;
  employment: V2Employment | null;
}

/** The raw payload a v2 absence is mapped from: the period and its daily breakdown. */
export interface V2AbsenceRaw {
  period: V2AbsencePeriod;
  breakdowns: V2Breakdown[] | null;
}
