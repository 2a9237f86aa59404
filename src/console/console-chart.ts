/**
 * The run chart of a connection as inline SVG: one bar per run for its duration, one point per
 * run for the records it changed, oldest on the left. No script and no style attribute (the
 * page's CSP allows neither): colours come from classes in the console stylesheet, and each
 * bar and point carries a <title> that browsers show on hover.
 */
import { html, type SafeHtml } from './html';

export interface ChartRun {
  id: string;
  status: string;
  queuedAt: Date;
  /** Null while queued or running. */
  durationMs: number | null;
  /** Records created, updated or deleted, over every resource. */
  changes: number;
}

const WIDTH = 720;
const HEIGHT = 220;
const PAD = { top: 16, right: 56, bottom: 28, left: 56 };

/** A round upper bound for an axis (1, 2, 5 x 10^n), never 0. */
export function niceMax(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 5, 10].find((m) => m * power >= value) ?? 10;
  return step * power;
}

function formatMs(ms: number): string {
  return ms >= 10_000
    ? `${Math.round(ms / 1000)} s`
    : ms >= 1000
      ? `${(ms / 1000).toFixed(1)} s`
      : `${ms} ms`;
}

/** `runs` oldest first. */
export function renderRunChart(runs: ChartRun[]): SafeHtml {
  if (runs.length === 0) {
    return html`<p class="muted" id="run-chart-empty">No runs yet: nothing to chart.</p>`;
  }
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const maxDuration = niceMax(Math.max(...runs.map((r) => r.durationMs ?? 0)));
  const maxChanges = niceMax(Math.max(...runs.map((r) => r.changes)));
  const slot = plotW / runs.length;
  const barW = Math.max(2, Math.min(40, slot * 0.6));
  const y = (value: number, max: number): number => PAD.top + plotH - (value / max) * plotH;
  const round = (n: number): string => n.toFixed(1);

  const bars = runs.map((run, i) => {
    const x = PAD.left + slot * i + (slot - barW) / 2;
    const duration = run.durationMs ?? 0;
    const top = y(duration, maxDuration);
    const label = `${run.queuedAt.toISOString()} ${run.status}: ${run.durationMs === null ? 'not finished' : formatMs(duration)}`;
    return html`<rect
      class="bar bar-${run.status}"
      data-run-id="${run.id}"
      x="${round(x)}"
      y="${round(top)}"
      width="${round(barW)}"
      height="${round(PAD.top + plotH - top)}"
      ><title>${label}</title></rect
    >`;
  });
  const points = runs.map((run, i) => ({
    run,
    x: PAD.left + slot * i + slot / 2,
    y: y(run.changes, maxChanges),
  }));
  const line = points.map((p) => `${round(p.x)},${round(p.y)}`).join(' ');
  const circles = points.map(
    (p) =>
      html`<circle
        class="point"
        data-run-id="${p.run.id}"
        cx="${round(p.x)}"
        cy="${round(p.y)}"
        r="4"
        ><title>${p.run.queuedAt.toISOString()}: ${p.run.changes} changes</title></circle
      >`,
  );
  const bottom = PAD.top + plotH;
  return html`<svg
      id="run-chart"
      role="img"
      viewBox="0 0 ${WIDTH} ${HEIGHT}"
      width="100%"
      aria-label="Duration (bars) and records changed (points) of the last ${runs.length} runs, oldest first"
      xmlns="http://www.w3.org/2000/svg"
    >
      <line class="axis" x1="${PAD.left}" y1="${bottom}" x2="${WIDTH - PAD.right}" y2="${bottom}" />
      <line class="axis" x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${bottom}" />
      <line
        class="axis"
        x1="${WIDTH - PAD.right}"
        y1="${PAD.top}"
        x2="${WIDTH - PAD.right}"
        y2="${bottom}"
      />
      <text class="label" x="${PAD.left - 6}" y="${PAD.top + 4}" text-anchor="end">
        ${formatMs(maxDuration)}
      </text>
      <text class="label" x="${PAD.left - 6}" y="${bottom}" text-anchor="end">0</text>
      <text class="label label-changes" x="${WIDTH - PAD.right + 6}" y="${PAD.top + 4}">
        ${maxChanges}
      </text>
      <text class="label label-changes" x="${WIDTH - PAD.right + 6}" y="${bottom}">0</text>
      <text class="label" x="${PAD.left}" y="${HEIGHT - 8}">oldest</text>
      <text class="label" x="${WIDTH - PAD.right}" y="${HEIGHT - 8}" text-anchor="end">newest</text>
      <g class="bars">${bars}</g>
      <polyline class="changes" points="${line}" />
      <g class="points">${circles}</g>
    </svg>
    <p class="legend">
      <span class="key key-duration"></span> duration <span class="key key-changes"></span> records
      changed
    </p>`;
}
