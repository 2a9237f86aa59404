/**
 * The only place that turns failures into HTTP answers: RFC 9457 `application/problem+json`.
 * Expected failures (ProblemException, Nest's HttpException, body-parser errors) keep their
 * meaning; anything else answers a generic 500 with an error id, and the cause is logged under
 * that id only. A 500 never carries the cause: it may hold SQL, secrets or internals.
 */
import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  Logger,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { type Request, type Response } from 'express';
import { describeErrorCode, type ErrorCode, problemType } from './error-codes';
import { maskSecretsInUrl } from '../logging/logger';
import { type ProblemDetails, ProblemException } from './problem';

interface Classified {
  code: ErrorCode;
  detail: string;
  extras?: ProblemException['extras'];
}

/** Errors raised by Express' body parsers before our code runs. */
interface BodyParserError {
  type: string;
  status: number;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as BodyParserError).type === 'string' &&
    typeof (error as BodyParserError).status === 'number'
  );
}

function codeForStatus(status: number): ErrorCode | undefined {
  switch (status) {
    case 400:
      return 'malformed_request';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 405:
      return 'method_not_allowed';
    case 409:
      return 'conflict';
    case 413:
      return 'payload_too_large';
    case 415:
      return 'unsupported_media_type';
    case 429:
      return 'rate_limited';
    case 503:
      return 'not_ready';
    default:
      return undefined;
  }
}

function classifyHttpException(exception: HttpException, request: Request): Classified | undefined {
  const status = exception.getStatus();
  const body = exception.getResponse();
  // Nest's router answers unknown routes with "Cannot GET /path".
  if (status === 404 && exception.message.startsWith('Cannot ')) {
    return {
      code: 'route_not_found',
      detail: `No route ${request.method} ${request.path}. See /docs for the API reference.`,
    };
  }
  // @nestjs/terminus fails readiness with the result of every check.
  if (status === 503 && typeof body === 'object' && body !== null && 'details' in body) {
    const details = (body as { details: Record<string, { status: string }> }).details;
    const failing = Object.keys(details).filter((name) => details[name]?.status !== 'up');
    // Only up/down per check: driver messages (hosts, auth failures) stay in the logs.
    const checks = Object.fromEntries(
      Object.entries(details).map(([name, check]) => [
        name,
        { status: check.status === 'up' ? 'up' : 'down' },
      ]),
    );
    return {
      code: 'not_ready',
      detail: `Failing checks: ${failing.join(', ') || 'unknown'}`,
      extras: { checks },
    };
  }
  const code = codeForStatus(status);
  if (!code) return undefined;
  const message =
    typeof body === 'object' && body !== null && 'message' in body
      ? body.message
      : exception.message;
  return { code, detail: Array.isArray(message) ? message.join('; ') : String(message) };
}

/**
 * The router could not percent-decode a path parameter (`/v1/connections/%zz`). No id can be
 * spelled that way, so it answers like any id that does not exist: 404, as documented.
 */
function isUndecodablePath(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { message?: unknown }).message === 'string' &&
    (error as { message: string }).message.startsWith('Failed to decode param')
  );
}

function classifyBodyParserError(error: BodyParserError): Classified | undefined {
  switch (error.type) {
    case 'entity.parse.failed':
      return { code: 'malformed_request', detail: 'The request body is not valid JSON.' };
    case 'entity.too.large':
      return { code: 'payload_too_large', detail: 'The request body is too large.' };
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return {
        code: 'unsupported_media_type',
        detail: 'The request body encoding is not supported.',
      };
    default:
      return error.status >= 400 && error.status < 500
        ? { code: 'malformed_request', detail: 'The request body could not be read.' }
        : undefined;
  }
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request & { id?: string }>();
    const response = http.getResponse<Response>();

    const classified =
      exception instanceof ProblemException
        ? { code: exception.code, detail: exception.detail, extras: exception.extras }
        : isUndecodablePath(exception)
          ? { code: 'not_found' as const, detail: 'Nothing is found under that path.' }
          : exception instanceof HttpException
            ? classifyHttpException(exception, request)
            : isBodyParserError(exception)
              ? classifyBodyParserError(exception)
              : undefined;

    const requestId = request.id === undefined ? undefined : String(request.id);
    const problem = classified
      ? this.expected(classified, request, requestId)
      : this.unexpected(exception, request, requestId);

    if (response.headersSent) return;
    const headers = classified?.extras?.headers ?? {};
    for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
    response.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  }

  private expected(classified: Classified, request: Request, requestId?: string): ProblemDetails {
    const { code, detail, extras = {} } = classified;
    const { status, title } = describeErrorCode(code);
    const { headers: _headers, ...extensions } = extras;
    return {
      type: problemType(code),
      title,
      status,
      detail,
      instance: maskSecretsInUrl(request.originalUrl.split('?')[0] ?? '/'),
      code,
      ...(requestId ? { request_id: requestId } : {}),
      ...extensions,
    };
  }

  private unexpected(exception: unknown, request: Request, requestId?: string): ProblemDetails {
    const errorId = randomUUID();
    this.logger.error(
      { err: exception, error_id: errorId, request_id: requestId },
      `unexpected error ${errorId} on ${request.method} ${maskSecretsInUrl(request.path)}`,
    );
    const { status, title } = describeErrorCode('internal_error');
    return {
      type: problemType('internal_error'),
      title,
      status,
      detail: `An unexpected error occurred. Quote error id ${errorId} when reporting it.`,
      instance: maskSecretsInUrl(request.originalUrl.split('?')[0] ?? '/'),
      code: 'internal_error',
      ...(requestId ? { request_id: requestId } : {}),
      error_id: errorId,
    };
  }
}
