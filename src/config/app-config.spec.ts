import { ConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('applies defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.nodeEnv).toBe('development');
    expect(config.database.url).toBeUndefined();
    expect(config.database.embedded.dataDir).toMatch(/\.data\/postgres$/);
    expect(config.publicUrl).toBe('http://localhost:3000');
  });

  it('parses numbers and trims the public URL', () => {
    const config = loadConfig({ PORT: '8080', PUBLIC_URL: 'https://hr.example.com/' });
    expect(config.port).toBe(8080);
    expect(config.publicUrl).toBe('https://hr.example.com');
  });

  it('lists every bad variable at once', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', NODE_ENV: 'staging' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toContain('PORT="eighty"');
    expect(problems).toContain('LOG_LEVEL="loud"');
    expect(problems).toContain('NODE_ENV="staging"');
  });

  it('bounds the heap growing percent (0 leaves V8 its own heuristics)', () => {
    expect(loadConfig({}).heapGrowingPercent).toBe(100);
    expect(loadConfig({ HEAP_GROWING_PERCENT: '0' }).heapGrowingPercent).toBe(0);
    expect(loadConfig({ HEAP_GROWING_PERCENT: '250' }).heapGrowingPercent).toBe(250);
    expect(() => loadConfig({ HEAP_GROWING_PERCENT: '401' })).toThrow(/HEAP_GROWING_PERCENT/);
    expect(() => loadConfig({ HEAP_GROWING_PERCENT: '-1' })).toThrow(/HEAP_GROWING_PERCENT/);
    expect(() => loadConfig({ HEAP_GROWING_PERCENT: 'lots' })).toThrow(/HEAP_GROWING_PERCENT/);
  });

  it('never prints the database URL, which holds a password', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://user:hunter2@db/x' })).toThrow(
      /DATABASE_URL=\(value hidden\)/,
    );
    expect(() => loadConfig({ DATABASE_URL: 'mysql://user:hunter2@db/x' })).not.toThrow(/hunter2/);
  });

  it('requires an external database in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/DATABASE_URL: required/);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/ADMIN_TOKEN: required/);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/VAULT_KEYS: required/);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/METRICS_TOKEN: required/);
    expect(() =>
      loadConfig({ NODE_ENV: 'production', PUBLIC_URL: 'http://hr.example.com' }),
    ).toThrow(/PUBLIC_URL: must be an https/);
    expect(() =>
      loadConfig({ NODE_ENV: 'production', PERSONIO_BASE_URL: 'http://api.personio.de' }),
    ).toThrow(/PERSONIO_BASE_URL: must be https/);
    const config = loadConfig({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://u:p@db:5432/gw',
      ADMIN_TOKEN: 'a'.repeat(32),
      VAULT_KEYS: `v1:${Buffer.alloc(32, 7).toString('base64')}`,
      PUBLIC_URL: 'https://hr.example.com',
      METRICS_TOKEN: 'm'.repeat(24),
    });
    expect(config.database.url).toBe('postgres://u:p@db:5432/gw');
  });
});
