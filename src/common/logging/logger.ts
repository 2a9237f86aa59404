/**
 * Structured JSON logs (pino). One root logger is made at boot, before Nest exists, so that
 * start-up (embedded database, migrations) and requests log the same way.
 * Secrets must never reach a log line: credentials in headers are redacted, and the single-use
 * token in a connect link's path is masked.
 */
import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type ServerResponse } from 'node:http';
import pino, { type Logger } from 'pino';
import { type Params } from 'nestjs-pino';
import { type LogLevel } from '../../config/app-config';

export const REQUEST_ID_HEADER = 'X-Request-Id';
const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function createRootLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'hris-gateway' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'req.headers["x-admin-token"]',
          'res.headers["set-cookie"]',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

/** Masks path segments that are secrets themselves (single-use connect link tokens). */
export function maskSecretsInUrl(url: string): string {
  return url.replace(/^\/connect\/[^/?#]+/i, '/connect/[redacted]');
}

type RequestWithId = IncomingMessage & { id?: string | number | object };

/** Keeps a caller's request id when it is safe to echo, so traces join up across services. */
export function requestIdFor(req: RequestWithId, res: ServerResponse): string {
  if (typeof req.id === 'string') return req.id;
  const incoming = req.headers['x-request-id'];
  const id =
    typeof incoming === 'string' && ACCEPTABLE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader(REQUEST_ID_HEADER, id);
  req.id = id;
  return id;
}

/** Express middleware form, installed before the body parsers. */
export function assignRequestId(req: RequestWithId, res: ServerResponse, next: () => void): void {
  requestIdFor(req, res);
  next();
}

export function httpLoggerParams(logger: Logger): Params {
  return {
    pinoHttp: {
      logger,
      genReqId: requestIdFor,
      customLogLevel: (_req, res, err) =>
        err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          url: maskSecretsInUrl(req.url),
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    },
  };
}
