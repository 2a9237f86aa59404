/**
 * Owns the v1 Personnel Data surface: the bearer-token guard (401/403 as documented, the token
 * echoed or rotated in the `Authorization` response header), the per-credential scope check and
 * the employee endpoints (list with limit/offset, email, attributes[], updated_since and its
 * quirks; one employee; the attribute list; profile pictures). Absence endpoints live in
 * v1-absences.ts.
 */
import type { Credential, Scope } from './auth';
import { SCOPES } from './auth';
import type { RequestContext, SandboxState } from './context';
import { ResultCache } from './context';
import type { SandboxResponse } from './http-util';
import { bearerToken, json, jsonChunks, jsonText, parseIntParam, v1Error } from './http-util';
import type { Employee } from './model';
import { parseInstant } from './time';
import { serializeContext } from './v1-attributes';
import {
  v1AbsenceBalance,
  v1AbsencePeriods,
  v1TimeOff,
  v1TimeOffTypes,
  v1TimeOffs,
} from './v1-absences';

export interface V1Caller {
  credential: Credential;
  scopes: ReadonlySet<Scope>;
  /** Header value for the `Authorization` response header. */
  authorization: string;
}

export type V1Guard = { ok: true; caller: V1Caller } | { ok: false; response: SandboxResponse };

export function v1Guard(state: SandboxState, ctx: RequestContext): V1Guard {
  const check = state.auth.check(bearerToken(ctx.req), 'v1');
  if (!check.ok) {
    switch (check.reason) {
      case 'missing':
        return { ok: false, response: v1Error(401, 401, 'Authorization is not provided') };
      case 'spent':
        return { ok: false, response: v1Error(401, 401, 'The token has been blacklisted') };
      case 'invalid':
        return { ok: false, response: v1Error(403, 403, 'Provided authorization is not valid') };
    }
  }
  const next = state.auth.rotate(check.record);
  return {
    ok: true,
    caller: {
      credential: check.credential,
      scopes: check.record.scopes,
      authorization: `Bearer ${next.token}`,
    },
  };
}

/** Missing access right: the observed v1 answer [REFERENCE 5; HTTP 403 assumed]. */
export function v1Forbidden(): SandboxResponse {
  return v1Error(403, 0, 'personio.core.api.exceptions.api.forbidden.http.exception');
}

const EMPLOYEE_PATH = /^\/v1\/company\/employees\/(\d+)$/;
const BALANCE_PATH = /^\/v1\/company\/employees\/(\d+)\/absences\/balance$/;
const PICTURE_PATH = /^\/v1\/company\/employees\/(\d+)\/profile-picture(?:\/(\d+))?$/;
const TIME_OFF_PATH = /^\/v1\/company\/time-offs\/([^/]+)$/;

// A 1x1 transparent PNG stands in for every profile picture.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

/** Handles a v1 resource request after the guard; null when the path is not a v1 resource. */
export function routeV1(
  state: SandboxState,
  ctx: RequestContext,
  caller: V1Caller,
): SandboxResponse | null {
  if (ctx.method !== 'GET') return null;
  const path = ctx.path;
  const needs = (scope: Scope): boolean => caller.scopes.has(scope);
  if (path === '/v1/company/employees') {
    return needs(SCOPES.persons) ? listEmployees(state, ctx, caller) : v1Forbidden();
  }
  if (
    path === '/v1/company/employees/attributes' ||
    path === '/v1/company/employees/custom-attributes'
  ) {
    return needs(SCOPES.persons) ? listAttributes(state, caller) : v1Forbidden();
  }
  let m = EMPLOYEE_PATH.exec(path);
  if (m)
    return needs(SCOPES.persons) ? getEmployee(state, ctx, caller, Number(m[1])) : v1Forbidden();
  m = BALANCE_PATH.exec(path);
  if (m) return needs(SCOPES.absences) ? v1AbsenceBalance(state, Number(m[1])) : v1Forbidden();
  m = PICTURE_PATH.exec(path);
  if (m) {
    if (!needs(SCOPES.persons)) return v1Forbidden();
    const e = state.store.employee(Number(m[1]));
    const readable = caller.credential.readable;
    if (!e || !e.hasProfilePicture || (readable !== null && !readable.has('profile_picture'))) {
      return v1Error(404, 404, 'Es ist ein Problem aufgetreten ');
    }
    return { status: 200, headers: { 'content-type': 'image/png' }, body: PNG };
  }
  if (path === '/v1/company/time-off-types') {
    return needs(SCOPES.absences) ? v1TimeOffTypes(state, ctx) : v1Forbidden();
  }
  if (path === '/v1/company/time-offs') {
    return needs(SCOPES.absences) ? v1TimeOffs(state, ctx, caller.credential) : v1Forbidden();
  }
  m = TIME_OFF_PATH.exec(path);
  if (m)
    return needs(SCOPES.absences)
      ? v1TimeOff(state, ctx, caller.credential, m[1] ?? '')
      : v1Forbidden();
  if (path === '/v1/company/absence-periods') {
    return needs(SCOPES.absences) ? v1AbsencePeriods(state, ctx, caller.credential) : v1Forbidden();
  }
  return null;
}

function limitError(max: number): SandboxResponse {
  // The wording for limits above 100 is UNCERTAIN; this mirrors the older "between 1 and 200".
  return v1Error(400, 0, `The limit must be between 1 and ${max}.`);
}

const updatedCache = new WeakMap<SandboxState, ResultCache<readonly Employee[]>>();

function listEmployees(
  state: SandboxState,
  ctx: RequestContext,
  caller: V1Caller,
): SandboxResponse {
  const q = ctx.query;
  const quirks = state.options.quirks;
  let limit = parseIntParam(q.get('limit'));
  const offsetParam = parseIntParam(q.get('offset'));
  if (limit !== null && (Number.isNaN(limit) || limit < 1))
    return limitError(quirks.v1EmployeesMaxLimit);
  if (limit !== null && limit > quirks.v1EmployeesMaxLimit) {
    if (quirks.v1EmployeesOverLimit === 'error') return limitError(quirks.v1EmployeesMaxLimit);
    limit = quirks.v1EmployeesMaxLimit;
  }
  if (offsetParam !== null && Number.isNaN(offsetParam)) {
    return v1Error(400, 0, 'The offset must be a non-negative integer.');
  }
  const pageSize = limit ?? quirks.v1EmployeesDefaultLimit;
  const offset = offsetParam ?? 0;
  const projectionRaw = q.getAll('attributes[]');
  const projection = projectionRaw.length > 0 ? projectionRaw : null;
  const readable = caller.credential.readable;
  const specs = state.catalog.select(readable, projection);
  const sctx = serializeContext(state, ctx, caller.credential);
  const updatedSinceRaw = q.get('updated_since');

  let matching: readonly Employee[];
  let pageItems: readonly Employee[];
  let echoedOffset = offset;
  if (updatedSinceRaw !== null) {
    const since = parseInstant(updatedSinceRaw);
    if (since === null)
      return v1Error(400, 0, 'The updated_since parameter must be an ISO 8601 date.');
    // Only attributes the credential may read count, narrowed to attributes[] when given.
    const considered = specs.filter((s) => s.key !== 'id').map((s) => s.key);
    let cache = updatedCache.get(state);
    if (!cache) {
      cache = new ResultCache();
      updatedCache.set(state, cache);
    }
    matching = cache.get(`${since}|${considered.join(',')}`, state.store.version, () =>
      state.store
        .employees()
        .filter((e) => considered.some((key) => state.store.fieldChangedAt(e, key) > since)),
    );
    if (quirks.updatedSinceIgnoresPagination) {
      // Documented: email, limit and offset are ignored with updated_since.
      pageItems = matching;
      echoedOffset = 0;
    } else {
      pageItems = matching.slice(offset, offset + pageSize);
    }
  } else if (q.get('email') !== null) {
    const e = state.store.employeeByEmail(q.get('email') ?? '');
    matching = e ? [e] : [];
    pageItems = matching.slice(offset, offset + pageSize);
  } else {
    matching = state.store.employees();
    pageItems = matching.slice(offset, offset + pageSize);
  }
  const total = matching.length;
  const currentPage = Math.floor(echoedOffset / pageSize);
  const head = `{"success":true,"metadata":{"total_elements":${total},"current_page":${currentPage},"total_pages":${Math.ceil(total / pageSize)}},"offset":${echoedOffset},"limit":${pageSize},"data":[`;
  // Records come from the catalogue's cache of serialised employees (built on first use,
  // dropped on any mutation): a page is a list of buffers, not one string joined and encoded.
  const catalog = state.catalog;
  const chunks = catalog.pageChunks(head, pageItems, specs, sctx);
  const res = jsonChunks(200, chunks, { authorization: caller.authorization });
  res.page = currentPage + 1;
  const before = pageItems === matching ? undefined : matching[offset - 1];
  res.previousRecord = () => (before ? catalog.employee(before, specs, sctx) : null);
  return res;
}

function getEmployee(
  state: SandboxState,
  ctx: RequestContext,
  caller: V1Caller,
  id: number,
): SandboxResponse {
  const e = state.store.employee(id);
  if (!e) return v1Error(404, 404, 'Es ist ein Problem aufgetreten ');
  const specs = state.catalog.select(caller.credential.readable, null);
  const body = `{"success":true,"data":${state.catalog.employee(e, specs, serializeContext(state, ctx, caller.credential))}}`;
  return jsonText(200, body, { authorization: caller.authorization });
}

function listAttributes(state: SandboxState, caller: V1Caller): SandboxResponse {
  const specs = state.catalog.select(caller.credential.readable, null);
  return json(
    200,
    {
      success: true,
      data: specs.map((s) => ({
        key: s.key,
        label: s.label,
        type: s.type,
        universal_id: s.universalId,
        options: s.options,
      })),
    },
    { authorization: caller.authorization },
  );
}
