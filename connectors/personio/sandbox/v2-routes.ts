/**
 * Owns the v2 resource surface: the bearer guard and scope checks (problem+json errors with
 * `personio_trace_id`), persons and their employments per the official v2 spec files (cursor
 * pagination through `_meta.links.next.href`, limit 1..50, dotted filters), and the org units,
 * absence periods and absence types as far as REFERENCE.md knows their shapes.
 */
import type { Credential, Scope } from './auth';
import { SCOPES } from './auth';
import type { RequestContext, SandboxState } from './context';
import { ResultCache } from './context';
import type { ProblemInput, SandboxResponse } from './http-util';
import {
  V2_BAD_FILTER,
  V2_BAD_REQUEST,
  V2_NOT_FOUND,
  bearerToken,
  json,
  v2Problem,
} from './http-util';
import type { LimitName } from './rate-limiter';
import type { Absence, AttributeType, Employee, OrgUnit } from './model';
import { breakdowns, dayValues } from './v1-absences';
import { berlinOffsetMinutes, parseInstant, v2DateTime } from './time';

export interface V2Caller {
  credential: Credential;
  scopes: ReadonlySet<Scope>;
}

export type V2Guard = { ok: true; caller: V2Caller } | { ok: false; response: SandboxResponse };

const UNAUTHORIZED: ProblemInput = {
  // The v2 401 body is undocumented (UNCERTAIN); same problem+json shape as the other errors.
  title: 'Unauthorized',
  detail: 'The access token is missing, expired or invalid.',
  type: 'common.unauthorized',
};

const FORBIDDEN: ProblemInput = {
  title: 'Insufficient access scope',
  detail: 'Client scope insufficient to access resource',
  type: 'https://developer.personio.de/v2.0/page/public-api-error-codes#commonforbidden',
};

export function v2Guard(state: SandboxState, ctx: RequestContext): V2Guard {
  const check = state.auth.check(bearerToken(ctx.req), 'v2');
  if (!check.ok) return { ok: false, response: v2Problem(401, UNAUTHORIZED, state.clock.now()) };
  return { ok: true, caller: { credential: check.credential, scopes: check.record.scopes } };
}

export function v2LimitFor(path: string): LimitName {
  if (path.startsWith('/v2/persons')) return 'v2Persons';
  if (path.startsWith('/v2/absence-periods')) return 'v2AbsencePeriods';
  return 'v2Other';
}

interface Cursor {
  /** Position: last id (persons) or index (other lists) already returned. */
  after: number;
  limit: number;
  /** The original filters, so `next.href` works exactly as given. */
  query: string;
  page: number;
}

function encodeCursor(c: Cursor): string {
  return `cur_${Buffer.from(JSON.stringify([c.after, c.limit, c.query, c.page])).toString('base64url')}`;
}

function decodeCursor(raw: string): Cursor | null {
  if (!raw.startsWith('cur_')) return null;
  try {
    const v: unknown = JSON.parse(Buffer.from(raw.slice(4), 'base64url').toString('utf8'));
    if (!Array.isArray(v) || v.length !== 4) return null;
    const [after, limit, query, page] = v as unknown[];
    if (
      typeof after !== 'number' ||
      typeof limit !== 'number' ||
      typeof query !== 'string' ||
      typeof page !== 'number'
    ) {
      return null;
    }
    return { after, limit, query, page };
  } catch {
    return null;
  }
}

interface ListRequest {
  query: URLSearchParams;
  limit: number;
  after: number | null;
  page: number;
  filterQuery: string;
}

type Parsed<T> = { ok: true; value: T } | { ok: false; problem: ProblemInput };

/**
 * Reads limit and cursor. With a cursor, the filters come from the cursor (the `next` link only
 * carries `cursor`); an explicit `limit` still wins.
 */
function listRequest(
  ctx: RequestContext,
  defaultLimit: number,
  maxLimit: number,
): Parsed<ListRequest> {
  const raw = ctx.query.get('cursor');
  const limitRaw = ctx.query.get('limit');
  let limit: number | null = null;
  if (limitRaw !== null) {
    if (!/^\d+$/.test(limitRaw) || Number(limitRaw) < 1 || Number(limitRaw) > maxLimit) {
      return { ok: false, problem: V2_BAD_REQUEST };
    }
    limit = Number(limitRaw);
  }
  if (raw !== null && raw !== '') {
    const cursor = decodeCursor(raw);
    if (!cursor) return { ok: false, problem: V2_BAD_REQUEST };
    return {
      ok: true,
      value: {
        query: new URLSearchParams(cursor.query),
        limit: limit ?? cursor.limit,
        after: cursor.after,
        page: cursor.page,
        filterQuery: cursor.query,
      },
    };
  }
  const filters = new URLSearchParams(ctx.query);
  filters.delete('limit');
  filters.delete('cursor');
  return {
    ok: true,
    value: {
      query: ctx.query,
      limit: limit ?? defaultLimit,
      after: null,
      page: 1,
      filterQuery: filters.toString(),
    },
  };
}

function selfHref(ctx: RequestContext): string {
  const qs = ctx.query.toString();
  return `${ctx.baseUrl}${ctx.path}${qs ? `?${qs}` : ''}`;
}

function listAnswer(
  ctx: RequestContext,
  data: unknown[],
  next: Cursor | null,
  page: number,
): SandboxResponse {
  const links: Record<string, { href: string }> = { self: { href: selfHref(ctx) } };
  if (next) links.next = { href: `${ctx.baseUrl}${ctx.path}?cursor=${encodeCursor(next)}` };
  const res = json(200, { _data: data, _meta: { links } });
  res.page = page;
  return res;
}

/** Checks filter names: dotted names must use an operator the endpoint knows. */
function checkFilters(query: URLSearchParams, allowed: ReadonlySet<string>): ProblemInput | null {
  for (const key of query.keys()) {
    if (key === 'limit' || key === 'cursor') continue;
    if (!allowed.has(key) && key.includes('.')) return V2_BAD_FILTER;
  }
  return null;
}

function instantFilter(query: URLSearchParams, name: string): number | null | 'invalid' {
  const raw = query.get(name);
  if (raw === null) return null;
  return parseInstant(raw) ?? 'invalid';
}

type Readable = (key: string) => boolean;

function readableOf(credential: Credential): Readable {
  const set = credential.readable;
  return set === null ? () => true : (key) => set.has(key);
}

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

function personStatus(e: Employee): 'ACTIVE' | 'INACTIVE' {
  return e.status === 'inactive' ? 'INACTIVE' : 'ACTIVE';
}

function personJson(
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

function employmentJson(
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

type Predicate<T> = (item: T) => boolean;

function timeFilters<T>(
  query: URLSearchParams,
  field: string,
  read: (item: T) => number,
  ops: readonly string[],
): Parsed<Predicate<T>[]> {
  const out: Predicate<T>[] = [];
  for (const op of ops) {
    const name = op === '' ? field : `${field}.${op}`;
    const value = instantFilter(query, name);
    if (value === 'invalid') return { ok: false, problem: V2_BAD_REQUEST };
    if (value === null) continue;
    switch (op) {
      case '':
        out.push((item) => Math.floor(read(item) / 1000) === Math.floor(value / 1000));
        break;
      case 'gt':
        out.push((item) => read(item) > value);
        break;
      case 'lt':
        out.push((item) => read(item) < value);
        break;
      case 'gte':
        out.push((item) => read(item) >= value);
        break;
      case 'lte':
        out.push((item) => read(item) <= value);
        break;
      default:
        return { ok: false, problem: V2_BAD_FILTER };
    }
  }
  return { ok: true, value: out };
}

function personPredicates(
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
function firstAfter(list: readonly Employee[], after: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] as Employee).id <= after) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function listPersons(state: SandboxState, ctx: RequestContext, caller: V2Caller): SandboxResponse {
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

function listEmployments(
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

function orgUnitJson(
  state: SandboxState,
  unit: OrgUnit,
  chain: 'none' | 'ids' | 'full',
): Record<string, unknown> {
  const keepNull = state.options.quirks.v2EmptyFields === 'null';
  const o: Record<string, unknown> = {
    id: String(unit.id),
    type: unit.type,
    name: unit.name,
    abbreviation: unit.abbreviation,
    description: unit.description,
  };
  if (unit.parentId !== null) o.parent_id = String(unit.parentId);
  else if (keepNull) o.parent_id = null;
  if (chain !== 'none') {
    // Field name and shape of the parent chain are UNCERTAIN [REFERENCE 4.5].
    const units = unit.type === 'department' ? state.store.departments : state.store.teams;
    const ancestors: Array<Record<string, unknown>> = [];
    let parent = unit.parentId === null ? undefined : units.get(unit.parentId);
    while (parent) {
      ancestors.push(
        chain === 'ids' ? { id: String(parent.id) } : orgUnitJson(state, parent, 'none'),
      );
      parent = parent.parentId === null ? undefined : units.get(parent.parentId);
    }
    o.parent_chain = ancestors;
  }
  return o;
}

function orgUnitType(state: SandboxState, query: URLSearchParams): Map<number, OrgUnit> | null {
  const type = query.get('type');
  if (type === 'department') return state.store.departments;
  if (type === 'team') return state.store.teams;
  return null;
}

function listOrgUnits(state: SandboxState, ctx: RequestContext): SandboxResponse {
  const now = state.clock.now();
  const req = listRequest(ctx, 100, 200);
  if (!req.ok) return v2Problem(400, req.problem, now);
  const query = req.value.query;
  const units = orgUnitType(state, query);
  if (!units) return v2Problem(400, V2_BAD_REQUEST, now);
  const sort = query.get('sort') ?? 'id';
  const sorted = Array.from(units.values());
  switch (sort) {
    case 'id':
      sorted.sort((a, b) => a.id - b.id);
      break;
    case '-id':
      sorted.sort((a, b) => b.id - a.id);
      break;
    case 'name':
      sorted.sort((a, b) => a.name.localeCompare(b.name));
      break;
    case '-name':
      sorted.sort((a, b) => b.name.localeCompare(a.name));
      break;
    default:
      return v2Problem(400, V2_BAD_REQUEST, now);
  }
  const chain = query.get('include_parent_chain') === 'true' ? 'ids' : 'none';
  return offsetPage(ctx, req.value, sorted, (u) => orgUnitJson(state, u, chain));
}

/** One page of an in-memory list; only the page's items are turned into JSON objects. */
function offsetPage<T>(
  ctx: RequestContext,
  req: ListRequest,
  items: readonly T[],
  toJson: (item: T) => unknown,
): SandboxResponse {
  const start = req.after ?? 0;
  const end = start + req.limit;
  const next =
    end < items.length
      ? { after: end, limit: req.limit, query: req.filterQuery, page: req.page + 1 }
      : null;
  return listAnswer(ctx, items.slice(start, end).map(toJson), next, req.page);
}

/** Berlin wall time without offset, as v2 absence periods print it. */
function localDateTime(ms: number): string {
  return new Date(ms + berlinOffsetMinutes(ms) * 60_000).toISOString().slice(0, 19);
}

function absenceBounds(state: SandboxState, a: Absence): [number, number] {
  if (a.startMs !== null && a.endMs !== null) return [a.startMs, a.endMs];
  const start = parseInstant(a.startDate) ?? 0;
  const end = (parseInstant(`${a.endDate}T23:59:59`) ?? 0) + 999;
  return [start, end];
}

function absencePeriodJson(state: SandboxState, a: Absence): Record<string, unknown> {
  const type = state.store.typesById.get(a.typeId);
  const [start, end] = absenceBounds(state, a);
  // Observed third-party shape, UNCERTAIN until the official file is known [REFERENCE 4.7].
  return {
    id: a.uuid,
    person: { id: String(a.employeeId) },
    absence_type: { id: type?.uuid ?? '' },
    starts_from: { date_time: localDateTime(start), type: a.halfDayStart ? 'SECOND_HALF' : null },
    ends_at: { date_time: localDateTime(end), type: a.halfDayEnd ? 'FIRST_HALF' : null },
    timezone_id: 'Europe/Berlin',
    comment: a.comment,
    approval: { status: a.status.toUpperCase() },
    created_at: v2DateTime(a.createdAt),
    updated_at: v2DateTime(a.updatedAt),
  };
}

const absenceCache = new WeakMap<SandboxState, ResultCache<readonly Absence[]>>();

const ABSENCE_FILTERS = new Set([
  'person.id',
  'absence_type.id',
  'starts_from.date_time.gte',
  'starts_from.date_time.lte',
  'ends_at.date_time.gte',
  'ends_at.date_time.lte',
  'updated_at.gte',
  'updated_at.lte',
]);

function listAbsencePeriods(state: SandboxState, ctx: RequestContext): SandboxResponse {
  const now = state.clock.now();
  const req = listRequest(ctx, 100, 200);
  if (!req.ok) return v2Problem(400, req.problem, now);
  const query = req.value.query;
  const bad = checkFilters(query, ABSENCE_FILTERS);
  if (bad) return v2Problem(400, bad, now);
  const persons = query.get('person.id')?.split(',') ?? null;
  const types = query.get('absence_type.id')?.split(',') ?? null;
  const bounds: Record<string, number | null> = {};
  for (const name of [
    'starts_from.date_time.gte',
    'starts_from.date_time.lte',
    'ends_at.date_time.gte',
    'ends_at.date_time.lte',
    'updated_at.gte',
    'updated_at.lte',
  ]) {
    const v = instantFilter(query, name);
    if (v === 'invalid') return v2Problem(400, V2_BAD_REQUEST, now);
    bounds[name] = v;
  }
  const personSet = persons ? new Set(persons) : null;
  const typeSet = types ? new Set(types) : null;
  const winStart = bounds['starts_from.date_time.gte'] ?? null;
  const winEnd = bounds['ends_at.date_time.lte'] ?? null;
  const cacheKey = `${req.value.filterQuery}`;
  let cache = absenceCache.get(state);
  if (!cache) {
    cache = new ResultCache();
    absenceCache.set(state, cache);
  }
  const items = cache.get(cacheKey, state.store.version, () =>
    state.store.absences().filter((a) => {
      if (personSet && !personSet.has(String(a.employeeId))) return false;
      if (typeSet && !typeSet.has(state.store.typesById.get(a.typeId)?.uuid ?? '')) return false;
      const [start, end] = absenceBounds(state, a);
      // Date-range filters match absences overlapping the period [REFERENCE 4.7].
      if (winStart !== null && end < winStart) return false;
      if (winEnd !== null && start > winEnd) return false;
      const startsLte = bounds['starts_from.date_time.lte'] ?? null;
      const endsGte = bounds['ends_at.date_time.gte'] ?? null;
      if (startsLte !== null && start > startsLte) return false;
      if (endsGte !== null && end < endsGte) return false;
      const uGte = bounds['updated_at.gte'] ?? null;
      const uLte = bounds['updated_at.lte'] ?? null;
      if (uGte !== null && a.updatedAt < uGte) return false;
      if (uLte !== null && a.updatedAt > uLte) return false;
      return true;
    }),
  );
  return offsetPage(ctx, req.value, items, (a) => absencePeriodJson(state, a));
}

function absenceBreakdowns(state: SandboxState, ctx: RequestContext, a: Absence): SandboxResponse {
  const type = state.store.typesById.get(a.typeId);
  let data: unknown[];
  if (type?.unit === 'hour') {
    data = breakdowns(a).map((b) => ({
      date: b.date,
      effective_duration: { unit: 'HOUR', value: b.minutes / 60 },
    }));
  } else {
    data = dayValues(a).map((d) => ({
      date: d.date,
      effective_duration: { unit: 'DAY', value: d.value },
    }));
  }
  return json(200, { _data: data, _meta: { links: { self: { href: selfHref(ctx) } } } });
}

function absenceTypeJson(t: {
  uuid: string;
  name: string;
  category: string;
  unit: 'day' | 'hour';
}): Record<string, unknown> {
  // Shape UNCERTAIN beyond id, name, category and a unit [REFERENCE 4.7].
  return {
    id: t.uuid,
    name: t.name,
    category: t.category,
    unit: t.unit === 'day' ? 'DAY' : 'HOUR',
  };
}

function legalEntityJson(entity: {
  id: number;
  name: string;
  country: string;
}): Record<string, unknown> {
  // Response fields are not documented (UNCERTAIN) [REFERENCE 4.6].
  return { id: String(entity.id), name: entity.name, country: entity.country };
}

function listLegalEntities(state: SandboxState, ctx: RequestContext): SandboxResponse {
  const now = state.clock.now();
  const req = listRequest(ctx, 20, 100);
  if (!req.ok) return v2Problem(400, req.problem, now);
  const query = req.value.query;
  const ids = query.get('id')?.split(',') ?? null;
  if (ids && !ids.every((id) => /^\d+$/.test(id))) return v2Problem(400, V2_BAD_REQUEST, now);
  const countries = query.get('country')?.split(',') ?? null;
  // Newest first; ids stand in for the creation order.
  const items = Array.from(state.store.subcompanies.values())
    .filter(
      (l) =>
        (ids === null || ids.includes(String(l.id))) &&
        (countries === null || countries.includes(l.country)),
    )
    .sort((a, b) => b.id - a.id);
  return offsetPage(ctx, req.value, items, legalEntityJson);
}

const LEGAL_ENTITY_PATH = /^\/v2\/legal-entities\/([^/]+)$/;
const PERSON_PATH = /^\/v2\/persons\/([^/]+)$/;
const EMPLOYMENTS_PATH = /^\/v2\/persons\/([^/]+)\/employments$/;
const EMPLOYMENT_PATH = /^\/v2\/persons\/([^/]+)\/employments\/([^/]+)$/;
const ORG_UNIT_PATH = /^\/v2\/org-units\/([^/]+)$/;
const ABSENCE_PATH = /^\/v2\/absence-periods\/([^/]+)$/;
const BREAKDOWN_PATH = /^\/v2\/absence-periods\/([^/]+)\/breakdowns$/;
const ABSENCE_TYPE_PATH = /^\/v2\/absence-types\/([^/]+)$/;

function findPerson(state: SandboxState, raw: string): Employee | undefined {
  return /^\d+$/.test(raw) ? state.store.employee(Number(raw)) : undefined;
}

export function routeV2(
  state: SandboxState,
  ctx: RequestContext,
  caller: V2Caller,
): SandboxResponse | null {
  if (ctx.method !== 'GET') return null;
  const now = state.clock.now();
  const path = ctx.path;
  const forbidden = (scope: Scope): SandboxResponse | null =>
    caller.scopes.has(scope) ? null : v2Problem(403, FORBIDDEN, now);
  const notFound = (): SandboxResponse => v2Problem(404, V2_NOT_FOUND, now);

  if (path.startsWith('/v2/persons')) {
    const denied = forbidden(SCOPES.persons);
    if (denied) return denied;
    if (path === '/v2/persons') return listPersons(state, ctx, caller);
    let m = PERSON_PATH.exec(path);
    if (m) {
      const e = findPerson(state, m[1] ?? '');
      return e ? json(200, personJson(state, ctx, caller.credential, e)) : notFound();
    }
    m = EMPLOYMENTS_PATH.exec(path);
    if (m) {
      const e = findPerson(state, m[1] ?? '');
      return e ? listEmployments(state, ctx, caller, e) : notFound();
    }
    m = EMPLOYMENT_PATH.exec(path);
    if (m) {
      const e = findPerson(state, m[1] ?? '');
      if (!e || e.employmentId !== m[2]) return notFound();
      return json(200, employmentJson(state, ctx, caller.credential, e));
    }
    return null;
  }
  if (path.startsWith('/v2/org-units')) {
    const denied = forbidden(SCOPES.orgUnits);
    if (denied) return denied;
    if (path === '/v2/org-units') return listOrgUnits(state, ctx);
    const m = ORG_UNIT_PATH.exec(path);
    if (!m) return null;
    const units = orgUnitType(state, ctx.query);
    if (!units) return v2Problem(400, V2_BAD_REQUEST, now);
    const unit = /^\d+$/.test(m[1] ?? '') ? units.get(Number(m[1])) : undefined;
    if (!unit) return notFound();
    return json(
      200,
      orgUnitJson(state, unit, ctx.query.get('include_parent_chain') === 'true' ? 'full' : 'none'),
    );
  }
  if (path === '/v2/legal-entities') return listLegalEntities(state, ctx);
  const legal = LEGAL_ENTITY_PATH.exec(path);
  if (legal) {
    const entity = /^\d+$/.test(legal[1] ?? '')
      ? state.store.subcompanies.get(Number(legal[1]))
      : undefined;
    return entity ? json(200, legalEntityJson(entity)) : notFound();
  }
  if (path.startsWith('/v2/absence-periods') || path.startsWith('/v2/absence-types')) {
    const denied = forbidden(SCOPES.absences);
    if (denied) return denied;
    if (path === '/v2/absence-periods') return listAbsencePeriods(state, ctx);
    let m = BREAKDOWN_PATH.exec(path);
    if (m) {
      const a = state.store.absenceByUuid(m[1] ?? '');
      return a ? absenceBreakdowns(state, ctx, a) : notFound();
    }
    m = ABSENCE_PATH.exec(path);
    if (m) {
      const a = state.store.absenceByUuid(m[1] ?? '');
      return a ? json(200, absencePeriodJson(state, a)) : notFound();
    }
    if (path === '/v2/absence-types') {
      const req = listRequest(ctx, 100, 200);
      if (!req.ok) return v2Problem(400, req.problem, now);
      return offsetPage(ctx, req.value, state.store.company.timeOffTypes, absenceTypeJson);
    }
    m = ABSENCE_TYPE_PATH.exec(path);
    if (m) {
      const t = state.store.typesByUuid.get(m[1] ?? '');
      return t ? json(200, absenceTypeJson(t)) : notFound();
    }
  }
  return null;
}
