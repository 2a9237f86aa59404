/**
 * Owns fault injection: rules registered by tests (latency, 429 bursts, 5xx on the Nth request
 * or on page N, malformed or truncated bodies, connection resets, slow bodies, a wrong
 * `total_elements`, a v2 `next` link repeating the page, a v1 page that repeats the previous
 * page's last record) and the decision which rules fire for a request. It never writes to a
 * socket; the server carries out what `decide` returns.
 */

export type FaultKind =
  | 'latency'
  | 'status'
  | 'rate-limit'
  | 'malformed-body'
  | 'truncated-body'
  | 'connection-reset'
  | 'slow-body'
  | 'total-elements'
  | 'repeat-cursor'
  | 'duplicate-record';

export interface FaultRuleInput {
  kind: FaultKind;
  /** Exact request path, or a prefix ending in `*` (e.g. `/v1/company/employees*`). Any if absent. */
  path?: string;
  method?: string;
  /** Fire from the Nth matching request on (1-based, counted from when the rule was added). */
  nth?: number;
  /** Fire only for this 1-based page of a list (v1 offset / limit, v1 time-off page, v2 cursor page). */
  page?: number;
  /** How many times the rule fires before it is spent (default 1; 0 means unlimited). */
  times?: number;
  /** latency: delay before answering; slow-body: total time spent dribbling the body. */
  delayMs?: number;
  /** status: the HTTP status to answer with (default 500). */
  status?: number;
  /** total-elements: the value to report instead of the true one. */
  totalElements?: number;
  /**
   * rate-limit: the `Retry-After` value in seconds, always sent when given. Without it the 429
   * says 1 s, and only when the `retryAfterHeader` rate-limit option is on (as the real limiter).
   */
  retryAfterSeconds?: number;
}

export interface FaultRule extends Required<Pick<FaultRuleInput, 'kind'>> {
  id: string;
  input: FaultRuleInput;
  seen: number;
  fired: number;
}

export interface RequestFacts {
  method: string;
  path: string;
  page: number | undefined;
}

export class FaultInjector {
  private rules: FaultRule[] = [];
  private counter = 0;

  add(input: FaultRuleInput): FaultRule {
    validate(input);
    const rule: FaultRule = {
      id: `fault-${++this.counter}`,
      kind: input.kind,
      input: { ...input },
      seen: 0,
      fired: 0,
    };
    this.rules.push(rule);
    return rule;
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length !== before;
  }

  clear(): void {
    this.rules = [];
  }

  list(): FaultRule[] {
    return this.rules.slice();
  }

  get active(): boolean {
    return this.rules.length > 0;
  }

  /** The rules that fire for this request (each counted once); spent rules are dropped. */
  decide(facts: RequestFacts): FaultRule[] {
    if (this.rules.length === 0) return [];
    const firing: FaultRule[] = [];
    for (const rule of this.rules) {
      const r = rule.input;
      if (r.method && r.method.toUpperCase() !== facts.method) continue;
      if (r.path && !pathMatches(r.path, facts.path)) continue;
      if (r.page !== undefined && r.page !== facts.page) continue;
      rule.seen += 1;
      if (r.nth !== undefined && rule.seen < r.nth) continue;
      const times = r.times ?? 1;
      if (times !== 0 && rule.fired >= times) continue;
      rule.fired += 1;
      firing.push(rule);
    }
    this.rules = this.rules.filter(
      (r) => (r.input.times ?? 1) === 0 || r.fired < (r.input.times ?? 1),
    );
    return firing;
  }
}

function pathMatches(pattern: string, path: string): boolean {
  return pattern.endsWith('*') ? path.startsWith(pattern.slice(0, -1)) : pattern === path;
}

const KINDS: readonly FaultKind[] = [
  'latency',
  'status',
  'rate-limit',
  'malformed-body',
  'truncated-body',
  'connection-reset',
  'slow-body',
  'total-elements',
  'repeat-cursor',
  'duplicate-record',
];

function validate(input: FaultRuleInput): void {
  if (!KINDS.includes(input.kind)) throw new Error(`unknown fault kind ${String(input.kind)}`);
  const numeric = [
    'nth',
    'page',
    'times',
    'delayMs',
    'status',
    'totalElements',
    'retryAfterSeconds',
  ] as const;
  for (const key of numeric) {
    const v = input[key];
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 0)) {
      throw new Error(`${key} must be a non-negative integer`);
    }
  }
  if (input.status !== undefined && (input.status < 400 || input.status > 599)) {
    throw new Error('status must be 4xx or 5xx');
  }
}
