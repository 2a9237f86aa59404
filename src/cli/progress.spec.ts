import {
  describeProgress,
  phaseShare,
  ProgressReporter,
  renderBar,
  type RunProgressView,
} from './progress';

const run = (
  status: string,
  resource: string | null = null,
  pages = 0,
  records = 0,
): RunProgressView => ({ status, progress: { resource, pages, records } });

describe('sync run progress', () => {
  it('fills the bar by phase: empty while queued, full once the run ended', () => {
    expect(phaseShare(run('queued'))).toBe(0);
    expect(phaseShare(run('running', 'employees'))).toBeCloseTo(1 / 6);
    expect(phaseShare(run('running', 'applying'))).toBe(1);
    expect(phaseShare(run('failed', 'teams'))).toBe(1);
    expect(renderBar(0.5, 10)).toBe('[#####-----]');
    expect(renderBar(2, 4)).toBe('[####]');
  });

  it('says what the run is doing in words', () => {
    expect(describeProgress(run('queued'))).toBe('queued, waiting for a worker');
    expect(describeProgress(run('running', 'absence_types', 1, 1))).toBe(
      'reading absence types: 1 page, 1 record read',
    );
    expect(describeProgress(run('running', 'applying', 3, 120))).toBe(
      'applying changes (3 pages, 120 records read)',
    );
    expect(describeProgress(run('needs_confirmation', null, 2, 80))).toBe(
      'needs confirmation: 2 pages, 80 records read',
    );
  });

  it('redraws one line on a terminal and ends it once', () => {
    const written: string[] = [];
    let now = 1_000;
    const reporter = new ProgressReporter(
      { write: (t: string) => written.push(t), isTTY: true },
      () => now,
    );
    reporter.update(run('running', 'employees', 1, 40));
    now += 1_500;
    reporter.update(run('succeeded', null, 2, 60));
    reporter.finish();
    reporter.finish();
    expect(written).toEqual([
      `\r\x1b[2K[####${'-'.repeat(20)}] reading employees: 1 page, 40 records read (0.0 s)`,
      `\r\x1b[2K[${'#'.repeat(24)}] succeeded: 2 pages, 60 records read (1.5 s)`,
      '\n',
    ]);
  });

  it('writes a plain line per phase elsewhere, not one per poll', () => {
    const written: string[] = [];
    const reporter = new ProgressReporter({ write: (t: string) => written.push(t) });
    reporter.update(run('queued'));
    reporter.update(run('running', 'employees', 1, 10));
    reporter.update(run('running', 'employees', 2, 20));
    reporter.update(run('running', 'teams', 3, 25));
    reporter.update(run('succeeded', null, 3, 25));
    reporter.finish();
    expect(written.join('')).toBe(
      [
        'queued, waiting for a worker',
        'reading employees: 1 page, 10 records read',
        'reading teams: 3 pages, 25 records read',
        'succeeded: 3 pages, 25 records read',
        '',
      ].join('\n'),
    );
  });
});
