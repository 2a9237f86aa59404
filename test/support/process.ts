/**
 * Runs the real gateway entry point (src/main.ts) as a child process, the way `npm start`
 * does, compiled on the fly by @swc-node/register so tests need no build step.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

export interface GatewayProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
}

export function spawnGateway(env: Record<string, string>): GatewayProcess {
  let output = '';
  const entry = join(ROOT, 'src', 'main.ts');
  // A .ts main module would go to Node's ESM loader; requiring it keeps the CommonJS hook in charge.
  const child = spawn(
    process.execPath,
    ['-r', '@swc-node/register', '-e', `require(${JSON.stringify(entry)})`],
    {
      cwd: ROOT,
      // Only what the gateway needs: the test runner's own variables must not leak into its config.
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        SWC_NODE_PROJECT: join(ROOT, 'tsconfig.json'),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
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
