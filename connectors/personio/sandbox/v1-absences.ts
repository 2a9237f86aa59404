/**
 * Owns the v1 absence endpoints: time-off types, day-based time-offs (page-number `offset`
 * starting at 1, 0 read as 1, date window, `updated_from/to`, `employees[]`, half days as 0/1)
 * and hour-based absence periods (minutes, window intersection, UUID ids).
 */
import type { Credential } from './auth';
import type { RequestContext, SandboxState } from './context';
import { ResultCache } from './context';
import type { SandboxResponse } from './http-util';
import { jsonText, parseIntParam, v1Error } from './http-util';
import type { Absence, TimeOffType } from './model';
import {
  addDays,
  berlinMidnightMs,
  isDateOnly,
  isWeekday,
  isoDate,
  parseInstant,
  v1Date,
  v1DateTime,
} from './time';
import { workingMinutesOnDate } from './generator';
import { serializeContext } from './v1-attributes';

const json = JSON.stringify;
const MAX_ABSENCE_LIMIT = 200;

function typeRef(t: TimeOffType | undefined): string {
  if (!t) return 'null';
  return `{"type":"TimeOffType","attributes":{"id":${t.id},"name":${json(t.name)},"category":${json(t.category)}}}`;
}

export function v1TimeOffTypes(state: SandboxState, ctx: RequestContext): SandboxResponse {
  const limit = parseIntParam(ctx.query.get('limit'));
  const offset = parseIntParam(ctx.query.get('offset'));
  if (
    (limit !== null && (Number.isNaN(limit) || limit < 1)) ||
    (offset !== null && Number.isNaN(offset))
  ) {
    return v1Error(400, 0, 'The given data failed to pass validation.');
  }
  const types = state.store.company.timeOffTypes.slice(offset ?? 0, (offset ?? 0) + (limit ?? 200));
  const data = types.map(
    (t) =>
      `{"type":"TimeOffType","attributes":{"id":${t.id},"id_v2":${json(t.uuid)},"name":${json(t.name)},"category":${json(t.category)},"unit":${json(t.unit)},"approval_required":${t.approvalRequired}}}`,
  );
  return jsonText(200, `{"success":true,"data":[${data.join(',')}]}`);
}

/** Each calendar day of a day-based absence with its weight: 1, 0.5 for half days, 0 on weekends. */
export function dayValues(a: Absence): Array<{ date: string; value: number }> {
  const out: Array<{ date: string; value: number }> = [];
  for (let d = a.startDate; d <= a.endDate; d = addDays(d, 1)) {
    let value = isWeekday(d) ? 1 : 0;
    if (value > 0 && d === a.startDate && a.halfDayStart) value = 0.5;
    const bothHalvesOfOneDay = a.startDate === a.endDate && a.halfDayStart;
    if (value > 0 && d === a.endDate && a.halfDayEnd && !bothHalvesOfOneDay) value = 0.5;
    out.push({ date: d, value });
  }
  return out;
}

/** Working days of a day-based absence, less half days (0.5 each). */
export function daysCount(a: Absence): number {
  return dayValues(a).reduce((sum, d) => sum + d.value, 0);
}

/**
 * GET /v1/company/employees/{id}/absences/balance: per day-based type, the entitlement less
 * what was taken this year up to today (`balance`) and less what is planned too
 * (`available_balance`). Only paid vacation carries an entitlement here.
 */
export function v1AbsenceBalance(state: SandboxState, employeeId: number): SandboxResponse {
  const e = state.store.employee(employeeId);
  if (!e) return v1Error(404, 404, 'Es ist ein Problem aufgetreten ');
  const today = isoDate(state.clock.nowMs());
  const yearStart = `${today.slice(0, 4)}-01-01`;
  const yearEnd = `${today.slice(0, 4)}-12-31`;
  const mine = state.store
    .dayAbsences()
    .filter((a) => a.employeeId === employeeId && a.status === 'approved');
  const data = state.store.company.timeOffTypes
    .filter((t) => t.unit === 'day')
    .map((t) => {
      const entitlement =
        t.category === 'paid_vacation' ? Math.round((e.weeklyWorkingHours / 40) * 28) : 0;
      let taken = 0;
      let planned = 0;
      for (const a of mine) {
        if (a.typeId !== t.id) continue;
        for (const d of dayValues(a)) {
          if (d.date < yearStart || d.date > yearEnd) continue;
          if (d.date <= today) taken += d.value;
          else planned += d.value;
        }
      }
      return {
        id: t.id,
        name: t.name,
        category: t.category,
        balance: entitlement - taken,
        available_balance: entitlement - taken - planned,
      };
    });
  return jsonText(200, JSON.stringify({ success: true, data }));
}

interface Filters {
  key: string;
  employees: Set<number> | null;
  start: string | null;
  end: string | null;
  updatedFrom: number | null;
  updatedTo: number | null;
}

type Parsed<T> = { ok: true; value: T } | { ok: false; response: SandboxResponse };

function parseEmployees(ctx: RequestContext): Set<number> | null | 'invalid' {
  const raw = ctx.query.getAll('employees[]');
  if (raw.length === 0) return null;
  const ids = new Set<number>();
  for (const part of raw.flatMap((r) => r.split(','))) {
    if (!/^\d+$/.test(part)) return 'invalid';
    ids.add(Number(part));
  }
  return ids;
}

function parseCommon(ctx: RequestContext, updatedAsDates: boolean): Parsed<Filters> {
  const q = ctx.query;
  const employees = parseEmployees(ctx);
  if (employees === 'invalid')
    return { ok: false, response: v1Error(400, 0, 'The given data failed to pass validation.') };
  const start = q.get('start_date');
  const end = q.get('end_date');
  for (const d of [start, end]) {
    if (d !== null && !isDateOnly(d)) {
      return { ok: false, response: v1Error(400, 0, 'The given data failed to pass validation.') };
    }
  }
  const bound = (name: string, endOfDay: boolean): number | null | 'invalid' => {
    const raw = q.get(name);
    if (raw === null) return null;
    if (updatedAsDates && isDateOnly(raw)) {
      // Inclusive dates: "from the beginning of updated_from" to "the end of updated_to".
      return endOfDay ? berlinMidnightMs(addDays(raw, 1)) - 1 : berlinMidnightMs(raw);
    }
    return parseInstant(raw) ?? 'invalid';
  };
  const updatedFrom = bound('updated_from', false);
  const updatedTo = bound('updated_to', true);
  if (updatedFrom === 'invalid' || updatedTo === 'invalid') {
    return { ok: false, response: v1Error(400, 0, 'The given data failed to pass validation.') };
  }
  return {
    ok: true,
    value: {
      key: [
        employees ? Array.from(employees).join(',') : '',
        start,
        end,
        updatedFrom,
        updatedTo,
      ].join('|'),
      employees,
      start,
      end,
      updatedFrom,
      updatedTo,
    },
  };
}

function matchesCommon(a: Absence, f: Filters): boolean {
  if (f.employees && !f.employees.has(a.employeeId)) return false;
  if (f.updatedFrom !== null && a.updatedAt < f.updatedFrom) return false;
  if (f.updatedTo !== null && a.updatedAt > f.updatedTo) return false;
  return true;
}

const timeOffCache = new WeakMap<SandboxState, ResultCache<readonly Absence[]>>();
const periodCache = new WeakMap<SandboxState, ResultCache<readonly Absence[]>>();

function cacheFor(
  map: WeakMap<SandboxState, ResultCache<readonly Absence[]>>,
  state: SandboxState,
): ResultCache<readonly Absence[]> {
  let cache = map.get(state);
  if (!cache) {
    cache = new ResultCache();
    map.set(state, cache);
  }
  return cache;
}

function halfDay(state: SandboxState, flag: boolean): string {
  return state.options.quirks.timeOffHalfDayAs === 'integer' ? (flag ? '1' : '0') : String(flag);
}

function timeOffJson(
  state: SandboxState,
  ctx: RequestContext,
  credential: Credential,
  a: Absence,
): string {
  const store = state.store;
  const employee = store.employee(a.employeeId);
  const sctx = serializeContext(state, ctx, credential);
  const creator = a.createdById === null ? undefined : store.employee(a.createdById);
  const createdBy =
    a.origin === 'api' || !creator ? 'API' : `${creator.firstName} ${creator.lastName}`;
  return (
    `{"type":"TimeOffPeriod","attributes":{"id":${a.id},"id_v2":${json(a.uuid)},"status":${json(a.status)},"comment":${json(a.comment)}` +
    `,"start_date":${json(v1Date(a.startDate))},"end_date":${json(v1Date(a.endDate))},"days_count":${daysCount(a)}` +
    `,"half_day_start":${halfDay(state, a.halfDayStart)},"half_day_end":${halfDay(state, a.halfDayEnd)}` +
    `,"time_off_type":${typeRef(store.typesById.get(a.typeId))}` +
    `,"employee":${employee ? state.catalog.shortEmployee(employee, sctx) : 'null'}` +
    `,"created_by":${json(createdBy)},"certificate":{"status":"not-required"}` +
    `,"created_at":${json(v1DateTime(a.createdAt))},"updated_at":${json(v1DateTime(a.updatedAt))}}}`
  );
}

export function v1TimeOffs(
  state: SandboxState,
  ctx: RequestContext,
  credential: Credential,
): SandboxResponse {
  const parsed = parseCommon(ctx, true);
  if (!parsed.ok) return parsed.response;
  const f = parsed.value;
  const limitParam = parseIntParam(ctx.query.get('limit'));
  const offsetParam = parseIntParam(ctx.query.get('offset'));
  if (
    (limitParam !== null && (Number.isNaN(limitParam) || limitParam < 1)) ||
    (offsetParam !== null && Number.isNaN(offsetParam))
  ) {
    return v1Error(400, 0, 'The given data failed to pass validation.');
  }
  // Max 200 per the (unmerged) PR #82; larger values are capped.
  const limit = Math.min(limitParam ?? MAX_ABSENCE_LIMIT, MAX_ABSENCE_LIMIT);
  // `offset` is a page number starting at 1; 0 reads as 1 [REFERENCE 3.10].
  const page = Math.max(1, offsetParam ?? 1);
  const contained = state.options.quirks.timeOffWindow === 'contained';
  const matching = cacheFor(timeOffCache, state).get(
    `${f.key}|${contained}`,
    state.store.version,
    () =>
      state.store.dayAbsences().filter((a) => {
        if (!matchesCommon(a, f)) return false;
        if (contained) {
          if (f.start !== null && a.startDate < f.start) return false;
          if (f.end !== null && a.endDate > f.end) return false;
        } else {
          if (f.start !== null && a.endDate < f.start) return false;
          if (f.end !== null && a.startDate > f.end) return false;
        }
        return true;
      }),
  );
  const items = matching
    .slice((page - 1) * limit, page * limit)
    .map((a) => timeOffJson(state, ctx, credential, a));
  const total = matching.length;
  const body =
    `{"success":true,"metadata":{"total_elements":${total},"current_page":${page},"total_pages":${Math.ceil(total / limit)}}` +
    `,"offset":${offsetParam ?? 0},"limit":${limit},"data":[${items.join(',')}]}`;
  const res = jsonText(200, body);
  res.page = page;
  const before = matching[(page - 1) * limit - 1];
  res.previousRecord = () => (before ? timeOffJson(state, ctx, credential, before) : null);
  return res;
}

export function v1TimeOff(
  state: SandboxState,
  ctx: RequestContext,
  credential: Credential,
  rawId: string,
): SandboxResponse {
  if (!/^\d+$/.test(rawId)) return v1Error(400, 400, 'The absence period id is invalid.');
  const a = state.store.absence(Number(rawId));
  if (!a || state.store.typesById.get(a.typeId)?.unit !== 'day') {
    return v1Error(404, 404, 'The absence period was not found.');
  }
  return jsonText(200, `{"success":true,"data":${timeOffJson(state, ctx, credential, a)}}`);
}

export function breakdowns(a: Absence): Array<{ date: string; minutes: number }> {
  const out: Array<{ date: string; minutes: number }> = [];
  if (a.startMs === null || a.endMs === null) return out;
  for (let d = a.startDate; d <= a.endDate; d = addDays(d, 1)) {
    out.push({ date: d, minutes: isWeekday(d) ? workingMinutesOnDate(a.startMs, a.endMs, d) : 0 });
  }
  return out;
}

function periodJson(
  state: SandboxState,
  ctx: RequestContext,
  credential: Credential,
  a: Absence,
): string {
  const store = state.store;
  const employee = store.employee(a.employeeId);
  const type = store.typesById.get(a.typeId);
  const parts = breakdowns(a);
  const total = parts.reduce((sum, b) => sum + b.minutes, 0);
  const sctx = serializeContext(state, ctx, credential);
  const iso = (ms: number | null): string =>
    ms === null ? 'null' : json(new Date(ms).toISOString());
  return (
    `{"type":"AbsencePeriod","attributes":{"id":${json(a.uuid)},"measurement_unit":${json(state.options.quirks.absencePeriodsMeasurementUnit)}` +
    `,"effective_duration":${total},"employee":${employee ? state.catalog.shortEmployee(employee, sctx) : 'null'}` +
    `,"absence_type":{"type":"AbsenceType","attributes":{"id":${json(type?.uuid ?? '')},"name":${json(type?.name ?? '')},"time_off_type_id":${type?.id ?? 0}}}` +
    `,"certificate":{"status":"not-required"},"start":${iso(a.startMs)},"end":${iso(a.endMs)}` +
    `,"half_day_start":${a.halfDayStart},"half_day_end":${a.halfDayEnd},"comment":${json(a.comment)},"origin":${json(a.origin)}` +
    `,"status":${json(a.status)},"timezone":"Europe/Berlin","created_by":${a.createdById ?? 0}` +
    `,"created_at":${iso(a.createdAt)},"updated_at":${iso(a.updatedAt)},"approved_at":${iso(a.approvedAt)}` +
    `,"breakdowns":[${parts.map((b) => `{"date":"${b.date}","effective_duration":${b.minutes}}`).join(',')}]}}`
  );
}

export function v1AbsencePeriods(
  state: SandboxState,
  ctx: RequestContext,
  credential: Credential,
): SandboxResponse {
  const parsed = parseCommon(ctx, false);
  if (!parsed.ok) return parsed.response;
  const f = parsed.value;
  const q = ctx.query;
  const typeIds = q.getAll('absence_types[]').flatMap((t) => t.split(','));
  const types = new Set<number>();
  for (const uuid of typeIds) {
    const t = state.store.typesByUuid.get(uuid);
    // Unknown absence types answer 404 since Oct 2024 (previously 500) [REFERENCE 3.2].
    if (!t) return v1Error(404, 404, 'models.absence-types.not-found');
    types.add(t.id);
  }
  const periodIds = new Set(q.getAll('absence_periods[]').flatMap((p) => p.split(',')));
  const limitParam = parseIntParam(q.get('limit'));
  const offsetParam = parseIntParam(q.get('offset'));
  if (
    (limitParam !== null && (Number.isNaN(limitParam) || limitParam < 1)) ||
    (offsetParam !== null && Number.isNaN(offsetParam))
  ) {
    return v1Error(400, 0, 'The given data failed to pass validation.');
  }
  const limit = Math.min(limitParam ?? MAX_ABSENCE_LIMIT, MAX_ABSENCE_LIMIT);
  const startMs = f.start === null ? null : berlinMidnightMs(f.start);
  const endMs = f.end === null ? null : berlinMidnightMs(addDays(f.end, 1));
  const key = `${f.key}|${Array.from(types).join(',')}|${Array.from(periodIds).join(',')}`;
  const matching = cacheFor(periodCache, state).get(key, state.store.version, () =>
    state.store.hourAbsences().filter((a) => {
      if (!matchesCommon(a, f)) return false;
      if (types.size > 0 && !types.has(a.typeId)) return false;
      if (periodIds.size > 0 && !periodIds.has(a.uuid)) return false;
      // Intersects [start_date, end_date]; an open side is unbounded [OFF spec-v1].
      if (startMs !== null && (a.endMs ?? 0) <= startMs) return false;
      if (endMs !== null && (a.startMs ?? 0) >= endMs) return false;
      return true;
    }),
  );
  let first: number;
  let page: number;
  if (state.options.quirks.absencePeriodsOffset === 'page') {
    page = Math.max(1, offsetParam ?? 1);
    first = (page - 1) * limit;
  } else {
    first = offsetParam ?? 0;
    page = Math.floor(first / limit) + 1;
  }
  const total = matching.length;
  const items = matching
    .slice(first, first + limit)
    .map((a) => periodJson(state, ctx, credential, a));
  const body =
    `{"success":true,"metadata":{"total_elements":${total},"current_page":${page},"total_pages":${Math.ceil(total / limit)}}` +
    `,"offset":${offsetParam ?? 0},"limit":${limit},"data":[${items.join(',')}]}`;
  const res = jsonText(200, body);
  res.page = page;
  const before = matching[first - 1];
  res.previousRecord = () => (before ? periodJson(state, ctx, credential, before) : null);
  return res;
}
