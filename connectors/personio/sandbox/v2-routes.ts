/**
 * Owns the v2 resource routing: which path goes to which handler and which scope it needs.
 * Persons and employments follow the official v2 spec files; org units, legal entities and
 * absences follow REFERENCE.md. Handlers live in v2-persons.ts, v2-organisation.ts and
 * v2-absences.ts; shared pieces in v2-common.ts.
 */
import type { Scope } from './auth';
import { SCOPES } from './auth';
import type { RequestContext, SandboxState } from './context';
import type { SandboxResponse } from './http-util';
import { V2_BAD_REQUEST, V2_NOT_FOUND, json, v2Problem } from './http-util';
import type { Employee } from './model';
import {
  absenceBreakdowns,
  absencePeriodJson,
  absenceTypeJson,
  listAbsencePeriods,
} from './v2-absences';
import type { V2Caller } from './v2-common';
import { FORBIDDEN, listRequest, offsetPage } from './v2-common';
import {
  legalEntityJson,
  listWorkplaces,
  listLegalEntities,
  listOrgUnits,
  orgUnitJson,
  orgUnitType,
} from './v2-organisation';
import { employmentJson, listEmployments, listPersons, personJson } from './v2-persons';

export { v2Guard, v2LimitFor } from './v2-common';

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
  if (path === '/v2/workplaces') return listWorkplaces(state, ctx);
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
