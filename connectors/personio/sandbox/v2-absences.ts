/**
 * Owns v2 absence periods (day and hour based together, overlap semantics for date ranges),
 * their daily breakdowns and absence types, in the third-party-observed shape REFERENCE.md
 * describes (UNCERTAIN until the official files are known).
 */
import type { RequestContext, SandboxState } from './context';
import { ResultCache } from './context';
import type { SandboxResponse } from './http-util';
import { V2_BAD_REQUEST, json, v2Problem } from './http-util';
import type { Absence } from './model';
import { berlinOffsetMinutes, parseInstant, v2DateTime } from './time';
import { breakdowns, dayValues } from './v1-absences';
import { checkFilters, instantFilter, listRequest, offsetPage, selfHref } from './v2-common';

/** Berlin wall time without offset, as v2 absence periods print it. */
export function localDateTime(ms: number): string {
  return new Date(ms + berlinOffsetMinutes(ms) * 60_000).toISOString().slice(0, 19);
}

export function absenceBounds(state: SandboxState, a: Absence): [number, number] {
  if (a.startMs !== null && a.endMs !== null) return [a.startMs, a.endMs];
  const start = parseInstant(a.startDate) ?? 0;
  const end = (parseInstant(`${a.endDate}T23:59:59`) ?? 0) + 999;
  return [start, end];
}

export function absencePeriodJson(state: SandboxState, a: Absence): Record<string, unknown> {
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

export function listAbsencePeriods(state: SandboxState, ctx: RequestContext): SandboxResponse {
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

export function absenceBreakdowns(
  state: SandboxState,
  ctx: RequestContext,
  a: Absence,
): SandboxResponse {
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

export function absenceTypeJson(t: {
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
