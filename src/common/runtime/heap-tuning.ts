/**
 * Owns how far the gateway process lets V8's heap grow. A sync streams hundreds of megabytes of
 * short-lived JSON through the heap while holding little (its live set stays near 80 MB at
 * 100,000 employees); pages in flight survive a young-generation collection or two and are
 * promoted, so the old generation fills with garbage between full collections. V8 sizes the
 * next limit from the last live size times a factor it raises up to 4 when the process
 * allocates fast, and a no-change re-sync of 100,000 employees then peaked near 400-480 MB
 * RSS. A fixed factor of 2 (100%) kept the same run at ~235 MB for about the same time
 * (bench/sync.bench.ts; README "Benchmarks"). HEAP_GROWING_PERCENT sets it; 0 leaves V8's own
 * heuristics. Applied by the process entry points (src/main.ts, and the benchmark process that
 * hosts an in-process gateway), never by a library: it is process-wide.
 */
import { setFlagsFromString } from 'node:v8';

export function applyHeapGrowingPercent(percent: number): void {
  if (!Number.isInteger(percent) || percent < 0) {
    throw new RangeError('heap growing percent must be a non-negative integer');
  }
  // V8 reads this flag whenever it sizes the heap after a collection, so setting it at run time
  // takes effect from the next full collection on.
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}
