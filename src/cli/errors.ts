/**
 * The failures a command can end with, each mapped to an exit code and a message by cli.ts.
 * Messages never contain a token or secret: they name the variable or flag instead.
 */

/** Wrong command line (unknown command or flag, missing argument): exit 2 with usage. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A field error of an RFC 9457 problem. */
export interface ProblemFieldError {
  in?: string;
  field?: string;
  message?: string;
}

/** The gateway answered a problem (RFC 9457) or another error status. */
export class ApiProblemError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    /** What the CLI was doing, when it was not the command's own request. */
    readonly during?: string,
  ) {
    super(`the gateway answered ${status}`);
    this.name = 'ApiProblemError';
  }
}

/** The gateway could not be reached at all (not running, wrong URL, timeout). */
export class GatewayUnreachableError extends Error {
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`cannot reach the gateway at ${url} (${reason})`);
    this.name = 'GatewayUnreachableError';
  }
}

/** A failed operation that is not an API answer (a sync run that failed, a timeout ...). */
export class OperationFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OperationFailedError';
  }
}
