/**
 * The closed set of error codes the API answers with. Each module owns its codes (a small
 * `as const` list next to its code) and adds them to `ErrorCode` here; `describeErrorCode`
 * maps every code to its HTTP status and title in one exhaustive switch, so a new code that
 * is not mapped fails to compile.
 */
export const COMMON_ERROR_CODES = [
  'validation_failed',
  'malformed_request',
  'route_not_found',
  'not_found',
  'method_not_allowed',
  'unauthorized',
  'forbidden',
  'conflict',
  'payload_too_large',
  'unsupported_media_type',
  'rate_limited',
  'not_ready',
  'internal_error',
] as const;

export type ErrorCode = (typeof COMMON_ERROR_CODES)[number];

export interface ErrorCodeDescription {
  status: number;
  title: string;
}

export function describeErrorCode(code: ErrorCode): ErrorCodeDescription {
  switch (code) {
    case 'validation_failed':
      return { status: 400, title: 'The request is invalid' };
    case 'malformed_request':
      return { status: 400, title: 'The request could not be read' };
    case 'route_not_found':
      return { status: 404, title: 'No such route' };
    case 'not_found':
      return { status: 404, title: 'Not found' };
    case 'method_not_allowed':
      return { status: 405, title: 'Method not allowed' };
    case 'unauthorized':
      return { status: 401, title: 'Authentication required' };
    case 'forbidden':
      return { status: 403, title: 'Not allowed' };
    case 'conflict':
      return { status: 409, title: 'Conflict with the current state' };
    case 'payload_too_large':
      return { status: 413, title: 'The request body is too large' };
    case 'unsupported_media_type':
      return { status: 415, title: 'Unsupported content type' };
    case 'rate_limited':
      return { status: 429, title: 'Too many requests' };
    case 'not_ready':
      return { status: 503, title: 'Not ready' };
    case 'internal_error':
      return { status: 500, title: 'Internal error' };
  }
}

/** Stable problem type URI for a code (RFC 9457 `type`); documented in the OpenAPI document. */
export function problemType(code: ErrorCode): string {
  return `urn:hris-gateway:problem:${code}`;
}
