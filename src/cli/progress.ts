/**
 * Shows a sync run's `progress` while `sync run` polls it. On a terminal: one line redrawn in
 * place with a bar over the run's phases (the API gives no total, so the bar counts phases, not
 * records). Otherwise (CI logs, pipes): a plain line whenever the status or phase changes.
 */
import { type CliStream } from './io';

export interface RunProgressView {
  status: string;
  progress: { resource: string | null; pages: number; records: number };
}

/** The order a run reads and writes in (src/sync/engine/read-phase.ts resourcesRead). */
export const RUN_PHASES = [
  'employees',
  'teams',
  'positions',
  'absence_types',
  'absences',
  'applying',
] as const;

const BAR_WIDTH = 24;
const FINISHED = new Set(['succeeded', 'failed', 'needs_confirmation']);

/** Share of the run's phases reached: 0 while queued, 1 once it ended. */
export function phaseShare(run: RunProgressView): number {
  if (FINISHED.has(run.status)) return 1;
  if (run.status !== 'running' || run.progress.resource === null) return 0;
  const index = RUN_PHASES.indexOf(run.progress.resource as (typeof RUN_PHASES)[number]);
  return index < 0 ? 0 : (index + 1) / RUN_PHASES.length;
}

export function renderBar(share: number, width = BAR_WIDTH): string {
  const filled = Math.round(Math.min(1, Math.max(0, share)) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;

/** What the run is doing, in words: "reading employees: 3 pages, 120 records". */
export function describeProgress(run: RunProgressView): string {
  const { resource, pages, records } = run.progress;
  const counts = `${plural(pages, 'page')}, ${plural(records, 'record')}`;
  if (run.status === 'queued') return 'queued, waiting for a worker';
  if (run.status !== 'running') return `${run.status.replace('_', ' ')}: ${counts} read`;
  if (resource === 'applying') return `applying changes (${counts} read)`;
  if (resource === null) return `running: ${counts} read`;
  return `reading ${resource.replace('_', ' ')}: ${counts} read`;
}

export function renderProgressLine(run: RunProgressView, elapsedMs: number): string {
  return `${renderBar(phaseShare(run))} ${describeProgress(run)} (${(elapsedMs / 1000).toFixed(1)} s)`;
}

export class ProgressReporter {
  private drawn = false;
  private lastPlain = '';
  private readonly started: number;

  constructor(
    private readonly stream: CliStream,
    private readonly now: () => number = Date.now,
  ) {
    this.started = now();
  }

  update(run: RunProgressView): void {
    if (this.stream.isTTY) {
      const line = renderProgressLine(run, this.now() - this.started);
      const width =
        this.stream.columns && this.stream.columns > 20 ? this.stream.columns - 1 : line.length;
      // Carriage return and erase-line: redraw in place rather than scroll.
      this.stream.write(`\r\x1b[2K${line.slice(0, width)}`);
      this.drawn = true;
      return;
    }
    // Plain lines change only with the phase, so a log gets a handful, not one per poll.
    const key = `${run.status}:${run.progress.resource ?? ''}`;
    if (key === this.lastPlain) return;
    this.lastPlain = key;
    this.stream.write(`${describeProgress(run)}\n`);
  }

  /** Ends the redrawn line so what follows starts on its own. */
  finish(): void {
    if (this.drawn) this.stream.write('\n');
    this.drawn = false;
  }
}
