/**
 * Runs the real gateway entry point (src/main.ts) as a child process, the way `npm start`
 * does, compiled on the fly by @swc-node/register so tests need no build step.
 */
import { spawn, type ChildProcess, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

export interface GatewayProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
}

/**
 * A TypeScript entry point (a path from the project root) in a child process, compiled on the fly,
 * with only PATH and `env` in its environment. `args` become its argv after the script name.
 */
export function spawnTypeScript(
  entryFromRoot: string,
  env: Record<string, string>,
  args: readonly string[] = [],
): ChildProcessByStdio<null, Readable, Readable> {
  const entry = join(ROOT, entryFromRoot);
  // A .ts main module would go to Node's ESM loader; requiring it keeps the CommonJS hook in
  // charge. argv[1] is set to the script so the program sees its arguments where it expects them.
  const script = `process.argv.splice(1, 0, ${JSON.stringify(entry)}); require(${JSON.stringify(entry)})`;
  return spawn(process.execPath, ['-r', '@swc-node/register', '-e', script, '--', ...args], {
    cwd: ROOT,
    // Only what the program needs: the test runner's own variables must not leak into its config.
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      SWC_NODE_PROJECT: join(ROOT, 'tsconfig.json'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function spawnGateway(env: Record<string, string>): GatewayProcess {
  let output = '';
  const child = spawnTypeScript(join('src', 'main.ts'), env);
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return { child, output: () => output, exited };
}

export async function waitForReady(
  baseUrl: string,
  process: GatewayProcess,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (process.child.exitCode !== null)
      throw new Error(`gateway exited early:\n${process.output()}`);
    try {
      const res = await fetch(`${baseUrl}/health/ready`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`gateway not ready within ${timeoutMs} ms:\n${process.output()}`);
}
