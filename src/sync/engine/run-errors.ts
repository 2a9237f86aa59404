/**
 * Owns how a failed run is explained: a stable code and one plain sentence an application can
 * show its customer. Connector errors carry no secrets, and neither does anything built here.
 */
import { ConnectorError } from '../../../connectors/connector';
import type { RunError } from '../runs/sync-run.entity';

export const RUN_ERROR_CODES = [
  'credentials_refused',
  'permission_missing',
  'rate_limited',
  'personio_unavailable',
  'bad_response',
  'not_found',
  'worker_lost',
  'interrupted',
  'internal',
] as const;
export type RunErrorCode = (typeof RUN_ERROR_CODES)[number];

export function runErrorOf(error: unknown): RunError & { code: RunErrorCode } {
  if (!(error instanceof ConnectorError)) {
    return {
      code: 'internal',
      message: 'An internal error stopped the run; nothing was changed. The next run tries again.',
    };
  }
  const where = error.details.endpoint ? ` (${error.details.endpoint})` : '';
  switch (error.code) {
    case 'AUTH_INVALID':
      return {
        code: 'credentials_refused',
        message:
          "Personio refused the stored credentials. The customer's admin must enter new ones through a new connect link.",
      };
    case 'PERMISSION_MISSING': {
      const missing = error.details.missing?.map((m) => m.message).join(' ');
      return {
        code: 'permission_missing',
        message:
          missing ??
          `The Personio credentials may not read ${error.details.scope ?? 'some of the data'}${where}. The admin can allow it in Personio's API credentials settings.`,
      };
    }
    case 'RATE_LIMITED':
      return {
        code: 'rate_limited',
        message: `Personio kept limiting the request rate${where}; nothing was changed. The next run tries again.`,
      };
    case 'TEMPORARY':
      return {
        code: 'personio_unavailable',
        message: `Personio did not answer properly${where} after several tries; nothing was changed. The next run tries again.`,
      };
    case 'BAD_RESPONSE':
      return {
        code: 'bad_response',
        message: `Personio sent data that could not be used${where}${error.details.reason ? `: ${error.details.reason}` : ''}; nothing was changed.`,
      };
    case 'NOT_FOUND':
      return {
        code: 'not_found',
        message: `Personio answered "not found"${where}; nothing was changed.`,
      };
  }
}
