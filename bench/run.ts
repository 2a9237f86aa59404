/**
 * `npm run bench`: runs every bench/*.bench.ts (compiled into dist/bench), in turn so they do
 * not compete for the two cores, and records the figures with the machine they ran on:
 * bench/results/latest.json (machine-readable) and bench/RESULTS.md (the table the README cites).
 * `npm run bench -- health` runs only the benchmarks whose name contains "health" and keeps the
 * other benchmarks' last recorded figures, so a partial run never drops rows. The README gets
 * the same figures with their targets (`npm run bench -- --render` re-renders both from
 * bench/results/latest.json without running anything).
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../src/common/project-root';
import { applyHeapGrowingPercent } from '../src/common/runtime/heap-tuning';
import { loadConfig } from '../src/config/app-config';
import { type BenchResult, type Benchmark } from './benchmark';

interface Recorded extends BenchResult {
  benchmark: string;
  recorded_at?: string;
}

function previousResults(file: string): Recorded[] {
  if (!existsSync(file)) return [];
  const previous = JSON.parse(readFileSync(file, 'utf8')) as {
    recorded_at?: string;
    results?: Recorded[];
  };
  return (previous.results ?? []).map((r) => ({
    ...r,
    recorded_at: r.recorded_at ?? previous.recorded_at,
  }));
}

function machine(): Record<string, string | number> {
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memory_gib: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

function markdown(
  results: Recorded[],
  when: string,
  host: Record<string, string | number>,
): string {
  const rows = results.flatMap((r) =>
    r.metrics.map(
      (m) =>
        `| ${r.benchmark} | ${r.setup} | ${m.name} | ${m.value.toLocaleString('en-US')} ${m.unit} | ${m.target ?? ''} | ${(r.recorded_at ?? when).slice(0, 16).replace('T', ' ')} |`,
    ),
  );
  return [
    '# Benchmark results',
    '',
    `Written ${when} by \`npm run bench\` (each row says when it was measured) on ${host.cores} cores (${host.cpu}), ${host.memory_gib} GiB, Node ${host.node}, ${host.platform}.`,
    '',
    '| benchmark | setup | metric | value | target | recorded (UTC) |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

const README_START = '<!-- bench-table:start (written by npm run bench) -->';
const README_END = '<!-- bench-table:end -->';

/**
 * The setup's first two clauses without parenthesised detail ("initial sync in a gateway
 * process, 100,000 employees"): enough to tell rows of one benchmark apart in the README.
 */
const shortSetup = (setup: string): string =>
  setup
    .replace(/\s*\([^()]*\)/g, '')
    .split(/; |, /)
    .slice(0, 2)
    .join(', ')
    .trim();

/**
 * The README's copy of the table: every figure with its target, the setup shortened (the full
 * setup stays in RESULTS.md). Written between two markers, so the prose around it is kept.
 */
function writeReadmeTable(results: Recorded[], when: string): void {
  const file = join(projectRoot(), 'README.md');
  const readme = readFileSync(file, 'utf8');
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start < 0 || end < start) {
    process.stdout.write('README.md has no benchmark table markers; left as it is\n');
    return;
  }
  const rows = results.flatMap((r) =>
    r.metrics.map(
      (m) =>
        `| ${r.benchmark} | ${shortSetup(r.setup)} | ${m.name} | ${m.value.toLocaleString('en-US')} ${m.unit} | ${m.target ?? ''} | ${(r.recorded_at ?? when).slice(0, 10)} |`,
    ),
  );
  const table = [
    README_START,
    '',
    '| benchmark | setup (full text in bench/RESULTS.md) | metric | value | target | measured |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    README_END,
  ].join('\n');
  writeFileSync(file, readme.slice(0, start) + table + readme.slice(end + README_END.length));
  process.stdout.write('wrote the benchmark table into README.md\n');
}

async function main(filter?: string): Promise<void> {
  if (filter === '--render') {
    // Re-render RESULTS.md and the README's table from the last recorded figures, running nothing.
    const latest = join(projectRoot(), 'bench', 'results', 'latest.json');
    const recorded = JSON.parse(readFileSync(latest, 'utf8')) as { recorded_at: string };
    const results = previousResults(latest);
    writeFileSync(
      join(projectRoot(), 'bench', 'RESULTS.md'),
      markdown(results, recorded.recorded_at, machine()),
    );
    writeReadmeTable(results, recorded.recorded_at);
    return;
  }
  // In-process gateways run under the heap settings `npm start` gives the gateway process.
  applyHeapGrowingPercent(
    loadConfig({ HEAP_GROWING_PERCENT: process.env.HEAP_GROWING_PERCENT }).heapGrowingPercent,
  );
  const dir = __dirname;
  const files = readdirSync(dir)
    .filter((f) => /\.bench\.js$/.test(f))
    .sort();
  const when = new Date().toISOString();
  const fresh: Recorded[] = [];
  const ran = new Set<string>();
  for (const file of files) {
    const { benchmark } = (await import(join(dir, file))) as { benchmark: Benchmark };
    if (filter && !benchmark.name.includes(filter)) continue;
    ran.add(benchmark.name);
    process.stdout.write(`running ${benchmark.name} ...\n`);
    for (const result of await benchmark.run()) {
      fresh.push({ benchmark: benchmark.name, recorded_at: when, ...result });
      for (const m of result.metrics)
        process.stdout.write(`  ${result.setup}: ${m.name} = ${m.value} ${m.unit}\n`);
    }
  }
  const host = machine();
  const out = join(projectRoot(), 'bench');
  const latest = join(out, 'results', 'latest.json');
  const kept = previousResults(latest).filter((r) => !ran.has(r.benchmark));
  const results = [...fresh, ...kept].sort((a, b) => a.benchmark.localeCompare(b.benchmark));
  mkdirSync(join(out, 'results'), { recursive: true });
  writeFileSync(
    latest,
    `${JSON.stringify({ recorded_at: when, machine: host, results }, null, 2)}\n`,
  );
  writeFileSync(join(out, 'RESULTS.md'), markdown(results, when, host));
  process.stdout.write(`wrote bench/RESULTS.md and bench/results/latest.json\n`);
  writeReadmeTable(results, when);
}

main(process.argv[2]).catch((error: unknown) => {
  process.stderr.write(`benchmark failed: ${String(error)}\n`);
  process.exit(1);
});
