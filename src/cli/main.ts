/**
 * `hris-gateway <command>` (bin/hris-gateway.js, `npm run cli -- <command>`): the only place the
 * CLI touches `process`; everything else takes its streams and environment as arguments.
 */
import { runCli } from './cli';

runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
}).then(
  (code) => {
    // Let buffered output reach a pipe before exiting.
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `hris-gateway: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
