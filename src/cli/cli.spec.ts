import { findCommandWords, runCli } from './cli';

describe('findCommandWords', () => {
  it('takes the first two words that are neither options nor option values', () => {
    expect(findCommandWords(['--url', 'http://x', 'sync', '--json', 'run', 'id-1'])).toEqual({
      group: 'sync',
      action: 'run',
      rest: ['--url', 'http://x', '--json', 'id-1'],
    });
    expect(findCommandWords(['--help'])).toEqual({
      group: undefined,
      action: undefined,
      rest: ['--help'],
    });
    expect(findCommandWords(['runs'])).toMatchObject({ group: 'runs', action: undefined });
  });
});

describe('runCli without a gateway', () => {
  async function run(argv: string[], env: Record<string, string> = {}) {
    let stdout = '';
    let stderr = '';
    const code = await runCli(argv, {
      stdout: { write: (t: string) => (stdout += t) },
      stderr: { write: (t: string) => (stderr += t) },
      env,
    });
    return { code, stdout, stderr };
  }

  it('prints help on stdout with exit 0 and a usage error on stderr with exit 2', async () => {
    expect(await run(['sync', 'run', '--help'])).toMatchObject({ code: 0, stderr: '' });
    expect((await run(['sync', 'run', '--help'])).stdout).toContain('<connection-id>');
    const missing = await run([]);
    expect(missing).toMatchObject({ code: 2, stdout: '' });
    expect(missing.stderr).toContain('missing command');
  });

  it('names the missing credential variables and never echoes a given secret', async () => {
    const result = await run(['connections', 'list', '--client-secret', 's3cr3t-value']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("needs the application's credentials: set HRIS_CLIENT_ID");
    expect(result.stderr).not.toContain('s3cr3t-value');
  });
});
