/**
 * Owns the live company: lookup indexes kept in step with every change, and the mutations the
 * control API offers (hire, update, terminate, delete, absences). Each mutation moves
 * `last_modified_at` / `updated_at` the way Personio does: person fields move the person,
 * employment fields move the employment, both move v1 `last_modified_at`, and the changed v1
 * attribute keys are remembered so `updated_since` + `attributes[]` can select on them.
 * Never serialises anything; never copies the company per request.
 */
import type {
  Absence,
  Company,
  CostCenterShare,
  CustomValue,
  Employee,
  EmploymentStatus,
  LegalEntity,
  NamedRef,
  OrgUnit,
  TerminationType,
  TimeOffType,
} from './model';
import { TERMINATION_TYPES } from './model';
import { Random } from './random';
import type { SandboxClock } from './time';
import { isDateOnly } from './time';

/** Thrown for control-API input that cannot be applied; the control routes answer 400/404. */
export class SandboxInputError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 404 = 400,
  ) {
    super(message);
  }
}

/** v1 attribute keys that belong to the person (v2 person) rather than the employment. */
const PERSON_KEYS = new Set([
  'first_name',
  'last_name',
  'preferred_name',
  'email',
  'gender',
  'profile_picture',
]);

export function isPersonKey(key: string): boolean {
  return PERSON_KEYS.has(key) || key.startsWith('dynamic_');
}

export interface HireInput {
  first_name: string;
  last_name: string;
  email?: string | null;
  [key: string]: unknown;
}

export interface AbsenceInput {
  employee_id: number;
  time_off_type_id: number;
  start_date: string;
  end_date: string;
  half_day_start?: boolean;
  half_day_end?: boolean;
  /** Hour-based types: exact instants (ISO); default 09:00-17:00 Berlin on the dates given. */
  start?: string;
  end?: string;
  comment?: string;
  status?: 'approved' | 'pending';
}

export interface TerminateInput {
  termination_date: string;
  last_working_day?: string;
  termination_type?: TerminationType;
  termination_reason?: string;
}

function asString(key: string, value: unknown): string {
  if (typeof value !== 'string') throw new SandboxInputError(`${key} must be a string`);
  return value;
}

function asNullableString(key: string, value: unknown): string | null {
  return value === null ? null : asString(key, value);
}

function asDate(key: string, value: unknown): string | null {
  if (value === null) return null;
  const text = asString(key, value);
  if (!isDateOnly(text)) throw new SandboxInputError(`${key} must be YYYY-MM-DD`);
  return text;
}

function asNumber(key: string, value: unknown): number {
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n))
    throw new SandboxInputError(`${key} must be a number`);
  return n;
}

function asRefId(key: string, value: unknown, refs: ReadonlyMap<number, unknown>): number | null {
  if (value === null) return null;
  const id = asNumber(key, value);
  if (!refs.has(id)) throw new SandboxInputError(`${key}: unknown id ${id}`);
  return id;
}

export class SandboxStore {
  private readonly byId = new Map<number, Employee>();
  private readonly byEmail = new Map<string, Employee>();
  private ordered: Employee[] = [];
  private orderedDirty = false;
  /** Built on first use, from the generated list (a 300k-entry map costs startup time). */
  private absencesByIdIndex: Map<number, Absence> | null = null;
  /** Built on first use: most runs never look an absence up by UUID. */
  private absencesByUuidIndex: Map<string, Absence> | null = null;
  private dayAbsenceList: Absence[] = [];
  private hourAbsenceList: Absence[] = [];
  /** The index changed: `company.absences` must be rebuilt from it. */
  private absencesDirty = false;
  /** The day/hour lists must be recomputed from `company.absences`. */
  private listsStale = true;
  readonly departments = new Map<number, OrgUnit>();
  readonly teams = new Map<number, OrgUnit>();
  readonly offices = new Map<number, NamedRef>();
  readonly subcompanies = new Map<number, LegalEntity>();
  readonly costCenters = new Map<number, NamedRef>();
  readonly typesById = new Map<number, TimeOffType>();
  readonly typesByUuid = new Map<string, TimeOffType>();
  private readonly rnd: Random;
  /** Bumped on every mutation, so caches elsewhere can tell they are stale. */
  version = 0;

  constructor(
    readonly company: Company,
    private readonly clock: SandboxClock,
  ) {
    this.rnd = new Random(company.seed ^ 0x5eed);
    for (const e of company.employees) {
      this.byId.set(e.id, e);
      if (e.email !== null) this.byEmail.set(e.email.toLowerCase(), e);
    }
    this.ordered = company.employees;
    this.orderedDirty = true;
    for (const d of company.departments) this.departments.set(d.id, d);
    for (const t of company.teams) this.teams.set(t.id, t);
    for (const o of company.offices) this.offices.set(o.id, o);
    for (const s of company.subcompanies) this.subcompanies.set(s.id, s);
    for (const c of company.costCenters) this.costCenters.set(c.id, c);
    for (const t of company.timeOffTypes) {
      this.typesById.set(t.id, t);
      this.typesByUuid.set(t.uuid, t);
    }
  }

  employee(id: number): Employee | undefined {
    return this.byId.get(id);
  }

  employeeByEmail(email: string): Employee | undefined {
    return this.byEmail.get(email.toLowerCase());
  }

  /** All employees by ascending id (the order Personio appears to list them in). */
  employees(): readonly Employee[] {
    if (this.orderedDirty) {
      this.ordered = Array.from(this.byId.values()).sort((a, b) => a.id - b.id);
      this.company.employees = this.ordered;
      this.orderedDirty = false;
    }
    return this.ordered;
  }

  private absencesById(): Map<number, Absence> {
    if (!this.absencesByIdIndex) {
      this.absencesByIdIndex = new Map();
      for (const a of this.company.absences) this.absencesByIdIndex.set(a.id, a);
    }
    return this.absencesByIdIndex;
  }

  absence(id: number): Absence | undefined {
    return this.absencesById().get(id);
  }

  absenceByUuid(uuid: string): Absence | undefined {
    if (!this.absencesByUuidIndex) {
      this.absencesByUuidIndex = new Map();
      for (const a of this.absencesById().values()) this.absencesByUuidIndex.set(a.uuid, a);
    }
    return this.absencesByUuidIndex.get(uuid);
  }

  private refreshAbsences(): void {
    if (this.absencesDirty) {
      this.company.absences = Array.from(this.absencesById().values()).sort((a, b) => a.id - b.id);
      this.absencesDirty = false;
      this.listsStale = true;
    }
    if (this.listsStale) {
      const all = this.company.absences;
      this.dayAbsenceList = all.filter((a) => this.typesById.get(a.typeId)?.unit === 'day');
      this.hourAbsenceList = all.filter((a) => this.typesById.get(a.typeId)?.unit === 'hour');
      this.listsStale = false;
    }
  }

  /** Every absence by ascending id. */
  absences(): readonly Absence[] {
    this.refreshAbsences();
    return this.company.absences;
  }

  /** Absences of day-unit types (v1 time-offs). */
  dayAbsences(): readonly Absence[] {
    this.refreshAbsences();
    return this.dayAbsenceList;
  }

  /** Absences of hour-unit types (v1 absence-periods). */
  hourAbsences(): readonly Absence[] {
    this.refreshAbsences();
    return this.hourAbsenceList;
  }

  /** When a v1 attribute of an employee last changed. */
  fieldChangedAt(e: Employee, key: string): number {
    return e.fieldUpdatedAt?.[key] ?? e.baselineUpdatedAt;
  }

  lastModifiedAt(e: Employee): number {
    return Math.max(e.personUpdatedAt, e.employmentUpdatedAt);
  }

  private touch(e: Employee, keys: Iterable<string>): void {
    const now = this.clock.nowMs();
    const changed = e.fieldUpdatedAt ?? {};
    for (const key of keys) {
      changed[key] = now;
      if (isPersonKey(key)) e.personUpdatedAt = now;
      else e.employmentUpdatedAt = now;
    }
    e.fieldUpdatedAt = changed;
    this.version++;
  }

  hire(input: HireInput): Employee {
    const now = this.clock.nowMs();
    const id = this.company.nextEmployeeId;
    this.company.nextEmployeeId += 1;
    const first = asString('first_name', input.first_name);
    const last = asString('last_name', input.last_name);
    const today = new Date(now).toISOString().slice(0, 10);
    const e: Employee = {
      id,
      employmentId: this.rnd.uuid(),
      firstName: first,
      lastName: last,
      preferredName: `${first} ${last}`,
      email: null,
      gender: 'diverse',
      status: 'onboarding',
      position: '',
      supervisorId: null,
      employmentType: 'internal',
      weeklyWorkingHours: 40,
      fullTimeWeeklyWorkingHours: 40,
      hireDate: today,
      contractEndDate: null,
      probationPeriodEnd: null,
      terminationDate: null,
      lastWorkingDay: null,
      terminatedAt: null,
      terminationType: null,
      terminationReason: null,
      subcompanyId: null,
      officeId: null,
      departmentId: null,
      teamId: null,
      costCenters: [],
      fixSalary: 0,
      hourlySalary: 0,
      hasProfilePicture: false,
      custom: Object.fromEntries(this.company.customAttributes.map((d) => [d.key, null])),
      createdAt: now,
      personUpdatedAt: now,
      employmentUpdatedAt: now,
      baselineUpdatedAt: now,
      fieldUpdatedAt: null,
    };
    const rest: Record<string, unknown> = { ...input };
    delete rest.first_name;
    delete rest.last_name;
    // Validate everything before the employee becomes visible.
    for (const [key, value] of Object.entries(rest)) this.apply(e, key, value);
    this.byId.set(id, e);
    if (e.email !== null) this.byEmail.set(e.email.toLowerCase(), e);
    this.orderedDirty = true;
    this.version++;
    return e;
  }

  /** Changes v1 attributes (keys as in v1 `attributes`, values in their v1 meaning). */
  update(id: number, attributes: Record<string, unknown>): Employee {
    const e = this.requireEmployee(id);
    const draft: Employee = { ...e, custom: { ...e.custom }, costCenters: e.costCenters.slice() };
    for (const [key, value] of Object.entries(attributes)) this.apply(draft, key, value);
    if (draft.email !== e.email) {
      if (e.email !== null) this.byEmail.delete(e.email.toLowerCase());
      if (draft.email !== null) this.byEmail.set(draft.email.toLowerCase(), e);
    }
    Object.assign(e, draft);
    this.touch(e, Object.keys(attributes));
    return e;
  }

  terminate(id: number, input: TerminateInput): Employee {
    const e = this.requireEmployee(id);
    const date = asDate('termination_date', input.termination_date);
    if (date === null) throw new SandboxInputError('termination_date is required');
    const type = input.termination_type ?? 'EMPLOYEE';
    if (!TERMINATION_TYPES.includes(type)) throw new SandboxInputError('unknown termination_type');
    const today = this.clock.now().toISOString().slice(0, 10);
    e.terminationDate = date;
    e.lastWorkingDay = asDate('last_working_day', input.last_working_day ?? date);
    e.terminatedAt = today;
    e.terminationType = type;
    e.terminationReason = input.termination_reason ?? '';
    const keys = ['termination_date', 'last_working_day', 'termination_type', 'termination_reason'];
    if (date <= today && e.status !== 'inactive') {
      e.status = 'inactive';
      keys.push('status');
    }
    this.touch(e, keys);
    return e;
  }

  deleteEmployee(id: number): void {
    const e = this.requireEmployee(id);
    this.byId.delete(id);
    if (e.email !== null) this.byEmail.delete(e.email.toLowerCase());
    for (const other of this.byId.values()) {
      if (other.supervisorId === id) this.update(other.id, { supervisor: null });
    }
    for (const a of Array.from(this.absencesById().values())) {
      if (a.employeeId === id) this.removeAbsence(a);
    }
    this.orderedDirty = true;
    this.version++;
  }

  addAbsence(input: AbsenceInput): Absence {
    const now = this.clock.nowMs();
    const id = this.company.nextAbsenceId;
    this.company.nextAbsenceId += 1;
    const a: Absence = {
      id,
      uuid: this.rnd.uuid(),
      employeeId: 0,
      typeId: 0,
      status: input.status ?? 'approved',
      startDate: '',
      endDate: '',
      halfDayStart: false,
      halfDayEnd: false,
      startMs: null,
      endMs: null,
      comment: input.comment ?? '',
      origin: 'api',
      createdById: null,
      createdAt: now,
      updatedAt: now,
      approvedAt: input.status === 'pending' ? null : now,
    };
    this.applyAbsence(a, input);
    this.absencesById().set(a.id, a);
    this.absencesByUuidIndex?.set(a.uuid, a);
    this.absencesDirty = true;
    this.version++;
    return a;
  }

  updateAbsence(id: number, patch: Partial<AbsenceInput>): Absence {
    const a = this.absencesById().get(id);
    if (!a) throw new SandboxInputError(`absence ${id} not found`, 404);
    const draft = { ...a };
    this.applyAbsence(draft, {
      employee_id: a.employeeId,
      time_off_type_id: a.typeId,
      start_date: a.startDate,
      end_date: a.endDate,
      half_day_start: a.halfDayStart,
      half_day_end: a.halfDayEnd,
      ...(a.startMs !== null && a.endMs !== null
        ? { start: new Date(a.startMs).toISOString(), end: new Date(a.endMs).toISOString() }
        : {}),
      ...patch,
    });
    Object.assign(a, draft, { updatedAt: this.clock.nowMs() });
    if (patch.status === 'approved' && a.approvedAt === null) a.approvedAt = a.updatedAt;
    this.absencesDirty = true;
    this.version++;
    return a;
  }

  cancelAbsence(id: number): void {
    const a = this.absencesById().get(id);
    if (!a) throw new SandboxInputError(`absence ${id} not found`, 404);
    this.removeAbsence(a);
  }

  private removeAbsence(a: Absence): void {
    this.absencesById().delete(a.id);
    this.absencesByUuidIndex?.delete(a.uuid);
    this.absencesDirty = true;
    this.version++;
  }

  private requireEmployee(id: number): Employee {
    const e = this.byId.get(id);
    if (!e) throw new SandboxInputError(`employee ${id} not found`, 404);
    return e;
  }

  private applyAbsence(a: Absence, input: AbsenceInput): void {
    const employee = this.byId.get(asNumber('employee_id', input.employee_id));
    if (!employee) throw new SandboxInputError('employee_id: unknown employee', 404);
    const type = this.typesById.get(asNumber('time_off_type_id', input.time_off_type_id));
    if (!type) throw new SandboxInputError('time_off_type_id: unknown type', 404);
    const start = asDate('start_date', input.start_date);
    const end = asDate('end_date', input.end_date);
    if (start === null || end === null || end < start) {
      throw new SandboxInputError('start_date and end_date must be dates with end >= start');
    }
    const halfStart = input.half_day_start ?? false;
    const halfEnd = input.half_day_end ?? false;
    if (start === end && halfStart && halfEnd) {
      // Personio rejects this since Jan 2025 [REFERENCE 3.10].
      throw new SandboxInputError(
        'Invalid absence day. Reason: Both half day start and half day end are true for a single-day period',
      );
    }
    a.employeeId = employee.id;
    a.typeId = type.id;
    a.startDate = start;
    a.endDate = end;
    a.halfDayStart = halfStart;
    a.halfDayEnd = halfEnd;
    a.comment = input.comment ?? a.comment;
    a.status = input.status ?? a.status;
    a.createdById = a.createdById ?? employee.id;
    if (type.unit === 'hour') {
      const s = input.start ? Date.parse(input.start) : Date.parse(`${start}T07:00:00Z`);
      const e = input.end ? Date.parse(input.end) : Date.parse(`${end}T15:00:00Z`);
      if (Number.isNaN(s) || Number.isNaN(e) || e <= s)
        throw new SandboxInputError('start/end must be instants with end > start');
      a.startMs = s;
      a.endMs = e;
    } else {
      a.startMs = null;
      a.endMs = null;
    }
  }

  /** Applies one v1 attribute to an employee (no timestamps: callers decide). */
  private apply(e: Employee, key: string, value: unknown): void {
    if (key.startsWith('dynamic_')) {
      if (!this.company.customAttributes.some((d) => d.key === key)) {
        throw new SandboxInputError(`unknown custom attribute ${key}`);
      }
      e.custom[key] = value as CustomValue;
      return;
    }
    switch (key) {
      case 'first_name':
        e.firstName = asString(key, value);
        return;
      case 'last_name':
        e.lastName = asString(key, value);
        return;
      case 'preferred_name':
        e.preferredName = asString(key, value);
        return;
      case 'email': {
        const email = asNullableString(key, value);
        if (email !== null) {
          const owner = this.byEmail.get(email.toLowerCase());
          if (owner && owner.id !== e.id) throw new SandboxInputError('email already used');
        }
        e.email = email;
        return;
      }
      case 'gender':
        if (value !== 'male' && value !== 'female' && value !== 'diverse') {
          throw new SandboxInputError('gender must be male, female or diverse');
        }
        e.gender = value;
        return;
      case 'status': {
        const statuses: EmploymentStatus[] = ['active', 'inactive', 'onboarding', 'leave'];
        if (!statuses.includes(value as EmploymentStatus))
          throw new SandboxInputError('bad status');
        e.status = value as EmploymentStatus;
        return;
      }
      case 'position':
        e.position = asString(key, value);
        return;
      case 'supervisor': {
        const id = value === null ? null : asNumber(key, value);
        if (id !== null) this.checkSupervisor(e.id, id);
        e.supervisorId = id;
        return;
      }
      case 'employment_type':
        if (value !== 'internal' && value !== 'external')
          throw new SandboxInputError('bad employment_type');
        e.employmentType = value;
        return;
      case 'weekly_working_hours':
        e.weeklyWorkingHours = asNumber(key, value);
        return;
      case 'hire_date':
        e.hireDate = asDate(key, value) ?? e.hireDate;
        return;
      case 'contract_end_date':
        e.contractEndDate = asDate(key, value);
        return;
      case 'probation_period_end':
        e.probationPeriodEnd = asDate(key, value);
        return;
      case 'termination_date':
        e.terminationDate = asDate(key, value);
        return;
      case 'last_working_day':
        e.lastWorkingDay = asDate(key, value);
        return;
      case 'termination_type':
        if (value !== null && !TERMINATION_TYPES.includes(value as TerminationType)) {
          throw new SandboxInputError('bad termination_type');
        }
        e.terminationType = value as TerminationType | null;
        return;
      case 'termination_reason':
        e.terminationReason = asNullableString(key, value);
        return;
      case 'subcompany':
        e.subcompanyId = asRefId(key, value, this.subcompanies);
        return;
      case 'office':
        e.officeId = asRefId(key, value, this.offices);
        return;
      case 'department':
        e.departmentId = asRefId(key, value, this.departments);
        return;
      case 'team':
        e.teamId = asRefId(key, value, this.teams);
        return;
      case 'cost_centers': {
        if (!Array.isArray(value)) throw new SandboxInputError('cost_centers must be an array');
        const shares: CostCenterShare[] = value.map((v: unknown) => {
          const share = v as { id?: unknown; percentage?: unknown };
          const id = asRefId('cost_centers.id', share.id, this.costCenters) ?? 0;
          return { id, percentage: asNumber('cost_centers.percentage', share.percentage) };
        });
        e.costCenters = shares;
        return;
      }
      case 'fix_salary':
        e.fixSalary = asNumber(key, value);
        return;
      case 'hourly_salary':
        e.hourlySalary = asNumber(key, value);
        return;
      default:
        throw new SandboxInputError(`attribute ${key} cannot be changed`);
    }
  }

  /** Refuses a supervisor change that would close a cycle. */
  private checkSupervisor(employeeId: number, supervisorId: number): void {
    const seen = new Set<number>([employeeId]);
    let current: number | null = supervisorId;
    while (current !== null) {
      if (seen.has(current)) throw new SandboxInputError('supervisor would create a cycle');
      seen.add(current);
      const next = this.byId.get(current);
      if (!next) throw new SandboxInputError(`supervisor: unknown employee ${current}`, 404);
      current = next.supervisorId;
    }
  }
}
