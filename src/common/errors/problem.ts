import { type ErrorCode } from './error-codes';

/** One invalid input: where it is (`in`), which field (dotted path), and what is wrong. */
export interface FieldError {
  in: 'body' | 'query' | 'path' | 'header';
  field: string;
  message: string;
}

/** RFC 9457 problem details as this gateway sends them. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: ErrorCode;
  request_id?: string;
  error_id?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

/**
 * The one exception our code throws for an expected failure. It carries a code (not a status)
 * so HTTP concerns stay in the filter, and a detail safe to show to the caller.
 */
export class ProblemException extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly extras: {
      errors?: FieldError[];
      headers?: Record<string, string>;
      [k: string]: unknown;
    } = {},
  ) {
    super(detail);
    this.name = 'ProblemException';
  }
}
