/**
 * Which events an endpoint wants: exact types (`employee.created`), a family (`employee.*`) or
 * everything (`*`). Patterns are checked against the known types when registered, so a typo is
 * a 400 instead of an endpoint that silently never hears anything. The rule itself runs in SQL
 * during fan-out and replay (`matchesSql`), proven against PostgreSQL in test/medium.
 */
import { EVENT_TYPES } from '../events/event-types';

export const MAX_EVENT_TYPE_PATTERNS = 50;

const FAMILIES = new Set(EVENT_TYPES.map((type) => type.slice(0, type.indexOf('.'))));

/** Null when valid, else why not. */
export function eventPatternProblem(pattern: string): string | null {
  if (pattern === '*') return null;
  if (pattern.endsWith('.*')) {
    const family = pattern.slice(0, -2);
    return FAMILIES.has(family)
      ? null
      : `"${pattern}" names no event family (known: ${[...FAMILIES].join(', ')})`;
  }
  return (EVENT_TYPES as readonly string[]).includes(pattern)
    ? null
    : `"${pattern}" is not an event type (see the Event schema; wildcards: "family.*" or "*")`;
}

/**
 * Whether an event's `type` matches an endpoint's `event_types` patterns: exact, `family.*` or
 * `*` (both arguments are SQL expressions).
 */
export function matchesSql(patterns: string, type: string): string {
  return `EXISTS (SELECT 1 FROM unnest(${patterns}) AS p(pattern)
    WHERE p.pattern = '*' OR p.pattern = ${type}
       OR (right(p.pattern, 2) = '.*' AND starts_with(${type}, left(p.pattern, -1))))`;
}
