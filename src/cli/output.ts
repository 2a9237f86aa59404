/**
 * Writing results: tables and key/value blocks for people, the raw JSON with `--json` for
 * scripts, and problems (RFC 9457 or OAuth errors) as readable lines on stderr.
 */
import { type ProblemFieldError } from './errors';
import { type CliIo } from './io';

export class Output {
  constructor(
    private readonly io: CliIo,
    readonly json: boolean,
  ) {}

  /** The command's result: raw JSON with --json, else the text `human` renders. */
  result(value: unknown, human: () => string): void {
    this.io.stdout.write(
      this.json ? `${JSON.stringify(value, null, 2)}\n` : ensureNewline(human()),
    );
  }

  /** Side remarks for people (what happened, hints); stderr so stdout stays the result. */
  note(text: string): void {
    this.io.stderr.write(ensureNewline(text));
  }
}

const ensureNewline = (text: string): string => (text.endsWith('\n') ? text : `${text}\n`);

/** Aligned columns; the last column is not padded. */
export function table(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  if (rows.length === 0) return '';
  const all = [headers, ...rows];
  const widths = headers.map((_, column) =>
    Math.max(...all.map((row) => (row[column] ?? '').length)),
  );
  return all
    .map((row) =>
      row
        .map((cell, column) =>
          column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0),
        )
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** `label: value` lines with the labels aligned. */
export function keyValues(entries: ReadonlyArray<readonly [string, string]>): string {
  const width = Math.max(...entries.map(([key]) => key.length)) + 1;
  return entries.map(([key, value]) => `${`${key}:`.padEnd(width)} ${value}`).join('\n');
}

export const orDash = (value: string | number | null | undefined): string =>
  value === null || value === undefined || value === '' ? '-' : String(value);

interface ProblemLike {
  title?: unknown;
  detail?: unknown;
  code?: unknown;
  request_id?: unknown;
  error_id?: unknown;
  errors?: unknown;
  error?: unknown;
  error_description?: unknown;
}

/**
 * The lines a person needs from a failed answer: title and detail, each invalid field, and
 * the ids to quote to an operator. OAuth token errors (RFC 6749) are shown the same way.
 */
export function describeProblem(status: number, body: unknown, during?: string): string {
  const lines: string[] = [];
  const prefix = during ? `${during} failed: ` : '';
  const problem = (typeof body === 'object' && body !== null ? body : {}) as ProblemLike;
  if (typeof problem.title === 'string') {
    const code = typeof problem.code === 'string' ? ` [${problem.code}]` : '';
    lines.push(`error: ${prefix}${problem.title} (${status})${code}`);
    if (typeof problem.detail === 'string' && problem.detail !== problem.title) {
      lines.push(`  ${problem.detail}`);
    }
  } else if (typeof problem.error === 'string') {
    const description =
      typeof problem.error_description === 'string' ? `: ${problem.error_description}` : '';
    lines.push(`error: ${prefix}${problem.error} (${status})${description}`);
  } else {
    const text = typeof body === 'string' && body.trim() ? `: ${body.trim().slice(0, 200)}` : '';
    lines.push(`error: ${prefix}the gateway answered ${status}${text}`);
  }
  if (Array.isArray(problem.errors)) {
    for (const fieldError of problem.errors as ProblemFieldError[]) {
      const where = [fieldError.in, fieldError.field].filter(Boolean).join('.');
      lines.push(`  - ${where ? `${where}: ` : ''}${fieldError.message ?? 'invalid'}`);
    }
  }
  if (typeof problem.error_id === 'string') lines.push(`  error id: ${problem.error_id}`);
  if (typeof problem.request_id === 'string') lines.push(`  request id: ${problem.request_id}`);
  return lines.join('\n');
}
