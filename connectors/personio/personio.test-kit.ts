/**
 * Test support (imported only by *.spec.ts and the connector benchmark): what the connector
 * should return for a sandbox company, computed from the sandbox's own model (not literals),
 * and helpers to drain the connector's async page streams.
 */
import type { DateWindow } from '../connector';
import type { UnifiedAbsence, UnifiedAbsenceType, UnifiedEmployee, UnifiedTeam } from '../unified';
import { positionIdForTitle } from '../unified';
import type { Company, Employee, RunningSandbox } from './sandbox/index';
import { breakdowns, daysCount } from './sandbox/v1-absences';

export type Mapped<T> = Omit<T, 'remote_data'>;

export function stripRaw<T extends { remote_data: unknown }>(items: readonly T[]): Mapped<T>[] {
  return items
    .map(({ remote_data: _raw, ...rest }) => rest)
    .sort((a, b) =>
      String((a as { remote_id?: string }).remote_id).localeCompare(
        String((b as { remote_id?: string }).remote_id),
      ),
    );
}

export async function drain<T>(pages: AsyncIterable<T[]>): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let count = 0;
  for await (const page of pages) {
    count += 1;
    items.push(...page);
  }
  return { items, pages: count };
}

function seconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString();
}

function round4(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}

export function expectedEmployee(
  company: Company,
  e: Employee,
  version: 'v1' | 'v2',
): Mapped<UnifiedEmployee> {
  const custom: Record<string, unknown> = {};
  let birth: string | null = null;
  for (const def of [...company.customAttributes].sort((a, b) => a.key.localeCompare(b.key))) {
    const v = e.custom[def.key] ?? null;
    if (def.universalId === 'date_of_birth' && typeof v === 'string') birth = v;
    if (v === null || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    custom[def.key] = v;
  }
  const office = company.offices.find((o) => o.id === e.officeId)?.name ?? null;
  return {
    remote_id: String(e.id),
    first_name: e.firstName,
    last_name: e.lastName,
    preferred_name: e.preferredName,
    display_name: e.preferredName,
    email: e.email,
    employee_number: null,
    gender: e.gender,
    birth_date: birth,
    status: e.status,
    employment_type: e.employmentType,
    job_title: e.position,
    position_id: positionIdForTitle(e.position),
    department_id: e.departmentId === null ? null : `department:${e.departmentId}`,
    team_id: e.teamId === null ? null : `team:${e.teamId}`,
    // v1 names the office on the employee; v2 through /v2/workplaces (the sandbox serves it).
    office,
    manager_id: e.supervisorId === null ? null : String(e.supervisorId),
    hire_date: e.hireDate,
    termination_date: e.terminationDate,
    termination_type: e.terminationType === null ? null : e.terminationType.toLowerCase(),
    contract_end_date: e.contractEndDate,
    weekly_working_hours: e.weeklyWorkingHours,
    custom_fields: custom,
    remote_created_at: seconds(e.createdAt),
    remote_updated_at:
      version === 'v1'
        ? seconds(Math.max(e.personUpdatedAt, e.employmentUpdatedAt))
        : ([seconds(e.personUpdatedAt), seconds(e.employmentUpdatedAt)].sort()[1] ?? null),
  };
}

export function expectedEmployees(
  sb: RunningSandbox,
  version: 'v1' | 'v2',
): Mapped<UnifiedEmployee>[] {
  const company = sb.company;
  return sb.state.store
    .employees()
    .map((e) => expectedEmployee(company, e, version))
    .sort((a, b) => a.remote_id.localeCompare(b.remote_id));
}

export function expectedOrgUnits(sb: RunningSandbox, version: 'v1' | 'v2'): Mapped<UnifiedTeam>[] {
  const out = new Map<string, Mapped<UnifiedTeam>>();
  const store = sb.state.store;
  if (version === 'v1') {
    // v1 knows only the units people are in, without hierarchy.
    for (const e of store.employees()) {
      for (const [type, id] of [
        ['department', e.departmentId],
        ['team', e.teamId],
      ] as const) {
        if (id === null) continue;
        const unit = (type === 'department' ? store.departments : store.teams).get(id);
        if (!unit) continue;
        out.set(`${type}:${id}`, {
          remote_id: `${type}:${id}`,
          name: unit.name,
          type,
          parent_id: null,
          manager_id: null,
        });
      }
    }
  } else {
    for (const unit of [...store.departments.values(), ...store.teams.values()]) {
      out.set(`${unit.type}:${unit.id}`, {
        remote_id: `${unit.type}:${unit.id}`,
        name: unit.name,
        type: unit.type,
        parent_id: unit.parentId === null ? null : `${unit.type}:${unit.parentId}`,
        manager_id: null,
      });
    }
  }
  return Array.from(out.values()).sort((a, b) => a.remote_id.localeCompare(b.remote_id));
}

export function expectedAbsences(
  sb: RunningSandbox,
  window: DateWindow,
  version: 'v1' | 'v2',
): Mapped<UnifiedAbsence>[] {
  const store = sb.state.store;
  return store
    .absences()
    .filter((a) => a.startDate <= window.to && a.endDate >= window.from)
    .map((a) => {
      const type = store.typesById.get(a.typeId);
      const hourly = type?.unit === 'hour';
      const minutes = breakdowns(a).reduce((s, b) => s + b.minutes, 0);
      // v1 absence periods print timestamps with milliseconds; everything else in seconds.
      const stamp = (ms: number): string =>
        version === 'v1' && hourly ? new Date(ms).toISOString() : seconds(ms);
      return {
        remote_id: a.uuid,
        employee_id: String(a.employeeId),
        absence_type_id: type?.uuid ?? null,
        status: a.status,
        start_date: a.startDate,
        end_date: a.endDate,
        half_day_start: a.halfDayStart,
        half_day_end: a.halfDayEnd,
        duration: hourly
          ? { value: round4(minutes / 60), unit: 'hour' as const }
          : { value: round4(daysCount(a)), unit: 'day' as const },
        remote_created_at: stamp(a.createdAt),
        remote_updated_at: stamp(a.updatedAt),
      };
    })
    .sort((a, b) => a.remote_id.localeCompare(b.remote_id));
}

export function expectedAbsenceTypes(sb: RunningSandbox): Mapped<UnifiedAbsenceType>[] {
  return sb.company.timeOffTypes
    .map((t) => ({ remote_id: t.uuid, name: t.name, category: t.category, unit: t.unit }))
    .sort((a, b) => a.remote_id.localeCompare(b.remote_id));
}

/** A sleep that returns at once but moves a fake clock, for backoff without waiting. */
export function fakeTime(start = Date.parse('2026-06-15T08:00:00Z')): {
  clock: () => number;
  sleep: (ms: number) => Promise<void>;
  slept: number[];
} {
  let now = start;
  const slept: number[] = [];
  return {
    clock: () => now,
    sleep: (ms) => {
      slept.push(ms);
      now += ms;
      return Promise.resolve();
    },
    slept,
  };
}
