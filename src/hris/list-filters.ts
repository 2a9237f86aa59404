/**
 * Owns turning validated list queries into the reader's filters: which query parameter filters
 * which column, and how (`email` lower-cased, absences by overlap with a date range).
 */
import type {
  AbsenceListQuery,
  EmployeeListQuery,
  RecordListQuery,
  TeamListQuery,
} from './dto/hris.query';
import type { Filter, ReadOptions } from './hris-reader';

export function commonFilters(query: RecordListQuery): Filter[] {
  return query.updated_since
    ? [{ column: 'updated_at', op: '>', value: new Date(query.updated_since) }]
    : [];
}

export function readOptions(query: RecordListQuery): ReadOptions {
  return {
    includeDeleted: query.include_deleted === 'true',
    includeRemoteData: query.include === 'remote_data',
  };
}

const equal = (column: string, value: unknown): Filter[] =>
  value === undefined ? [] : [{ column, op: '=', value }];

export function employeeFilters(query: EmployeeListQuery): Filter[] {
  return [
    ...commonFilters(query),
    ...equal('status', query.status),
    ...equal('employment_type', query.employment_type),
    ...equal('email_lower', query.email?.toLowerCase()),
    ...equal('team_id', query.team_id),
    ...equal('department_id', query.department_id),
    ...equal('manager_id', query.manager_id),
    ...equal('position_id', query.position_id),
  ];
}

export function teamFilters(query: TeamListQuery): Filter[] {
  return [
    ...commonFilters(query),
    ...equal('type', query.type),
    ...equal('parent_id', query.parent_id),
  ];
}

/** Overlap: an absence counts when it shares at least one day with [start_date, end_date]. */
export function absenceFilters(query: AbsenceListQuery): Filter[] {
  return [
    ...commonFilters(query),
    ...(query.start_date
      ? [{ column: 'end_date', op: '>=' as const, value: query.start_date }]
      : []),
    ...(query.end_date ? [{ column: 'start_date', op: '<=' as const, value: query.end_date }] : []),
    ...equal('employee_id', query.employee_id),
    ...equal('status', query.status),
    ...equal('absence_type_id', query.absence_type_id),
  ];
}
