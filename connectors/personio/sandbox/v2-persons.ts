/**
 * Owns v2 persons and their employments as the official v2 spec files define them: person and
 * employment objects (whitelist-aware, empty fields per switch), person filters, keyset cursor
 * pages over the id-ordered people.
 */
import type { Credential } from './auth';
import type { RequestContext, SandboxState } from './context';
import type { SandboxResponse } from './http-util';
import { V2_BAD_REQUEST, v2Problem } from './http-util';
import type { AttributeType, Employee } from './model';
import { v2DateTime } from './time';
import type { Parsed, Predicate, V2Caller } from './v2-common';
import { checkFilters, listAnswer, listRequest, readableOf, timeFilters } from './v2-common';

const V2_CUSTOM_TYPES: Record<AttributeType, string> = {
  standard: 'STRING',
  multiline: 'STRING',
  link: 'STRING',
  list: 'STRING',
  integer: 'INT',
  decimal: 'DOUBLE',
  date: 'DATE',
  tags: 'STRING_LIST',
};

export function personStatus(e: Employee): 'ACTIVE' | 'INACTIVE' {
  return e.status === 'inactive' ? 'INACTIVE' : 'ACTIVE';
}

export function personJson(
  state: SandboxState,
  ctx: RequestContext,
  credential: Credential,
  e: Employee,
): Record<string, unknown> {
  const can = readableOf(credential);
  const keepNull = state.options.quirks.v2EmptyFields === 'null';
  const p: Record<string, unknown> = { id: String(e.id) };
  const put = (key: string, value: unknown): void => {
    if (value !== null && value !== undefined) p[key] = value;
    else if (keepNull) p[key] = null;
  };
  if (can('email')) put('email', e.email);
  p.created_at = v2DateTime(e.createdAt);
  p.updated_at = v2DateTime(e.personUpdatedAt);
  if (can('first_name')) put('first_name', e.firstName);
  if (can('last_name')) put('last_name', e.lastName);
  if (can('preferred_name')) put('preferred_name', e.preferredName);
  if (can('gender')) put('gender', e.gender.toUpperCase());
  if (can('profile_picture')) {
    put(
      'profile_picture',
      e.hasProfilePicture
        ? { url: `${ctx.baseUrl}/v1/company/employees/${e.id}/profile-picture` }
        : null,
    );
  }
  if (can('status')) put('status', personStatus(e));
  const lower = state.options.quirks.v2CustomAttributeTypeCase === 'lower';
  const custom: Array<Record<string, unknown>> = [];
  for (const def of state.store.company.customAttributes) {
    if (!can(def.key)) continue;
    const value = e.custom[def.key] ?? null;
    // Values are strings or string lists in the spec; empty values are left out.
    if (value === null || (Array.isArray(value) && value.length === 0)) continue;
    const type = V2_CUSTOM_TYPES[def.type];
    const item: Record<string, unknown> = {
      id: def.key,
      type: lower ? type.toLowerCase() : type,
      label: def.label,
      value: Array.isArray(value) ? value : String(value),
    };
    if (def.universalId !== null) item.global_id = def.universalId;
    custom.push(item);
  }
  p.custom_attributes = custom;
  p.employments = [{ id: e.employmentId }];
  p._meta = { links: { employments: { href: `${ctx.baseUrl}/v2/persons/${e.id}/employments` } } };
  return p;
}

export function employmentJson(
  state: SandboxState,
  ctx: RequestContext,
  credential: Credential,
  e: Employee,
): Record<string, unknown> {
  const can = readableOf(credential);
  const keepNull = state.options.quirks.v2EmptyFields === 'null';
  const o: Record<string, unknown> = { id: e.employmentId };
  const put = (key: string, value: unknown): void => {
    if (value !== null && value !== undefined) o[key] = value;
    else if (keepNull) o[key] = null;
  };
  if (can('position')) put('position', { title: e.position });
  if (can('status')) put('status', e.status.toUpperCase());
  if (can('employment_type')) put('type', e.employmentType.toUpperCase());
  if (can('weekly_working_hours')) {
    put('weekly_working_hours', e.weeklyWorkingHours);
    put('full_time_weekly_working_hours', e.fullTimeWeeklyWorkingHours);
  }
  if (can('probation_period_end')) put('probation_end_date', e.probationPeriodEnd);
  if (can('hire_date')) put('employment_start_date', e.hireDate);
  if (can('termination_date')) put('employment_end_date', e.terminationDate);
  if (can('contract_end_date')) put('contract_end_date', e.contractEndDate);
  o.created_at = v2DateTime(e.createdAt);
  o.updated_at = v2DateTime(e.employmentUpdatedAt);
  if (can('supervisor'))
    put('supervisor', e.supervisorId === null ? null : { id: String(e.supervisorId) });
  if (can('office')) put('office', e.officeId === null ? null : { id: String(e.officeId) });
  const units: Array<{ type: string; id: string }> = [];
  if (can('department') && e.departmentId !== null)
    units.push({ type: 'department', id: String(e.departmentId) });
  if (can('team') && e.teamId !== null) units.push({ type: 'team', id: String(e.teamId) });
  o.org_units = units;
  o.person = { id: String(e.id) };
  if (can('termination_date')) {
    if (e.terminationDate === null) put('termination', null);
    else {
      const t: Record<string, unknown> = {};
      const tput = (key: string, value: unknown): void => {
        if (value !== null) t[key] = value;
        else if (keepNull) t[key] = null;
      };
      tput('termination_date', e.terminationDate);
      tput('last_working_day', e.lastWorkingDay);
      tput('terminated_at', e.terminatedAt);
      tput('type', e.terminationType);
      tput('reason', e.terminationReason);
      o.termination = t;
    }
  }
  if (can('cost_centers'))
    o.cost_centers = e.costCenters.map((c) => ({ id: String(c.id), weight: c.percentage }));
  if (can('subcompany')) {
    put('legal_entity', e.subcompanyId === null ? null : { id: String(e.subcompanyId) });
    put('sub_company', e.subcompanyId === null ? null : { id: String(e.subcompanyId) });
  }
  const links: Record<string, { href: string }> = {
    person: { href: `${ctx.baseUrl}/v2/persons/${e.id}` },
  };
  if (can('supervisor') && e.supervisorId !== null)
    links.supervisor = { href: `${ctx.baseUrl}/v2/persons/${e.supervisorId}` };
  o._meta = { links };
  return o;
}

const PERSON_FILTERS = new Set([
  'id',
  'email',
  'first_name',
  'last_name',
  'preferred_name',
  'created_at',
  'created_at.gt',
  'created_at.lt',
  'updated_at',
  'updated_at.gt',
  'updated_at.lt',
  'status',
]);

export function personPredicates(
  query: URLSearchParams,
  credential: Credential,
): Parsed<Predicate<Employee>[]> {
  const bad = checkFilters(query, PERSON_FILTERS);
  if (bad) return { ok: false, problem: bad };
  const preds: Predicate<Employee>[] = [];
  const list = (name: string): string[] | null => {
    const raw = query.get(name);
    return raw === null
      ? null
      : raw
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '');
  };
  const ids = list('id');
  if (ids) {
    if (!ids.every((id) => /^\d+$/.test(id))) return { ok: false, problem: V2_BAD_REQUEST };
    const set = new Set(ids.map(Number));
    preds.push((e) => set.has(e.id));
  }
  const can = readableOf(credential);
  const emails = list('email');
  if (emails) {
    const set = new Set(emails.map((m) => m.toLowerCase()));
    preds.push((e) => can('email') && e.email !== null && set.has(e.email.toLowerCase()));
  }
  for (const [name, read] of [
    ['first_name', (e: Employee) => e.firstName],
    ['last_name', (e: Employee) => e.lastName],
    ['preferred_name', (e: Employee) => e.preferredName],
  ] as const) {
    const v = query.get(name);
    if (v !== null) preds.push((e) => can(name) && read(e) === v);
  }
  const status = query.get('status');
  if (status !== null) {
    if (status !== 'ACTIVE' && status !== 'INACTIVE') return { ok: false, problem: V2_BAD_REQUEST };
    preds.push((e) => personStatus(e) === status);
  }
  for (const [field, read] of [
    ['created_at', (e: Employee) => e.createdAt],
    ['updated_at', (e: Employee) => e.personUpdatedAt],
  ] as const) {
    const parsed = timeFilters<Employee>(query, field, read, ['', 'gt', 'lt']);
    if (!parsed.ok) return parsed;
    preds.push(...parsed.value);
  }
  return { ok: true, value: preds };
}

/** First index whose id is greater than `after` in an id-sorted list. */
export function firstAfter(list: readonly Employee[], after: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] as Employee).id <= after) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function listPersons(
  state: SandboxState,
  ctx: RequestContext,
  caller: V2Caller,
): SandboxResponse {
  const now = state.clock.now();
  const req = listRequest(ctx, 10, 50);
  if (!req.ok) return v2Problem(400, req.problem, now);
  const preds = personPredicates(req.value.query, caller.credential);
  if (!preds.ok) return v2Problem(400, preds.problem, now);
  const all = state.store.employees();
  const { limit, page } = req.value;
  const start = req.value.after === null ? 0 : firstAfter(all, req.value.after);
  const picked: Employee[] = [];
  let more = false;
  for (let i = start; i < all.length; i++) {
    const e = all[i] as Employee;
    if (!preds.value.every((p) => p(e))) continue;
    if (picked.length === limit) {
      more = true;
      break;
    }
    picked.push(e);
  }
  const last = picked[picked.length - 1];
  const next =
    more && last ? { after: last.id, limit, query: req.value.filterQuery, page: page + 1 } : null;
  return listAnswer(
    ctx,
    picked.map((e) => personJson(state, ctx, caller.credential, e)),
    next,
    page,
  );
}

export function listEmployments(
  state: SandboxState,
  ctx: RequestContext,
  caller: V2Caller,
  e: Employee,
): SandboxResponse {
  const now = state.clock.now();
  const req = listRequest(ctx, 10, 50);
  if (!req.ok) return v2Problem(400, req.problem, now);
  const query = req.value.query;
  const bad = checkFilters(query, new Set(['id', 'updated_at', 'updated_at.gt', 'updated_at.lt']));
  if (bad) return v2Problem(400, bad, now);
  const preds = timeFilters<Employee>(query, 'updated_at', (x) => x.employmentUpdatedAt, [
    '',
    'gt',
    'lt',
  ]);
  if (!preds.ok) return v2Problem(400, preds.problem, now);
  const ids = query.get('id');
  const idSet = ids === null ? null : new Set(ids.split(','));
  // One employment per person in this sandbox; most recent first would order several.
  const employments = [e].filter(
    (x) => (idSet === null || idSet.has(x.employmentId)) && preds.value.every((p) => p(x)),
  );
  const start = req.value.after ?? 0;
  const slice = employments.slice(start, start + req.value.limit);
  const next =
    start + req.value.limit < employments.length
      ? {
          after: start + req.value.limit,
          limit: req.value.limit,
          query: req.value.filterQuery,
          page: req.value.page + 1,
        }
      : null;
  return listAnswer(
    ctx,
    slice.map((x) => employmentJson(state, ctx, caller.credential, x)),
    next,
    req.value.page,
  );
}
