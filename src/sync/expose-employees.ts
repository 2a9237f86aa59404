/**
 * Owns one step of a run: a page of employees as the connector mapped them becomes the exposed
 * employees in scope, the ids out of scope (for `left_scope`), and the mapping issues met. It
 * composes scope.ts and field-mapping.ts in the one order that is right (scope first, on
 * Personio's values; mapping second) so the sync service and the dry-run preview cannot differ.
 */
import type { RemoteId, UnifiedEmployee } from '../../connectors/unified';
import {
  applyFieldMapping,
  type ExposedEmployee,
  type MappingIssue,
  type MappingPlan,
} from './field-mapping';
import { decideScope, type ScopePlan, type ScopeReason } from './scope';

export interface ExposedPage {
  exposed: ExposedEmployee[];
  outOfScope: RemoteId[];
  /** Why each out-of-scope employee is out (the preview counts and samples these). */
  excluded: Array<{ remote_id: RemoteId; reason: ScopeReason }>;
  /** Per-employee mapping issues (invalid values); per-entry issues come from compile time. */
  issues: MappingIssue[];
}

export function exposeEmployees(
  page: readonly UnifiedEmployee[],
  plans: { scope: ScopePlan; mapping: MappingPlan },
): ExposedPage {
  const out: ExposedPage = { exposed: [], outOfScope: [], excluded: [], issues: [] };
  for (const employee of page) {
    const decision = decideScope(employee, plans.scope);
    if (!decision.in) {
      out.outOfScope.push(employee.remote_id);
      out.excluded.push({ remote_id: employee.remote_id, reason: decision.reason });
      continue;
    }
    const mapped = applyFieldMapping(employee, plans.mapping);
    out.exposed.push(mapped.employee);
    out.issues.push(...mapped.issues);
  }
  return out;
}
