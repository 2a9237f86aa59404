/**
 * Owns the sandbox's behaviour switches: every point REFERENCE.md marks UNCERTAIN is a switch
 * here, defaulting to what the documents say (or, where they disagree, to the most recent
 * official statement). Nothing else decides these questions; routes only read the switches.
 */

/** A token bucket: `capacity` requests at once, refilled at `refillPerSecond`. */
export interface BucketLimit {
  capacity: number;
  refillPerSecond: number;
}

/** A counting window that, once exceeded, locks the key for `lockMs` (v1 auth cool-down). */
export interface WindowLimit {
  limit: number;
  windowMs: number;
  lockMs: number;
  /** During the lock, requests still admitted per second (v2 auth: 1/s); 0 admits none. */
  perSecondDuringLock: number;
}

export interface RateLimitOptions {
  enabled: boolean;
  /** POST /v1/auth: 60/min, then a 60 s cool-down [REFERENCE 3.3]. Per client IP. */
  v1Auth: WindowLimit;
  /** POST /v2/auth/token: 150/min, then 1 request/s for 60 s [REFERENCE 4.1]. Per client IP. */
  v2Auth: WindowLimit;
  /** GET /v1/company/employees*: 300/min with bursts of 15/s [REFERENCE 3.3]. Per credential. */
  v1Employees: BucketLimit;
  /** Every v1 endpoint, per client IP: 2000/min [REFERENCE 3.3]. */
  v1PerIp: BucketLimit;
  /** v2 resources per endpoint and credential; observed values, UNCERTAIN [REFERENCE 4.9]. */
  v2: { persons: BucketLimit; absencePeriods: BucketLimit; other: BucketLimit };
  /** Retry-After on 429: undocumented for v1, observed absent on v2 (UNCERTAIN). */
  retryAfterHeader: boolean;
}

export interface QuirkOptions {
  /** Page size of v1 employees when `limit` is omitted: 50 (2024/25 guide) vs 10 (spec). UNCERTAIN. */
  v1EmployeesDefaultLimit: number;
  /** Largest accepted v1 employees `limit` (100 since Jan 2025). */
  v1EmployeesMaxLimit: number;
  /** What a larger `limit` does: documented as invalid; the exact answer is UNCERTAIN. */
  v1EmployeesOverLimit: 'error' | 'clamp';
  /** The spec says `updated_since` makes `email`, `limit`, `offset` ignored (UNCERTAIN today). */
  updatedSinceIgnoresPagination: boolean;
  /** v1 supervisor value: only `id` (current example) or id + names + email (older ShortEmployee). */
  supervisorAttributes: 'id' | 'short';
  /** v1 time-off date window: fully contained (forum report) or overlapping. UNCERTAIN. */
  timeOffWindow: 'contained' | 'overlapping';
  /** v1 time-off half-day flags: integers 0/1 (real responses) or booleans (spec schema). */
  timeOffHalfDayAs: 'integer' | 'boolean';
  /** v1 absence-periods `offset`: record offset (parameter text) or page number. UNCERTAIN. */
  absencePeriodsOffset: 'record' | 'page';
  /** v1 absence-periods `measurement_unit` value; examples disagree (hour, hours, minutes). */
  absencePeriodsMeasurementUnit: 'hour' | 'hours' | 'minutes';
  /** Query-string credentials on POST /v1/auth: refused with 403 after the 2026 deprecation. */
  v1AuthQueryString: 'refuse' | 'allow';
  /** Legacy v1 mode: one-time tokens rotated through the Authorization response header. */
  v1LegacyOneTimeTokens: boolean;
  /** Whether a token from /v1/auth works on v2 and vice versa (both `papi-`). UNCERTAIN. */
  crossGenerationTokens: boolean;
  /** v1 `tags` custom attribute values: JSON array or comma-separated string. UNCERTAIN. */
  v1TagsValue: 'array' | 'string';
  /** v2 custom attribute `type`: lowercase as in every official example, or the schema's enum. */
  v2CustomAttributeTypeCase: 'lower' | 'upper';
  /** v2 fields without a value: omitted (the spec declares none nullable) or sent as null. */
  v2EmptyFields: 'omit' | 'null';
}

export interface SandboxOptions {
  quirks: QuirkOptions;
  rateLimits: RateLimitOptions;
  /** Token lifetime in seconds (86400 for both generations). */
  tokenTtlSeconds: number;
}

export const DEFAULT_RATE_LIMITS: RateLimitOptions = {
  enabled: true,
  v1Auth: { limit: 60, windowMs: 60_000, lockMs: 60_000, perSecondDuringLock: 0 },
  v2Auth: { limit: 150, windowMs: 60_000, lockMs: 60_000, perSecondDuringLock: 1 },
  v1Employees: { capacity: 15, refillPerSecond: 5 },
  v1PerIp: { capacity: 2000, refillPerSecond: 2000 / 60 },
  v2: {
    persons: { capacity: 30, refillPerSecond: 30 },
    absencePeriods: { capacity: 10, refillPerSecond: 10 },
    other: { capacity: 30, refillPerSecond: 30 },
  },
  retryAfterHeader: false,
};

export const DEFAULT_QUIRKS: QuirkOptions = {
  v1EmployeesDefaultLimit: 50,
  v1EmployeesMaxLimit: 100,
  v1EmployeesOverLimit: 'error',
  updatedSinceIgnoresPagination: true,
  supervisorAttributes: 'id',
  timeOffWindow: 'contained',
  timeOffHalfDayAs: 'integer',
  absencePeriodsOffset: 'record',
  absencePeriodsMeasurementUnit: 'hour',
  v1AuthQueryString: 'refuse',
  v1LegacyOneTimeTokens: false,
  crossGenerationTokens: true,
  v1TagsValue: 'array',
  v2CustomAttributeTypeCase: 'lower',
  v2EmptyFields: 'omit',
};

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

export function resolveRateLimits(
  rl: DeepPartial<RateLimitOptions> | false | undefined,
): RateLimitOptions {
  if (rl === false) return { ...DEFAULT_RATE_LIMITS, enabled: false };
  return {
    enabled: rl?.enabled ?? DEFAULT_RATE_LIMITS.enabled,
    v1Auth: { ...DEFAULT_RATE_LIMITS.v1Auth, ...rl?.v1Auth },
    v2Auth: { ...DEFAULT_RATE_LIMITS.v2Auth, ...rl?.v2Auth },
    v1Employees: { ...DEFAULT_RATE_LIMITS.v1Employees, ...rl?.v1Employees },
    v1PerIp: { ...DEFAULT_RATE_LIMITS.v1PerIp, ...rl?.v1PerIp },
    v2: {
      persons: { ...DEFAULT_RATE_LIMITS.v2.persons, ...rl?.v2?.persons },
      absencePeriods: { ...DEFAULT_RATE_LIMITS.v2.absencePeriods, ...rl?.v2?.absencePeriods },
      other: { ...DEFAULT_RATE_LIMITS.v2.other, ...rl?.v2?.other },
    },
    retryAfterHeader: rl?.retryAfterHeader ?? DEFAULT_RATE_LIMITS.retryAfterHeader,
  };
}

export function resolveOptions(input: {
  quirks?: Partial<QuirkOptions>;
  rateLimits?: DeepPartial<RateLimitOptions> | false;
  tokenTtlSeconds?: number;
}): SandboxOptions {
  return {
    quirks: { ...DEFAULT_QUIRKS, ...input.quirks },
    rateLimits: resolveRateLimits(input.rateLimits),
    tokenTtlSeconds: input.tokenTtlSeconds ?? 86_400,
  };
}
