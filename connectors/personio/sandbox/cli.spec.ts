import { parseArgs } from './cli';

describe('sandbox CLI arguments', () => {
  it('defaults to port 4010, seed 42, 250 employees, rate limits on', () => {
    expect(parseArgs([])).toEqual({
      port: 4010,
      host: '127.0.0.1',
      seed: 42,
      employees: 250,
      rateLimits: true,
      legacyTokens: false,
    });
  });

  it('reads the documented flags', () => {
    expect(
      parseArgs([
        '--port',
        '0',
        '--seed',
        '7',
        '--employees',
        '100000',
        '--no-rate-limits',
        '--legacy-tokens',
      ]),
    ).toMatchObject({
      port: 0,
      seed: 7,
      employees: 100_000,
      rateLimits: false,
      legacyTokens: true,
    });
  });

  it('refuses unknown flags and bad numbers', () => {
    expect(() => parseArgs(['--bogus'])).toThrow(/unknown argument/);
    expect(() => parseArgs(['--port', 'x'])).toThrow(/non-negative integer/);
    expect(() => parseArgs(['--employees'])).toThrow(/non-negative integer/);
  });
});
