/**
 * Owns v2 organisation resources as far as REFERENCE.md knows them: org units (departments and
 * teams, `type` required, optional parent chain) and legal entities (v1 subcompanies).
 */
import type { RequestContext, SandboxState } from './context';
import type { SandboxResponse } from './http-util';
import { V2_BAD_REQUEST, v2Problem } from './http-util';
import type { OrgUnit } from './model';
import { listRequest, offsetPage } from './v2-common';

export function orgUnitJson(
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

export function orgUnitType(
  state: SandboxState,
  query: URLSearchParams,
): Map<number, OrgUnit> | null {
  const type = query.get('type');
  if (type === 'department') return state.store.departments;
  if (type === 'team') return state.store.teams;
  return null;
}

export function listOrgUnits(state: SandboxState, ctx: RequestContext): SandboxResponse {
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

export function legalEntityJson(entity: {
  id: number;
  name: string;
  country: string;
}): Record<string, unknown> {
  // Response fields are not documented (UNCERTAIN) [REFERENCE 4.6].
  return { id: String(entity.id), name: entity.name, country: entity.country };
}

export function listLegalEntities(state: SandboxState, ctx: RequestContext): SandboxResponse {
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

/** `GET /v2/workplaces` (offices): id and name, paged like the other v2 lists [REFERENCE 4.8]. */
export function listWorkplaces(state: SandboxState, ctx: RequestContext): SandboxResponse {
  const now = state.clock.now();
  const req = listRequest(ctx, 20, 100);
  if (!req.ok) return v2Problem(400, req.problem, now);
  const items = Array.from(state.store.offices.values()).sort((a, b) => a.id - b.id);
  return offsetPage(ctx, req.value, items, (o) => ({ id: String(o.id), name: o.name }));
}
