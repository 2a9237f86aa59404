/**
 * What a CLI run may touch: two output streams and the environment. Passed in, never taken from
 * `process`, so tests run commands in-process and see exactly what a user would.
 */
export interface CliStream {
  write(text: string): unknown;
  /** True when a person is watching (progress bars redraw in place only then). */
  isTTY?: boolean;
  columns?: number;
}

export interface CliIo {
  stdout: CliStream;
  stderr: CliStream;
  env: Readonly<Record<string, string | undefined>>;
  /** Waits between polls; tests may shorten it. */
  sleep?: (ms: number) => Promise<void>;
}

export const PROGRAM = 'hris-gateway';

/** Exit codes every command keeps to, so scripts can branch on them. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;
