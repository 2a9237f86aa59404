/**
 * Owns selective sync: whether one employee is in a connection's scope (statuses, employment
 * types, a custom-attribute rule) and, when not, why. Decided on the employee as the connector
 * mapped it, before any field mapping, because a rule names a Personio attribute and its values
 * as Personio presents them ("Yes"/"No"). It never drops anyone itself; the caller keeps the
 * out-of-scope ids so the diff can say `left_scope`.
 */
import type { CustomAttributeDefinition, UnifiedEmployee } from '../../connectors/unified';
import type { SyncScopeDto } from '../connections/dto/connection-settings.dto';
import { resolveAttributeKey } from './attribute-key';

/** A scope checked against the attribute catalog once per run. */
export interface ScopePlan {
  /** null: any status (the setting is absent or empty). */
  statuses: ReadonlySet<string> | null;
  employmentTypes: ReadonlySet<string> | null;
  rule: ScopeRulePlan | null;
}

export interface ScopeRulePlan {
  /** As the settings name it (key or label). */
  attribute: string;
  /** The `custom_fields` key; null when the attribute is unknown (then nobody is in scope). */
  key: string | null;
  /** Accepted values, trimmed; empty: any value will do, but there must be one. */
  equals: readonly string[];
}

export type ScopeIssue = { code: 'unknown_attribute'; attribute: string };

export type ScopeReason =
  | { code: 'status'; value: string | null }
  | { code: 'employment_type'; value: string | null }
  | { code: 'attribute_unknown'; attribute: string }
  | { code: 'attribute_missing'; attribute: string }
  | { code: 'attribute_mismatch'; attribute: string; value: unknown };

export type ScopeDecision = { in: true } | { in: false; reason: ScopeReason };

export type ScopedEmployee = Pick<UnifiedEmployee, 'status' | 'employment_type' | 'custom_fields'>;

/**
 * An empty `statuses` or `employment_types` list means no restriction, like an absent one: "only
 * these: none" would empty the connection, which nobody asks for on purpose (and the deletion
 * guard would hold it anyway).
 */
export function compileScope(
  scope: SyncScopeDto | undefined,
  catalog: readonly CustomAttributeDefinition[],
): { plan: ScopePlan; issues: ScopeIssue[] } {
  const issues: ScopeIssue[] = [];
  const setOf = (list: readonly string[] | undefined): ReadonlySet<string> | null =>
    list === undefined || list.length === 0 ? null : new Set(list);
  let rule: ScopeRulePlan | null = null;
  if (scope?.attribute_rule) {
    const { attribute, equals } = scope.attribute_rule;
    const resolved = resolveAttributeKey(catalog, attribute);
    if (!resolved) issues.push({ code: 'unknown_attribute', attribute });
    rule = {
      attribute,
      key: resolved?.key ?? null,
      equals: equals.map((value) => value.trim()),
    };
  }
  return {
    plan: {
      statuses: setOf(scope?.statuses),
      employmentTypes: setOf(scope?.employment_types),
      rule,
    },
    issues,
  };
}

/** A plan that lets everyone in (no scope configured). */
export const UNRESTRICTED_SCOPE: ScopePlan = { statuses: null, employmentTypes: null, rule: null };

export function decideScope(employee: ScopedEmployee, plan: ScopePlan): ScopeDecision {
  if (plan.statuses && !plan.statuses.has(employee.status ?? '')) {
    return { in: false, reason: { code: 'status', value: employee.status } };
  }
  if (plan.employmentTypes && !plan.employmentTypes.has(employee.employment_type ?? '')) {
    return { in: false, reason: { code: 'employment_type', value: employee.employment_type } };
  }
  const rule = plan.rule;
  if (rule) {
    if (rule.key === null) {
      return { in: false, reason: { code: 'attribute_unknown', attribute: rule.attribute } };
    }
    const value = employee.custom_fields[rule.key];
    if (!hasValue(value)) {
      return { in: false, reason: { code: 'attribute_missing', attribute: rule.attribute } };
    }
    if (rule.equals.length > 0 && !matches(value, rule.equals)) {
      return {
        in: false,
        reason: { code: 'attribute_mismatch', attribute: rule.attribute, value },
      };
    }
  }
  return { in: true };
}

/** One sentence for the dry-run preview and the run record. */
export function describeScopeReason(reason: ScopeReason): string {
  switch (reason.code) {
    case 'status':
      return `status ${reason.value ?? '(none)'} is not in the scope's statuses`;
    case 'employment_type':
      return `employment type ${reason.value ?? '(none)'} is not in the scope's employment types`;
    case 'attribute_unknown':
      return `the attribute "${reason.attribute}" is not readable with these credentials`;
    case 'attribute_missing':
      return `no value for the attribute "${reason.attribute}"`;
    case 'attribute_mismatch':
      return `the attribute "${reason.attribute}" does not have an accepted value`;
  }
}

function hasValue(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value === 'string') return value.trim() !== '';
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

/**
 * Values are compared as Personio presents them: text exactly (case matters: "Yes" is not
 * "yes"; only surrounding spaces are ignored), numbers by value ("100" and "100.0" both accept
 * 100), booleans as "true"/"false", and a tags attribute matches when any one tag does.
 */
function matches(value: unknown, equals: readonly string[]): boolean {
  if (Array.isArray(value)) return value.some((item) => matches(item, equals));
  switch (typeof value) {
    case 'string':
      return equals.includes(value.trim());
    case 'number':
      return equals.some((e) => e !== '' && Number(e) === value);
    case 'boolean':
      return equals.includes(String(value));
    default:
      return false;
  }
}
