/**
 * `npm run bench`: runs every bench/*.bench.ts (compiled into dist/bench), in turn so they do
 * not compete for the two cores, and records the figures with the machine they ran on:
 * bench/results/latest.json (machine-readable) and bench/RESULTS.md (the table the README cites).
 * `npm run bench -- health` runs only the benchmarks whose name contains "health".
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../src/common/project-root';
import { type BenchResult, type Benchmark } from './benchmark';

interface Recorded extends BenchResult {
  benchmark: string;
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
        `| ${r.benchmark} | ${r.setup} | ${m.name} | ${m.value.toLocaleString('en-US')} ${m.unit} |`,
    ),
  );
  return [
    '# Benchmark results',
    '',
    `Recorded ${when} by \`npm run bench\` on ${host.cores} cores (${host.cpu}), ${host.memory_gib} GiB, Node ${host.node}, ${host.platform}.`,
    '',
    '| benchmark | setup | metric | value |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

async function main(filter?: string): Promise<void> {
  const dir = __dirname;
  const files = readdirSync(dir)
    .filter((f) => /\.bench\.js$/.test(f))
    .sort();
  const results: Recorded[] = [];
  for (const file of files) {
    const { benchmark } = (await import(join(dir, file))) as { benchmark: Benchmark };
    if (filter && !benchmark.name.includes(filter)) continue;
    process.stdout.write(`running ${benchmark.name} ...\n`);
    for (const result of await benchmark.run()) {
      results.push({ benchmark: benchmark.name, ...result });
      for (const m of result.metrics)
        process.stdout.write(`  ${result.setup}: ${m.name} = ${m.value} ${m.unit}\n`);
    }
  }
  const when = new Date().toISOString();
  const host = machine();
  const out = join(projectRoot(), 'bench');
  mkdirSync(join(out, 'results'), { recursive: true });
  writeFileSync(
    join(out, 'results', 'latest.json'),
    `${JSON.stringify({ recorded_at: when, machine: host, results }, null, 2)}\n`,
  );
  writeFileSync(join(out, 'RESULTS.md'), markdown(results, when, host));
  process.stdout.write(`wrote bench/RESULTS.md and bench/results/latest.json\n`);
}

main(process.argv[2]).catch((error: unknown) => {
  process.stderr.write(`benchmark failed: ${String(error)}\n`);
  process.exit(1);
});
