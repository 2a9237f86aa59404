/**
 * Owns how each unified record is stored: its API form (`data`, references as gateway ids),
 * the typed columns beside it, and the event types it produces. The read phase builds `data`
 * with the `toData` functions; the apply phase writes columns with `columns`. One table per
 * resource, one spec per table, so a new resource is a new spec, not new write code.
 */
import type {
  UnifiedAbsence,
  UnifiedAbsenceType,
  UnifiedPosition,
  UnifiedReportingLine,
  UnifiedTeam,
} from '../../../connectors/unified';
import type { EventType } from '../../events/event-types';
import { gatewayRef, type GatewayResource } from '../../hris/gateway-id';
import type { ExposedEmployee } from '../field-mapping';

export type RecordData = Record<string, unknown>;

export interface ColumnSpec {
  name: string;
  /** PostgreSQL type for jsonb_to_recordset. */
  type: 'text' | 'uuid' | 'date';
  value: (data: RecordData) => string | null;
}

export interface ResourceSpec {
  resource: GatewayResource;
  table: string;
  columns: readonly ColumnSpec[];
  /** null: stored and served, but no events (see absence_types). */
  events: { created: EventType; updated: EventType; deleted: EventType } | null;
  /** What names the record in a preview sample or log line. */
  label: (data: RecordData) => string | null;
}

const text = (name: string, field = name): ColumnSpec => ({
  name,
  type: 'text',
  value: (d) => asString(d[field]),
});
const uuid = (name: string, field = name): ColumnSpec => ({
  name,
  type: 'uuid',
  value: (d) => asString(d[field]),
});
const date = (name: string, field = name): ColumnSpec => ({
  name,
  type: 'date',
  value: (d) => asString(d[field]),
});

function asString(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

export const RESOURCE_SPECS: Record<GatewayResource, ResourceSpec> = {
  employees: {
    resource: 'employees',
    table: 'employees',
    columns: [
      text('status'),
      text('employment_type'),
      { name: 'email_lower', type: 'text', value: (d) => asString(d.email)?.toLowerCase() ?? null },
      uuid('manager_id'),
      uuid('team_id'),
      uuid('department_id'),
      uuid('position_id'),
      date('hire_date'),
      date('termination_date'),
    ],
    events: {
      created: 'employee.created',
      updated: 'employee.updated',
      deleted: 'employee.deleted',
    },
    label: (d) => asString(d.display_name),
  },
  teams: {
    resource: 'teams',
    table: 'teams',
    columns: [text('type'), uuid('parent_id')],
    events: { created: 'team.created', updated: 'team.updated', deleted: 'team.deleted' },
    label: (d) => asString(d.name),
  },
  positions: {
    resource: 'positions',
    table: 'positions',
    columns: [text('title')],
    events: {
      created: 'position.created',
      updated: 'position.updated',
      deleted: 'position.deleted',
    },
    label: (d) => asString(d.title),
  },
  reporting_lines: {
    resource: 'reporting_lines',
    table: 'reporting_lines',
    columns: [uuid('employee_id'), uuid('manager_id')],
    events: {
      created: 'reporting_line.changed',
      updated: 'reporting_line.changed',
      deleted: 'reporting_line.changed',
    },
    label: () => null,
  },
  absences: {
    resource: 'absences',
    table: 'absences',
    columns: [
      uuid('employee_id'),
      uuid('absence_type_id'),
      text('status'),
      date('start_date'),
      date('end_date'),
    ],
    events: { created: 'absence.created', updated: 'absence.updated', deleted: 'absence.deleted' },
    label: () => null,
  },
  absence_types: {
    resource: 'absence_types',
    table: 'absence_types',
    columns: [text('name')],
    // No absence_type.* event type exists (DESIGN.md): types are served, not announced.
    events: null,
    label: (d) => asString(d.name),
  },
};

/** The employee as served: references become gateway ids, remote_data stays apart. */
export function employeeData(connectionId: string, e: ExposedEmployee): RecordData {
  const { remote_data: _raw, ...rest } = e;
  return {
    ...rest,
    position_id: gatewayRef(connectionId, 'positions', e.position_id),
    department_id: gatewayRef(connectionId, 'teams', e.department_id),
    team_id: gatewayRef(connectionId, 'teams', e.team_id),
    manager_id: gatewayRef(connectionId, 'employees', e.manager_id),
  };
}

export function teamData(connectionId: string, t: UnifiedTeam): RecordData {
  return {
    remote_id: t.remote_id,
    name: t.name,
    type: t.type,
    parent_id: gatewayRef(connectionId, 'teams', t.parent_id),
    manager_id: gatewayRef(connectionId, 'employees', t.manager_id),
  };
}

export function positionData(p: UnifiedPosition): RecordData {
  return { remote_id: p.remote_id, title: p.title };
}

export function reportingLineData(connectionId: string, line: UnifiedReportingLine): RecordData {
  return {
    remote_id: line.employee_id,
    employee_id: gatewayRef(connectionId, 'employees', line.employee_id),
    manager_id: gatewayRef(connectionId, 'employees', line.manager_id),
  };
}

export function absenceData(connectionId: string, a: UnifiedAbsence): RecordData {
  const { remote_data: _raw, ...rest } = a;
  return {
    ...rest,
    employee_id: gatewayRef(connectionId, 'employees', a.employee_id),
    absence_type_id: gatewayRef(connectionId, 'absence_types', a.absence_type_id),
  };
}

export function absenceTypeData(t: UnifiedAbsenceType): RecordData {
  return { remote_id: t.remote_id, name: t.name, category: t.category, unit: t.unit };
}

/** A record's typed column values, as its table stores them beside `data`. */
export function columnValues(spec: ResourceSpec, data: RecordData): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const column of spec.columns) out[column.name] = column.value(data);
  return out;
}
