/**
 * When a failed delivery is tried again. Exponential steps over about a day (5 s to 10 h,
 * ~27.6 h in all), each with ±10% jitter so endpoints that failed together do not retry
 * together. A 429's Retry-After is honoured as a floor. Pure: the caller gives time and chance.
 */
export const RETRY_DELAYS_MS: readonly number[] = [
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  10 * 3_600_000,
];

/** The first attempt plus one per retry step. */
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;

/** An endpoint failing this long without a single 2xx is disabled. */
export const DISABLE_AFTER_FAILING_MS = 3 * 24 * 3_600_000;

/** A Retry-After beyond this is treated as this: a receiver cannot park a delivery for weeks. */
export const MAX_RETRY_AFTER_MS = 24 * 3_600_000;

const JITTER = 0.1;

/**
 * Delay before the attempt after `attemptsMade` attempts (1-based count of attempts so far),
 * or null when none is left. `random` is in [0, 1).
 */
export function retryDelayMs(
  attemptsMade: number,
  retryAfterMs: number | null,
  random: number,
): number {
  const step = RETRY_DELAYS_MS[Math.min(attemptsMade, RETRY_DELAYS_MS.length) - 1] ?? 0;
  const jittered = Math.round(step * (1 - JITTER + 2 * JITTER * random));
  return Math.max(jittered, Math.min(retryAfterMs ?? 0, MAX_RETRY_AFTER_MS));
}

/** Retry-After as delta-seconds or an HTTP date (RFC 9110 §10.2.3); null when absent or bad. */
export function parseRetryAfter(value: string | undefined, now: Date): number | null {
  if (value === undefined) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // An HTTP date always ends in GMT; Date.parse alone would take "-5" for the year -5.
  if (!/ GMT$/.test(trimmed)) return null;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now.getTime());
}
