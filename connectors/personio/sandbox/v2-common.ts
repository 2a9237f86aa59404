/**
 * Owns what every v2 resource shares: the bearer guard, scope and auth problems, opaque cursors
 * that carry the original filters, limit parsing, `_data`/`_meta.links` pages, and the dotted
 * filter operators (`field`, `.gt`, `.lt`, `.gte`, `.lte`).
 */
import type { Credential, Scope } from './auth';
import type { RequestContext, SandboxState } from './context';
import type { ProblemInput, SandboxResponse } from './http-util';
import { V2_BAD_FILTER, V2_BAD_REQUEST, bearerToken, json, v2Problem } from './http-util';
import type { LimitName } from './rate-limiter';
import { parseInstant } from './time';

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

export const FORBIDDEN: ProblemInput = {
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

export interface Cursor {
  /** Position: last id (persons) or index (other lists) already returned. */
  after: number;
  limit: number;
  /** The original filters, so `next.href` works exactly as given. */
  query: string;
  page: number;
}

export function encodeCursor(c: Cursor): string {
  return `cur_${Buffer.from(JSON.stringify([c.after, c.limit, c.query, c.page])).toString('base64url')}`;
}

export function decodeCursor(raw: string): Cursor | null {
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

export interface ListRequest {
  query: URLSearchParams;
  limit: number;
  after: number | null;
  page: number;
  filterQuery: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: ProblemInput };

/**
 * Reads limit and cursor. With a cursor, the filters come from the cursor (the `next` link only
 * carries `cursor`); an explicit `limit` still wins.
 */
export function listRequest(
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

export function selfHref(ctx: RequestContext): string {
  const qs = ctx.query.toString();
  return `${ctx.baseUrl}${ctx.path}${qs ? `?${qs}` : ''}`;
}

export function listAnswer(
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
export function checkFilters(
  query: URLSearchParams,
  allowed: ReadonlySet<string>,
): ProblemInput | null {
  for (const key of query.keys()) {
    if (key === 'limit' || key === 'cursor') continue;
    if (!allowed.has(key) && key.includes('.')) return V2_BAD_FILTER;
  }
  return null;
}

export function instantFilter(query: URLSearchParams, name: string): number | null | 'invalid' {
  const raw = query.get(name);
  if (raw === null) return null;
  return parseInstant(raw) ?? 'invalid';
}

export type Readable = (key: string) => boolean;

export function readableOf(credential: Credential): Readable {
  const set = credential.readable;
  return set === null ? () => true : (key) => set.has(key);
}

/** One page of an in-memory list; only the page's items are turned into JSON objects. */
export function offsetPage<T>(
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

export type Predicate<T> = (item: T) => boolean;

export function timeFilters<T>(
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
