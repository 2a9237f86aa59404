/**
 * The shape every benchmark in bench/ shares. `npm run bench` discovers `bench/*.bench.ts`
 * (compiled to dist/bench/*.bench.js), runs each `benchmark.run()` in turn and writes
 * bench/results/latest.json and bench/RESULTS.md with the machine it ran on.
 */
export interface Metric {
  /** What was measured, e.g. "requests per second" or "p99 latency". */
  name: string;
  value: number;
  /** Unit as a reader expects it: "req/s", "ms", "records/s", "MiB". */
  unit: string;
  /** The issue's target for this figure, as written there (e.g. "<= 1.5x"), when it has one. */
  target?: string;
}

export interface BenchResult {
  /** Conditions that matter to read the figures: sizes, counts, settings. */
  setup: string;
  metrics: Metric[];
}

export interface Benchmark {
  /** Short, stable name: it is the row key in RESULTS.md. */
  name: string;
  run(): Promise<BenchResult[]>;
}
