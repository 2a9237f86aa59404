import { niceMax, renderRunChart, type ChartRun } from './console-chart';

const run = (id: string, durationMs: number | null, changes: number): ChartRun => ({
  id,
  status: durationMs === null ? 'running' : 'succeeded',
  queuedAt: new Date('2025-01-01T00:00:00Z'),
  durationMs,
  changes,
});

describe('run chart', () => {
  it('draws one bar and one point per run, in the given order', () => {
    const svg = renderRunChart([run('a', 100, 0), run('b', 400, 7), run('c', null, 0)]).value;
    expect(
      [...svg.matchAll(/<rect\s+class="bar[^"]*"\s+data-run-id="(\w)"/g)].map((m) => m[1]),
    ).toEqual(['a', 'b', 'c']);
    expect(
      [...svg.matchAll(/<circle\s+class="point"\s+data-run-id="(\w)"/g)].map((m) => m[1]),
    ).toEqual(['a', 'b', 'c']);
    expect(svg).not.toContain('style=');
    expect(svg).not.toContain('NaN');
  });

  it('scales the tallest bar to the plot and an unfinished run to nothing', () => {
    const svg = renderRunChart([run('a', 250, 1), run('b', 500, 2), run('c', null, 0)]).value;
    const heights = [...svg.matchAll(/height="([\d.]+)"\s*><title>/g)].map((m) => Number(m[1]));
    expect(heights[1]).toBeCloseTo(2 * heights[0]!, 0);
    expect(heights[2]).toBe(0);
  });

  it('says so when there is nothing to chart', () => {
    expect(renderRunChart([]).value).toContain('No runs yet');
  });

  it('rounds axis maxima up to 1, 2 or 5 times a power of ten', () => {
    expect([0, 0.5, 1, 3, 7, 11, 180, 4200].map(niceMax)).toEqual([
      1, 0.5, 1, 5, 10, 20, 200, 5000,
    ]);
  });
});
