/**
 * Owns the response value every route returns and the three error dialects Personio speaks:
 * v1 `{success:false,error:{code,message}}`, v2 problem+json with `personio_trace_id`, and the
 * OAuth2 error body of `/v2/auth/token`. Routes build answers with these; only the server writes
 * them to a socket.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * A JSON text kept as the UTF-8 bytes of its parts (a v1 employee page: cached records), so it
 * reaches the socket without being joined into one string and encoded again. Faults that
 * rewrite a body read `text()` and replace the body with a string.
 */
export class JsonChunks {
  readonly length: number;

  constructor(readonly chunks: readonly Buffer[]) {
    let length = 0;
    for (const chunk of chunks) length += chunk.length;
    this.length = length;
  }

  bytes(): Buffer {
    const [only] = this.chunks;
    if (this.chunks.length === 1 && only) return only;
    return Buffer.concat(this.chunks, this.length);
  }

  text(): string {
    return this.bytes().toString('utf8');
  }
}

/** The text of a JSON body (string or chunks); null for binary bodies (pictures). */
export function bodyText(body: SandboxResponse['body']): string | null {
  if (typeof body === 'string') return body;
  return body instanceof JsonChunks ? body.text() : null;
}

export interface SandboxResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer | JsonChunks;
  /** 1-based page number of a list answer, for page-targeted faults. */
  page?: number;
  /** v1 lists: the JSON of the record just before this page, for the duplicate-record fault. */
  previousRecord?: () => string | null;
}

export function jsonText(
  status: number,
  body: string,
  headers: Record<string, string> = {},
): SandboxResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body };
}

export function jsonChunks(
  status: number,
  chunks: readonly Buffer[],
  headers: Record<string, string> = {},
): SandboxResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: new JsonChunks(chunks),
  };
}

export function json(
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): SandboxResponse {
  return jsonText(status, JSON.stringify(value), headers);
}

export function v1Error(status: number, code: number, message: string): SandboxResponse {
  return json(status, { success: false, error: { code, message } });
}

const ERRORS_DOC = 'https://developer.personio.de/reference/errors';

export interface ProblemInput {
  title: string;
  detail: string;
  /** Anchor in Personio's error reference, e.g. `common.bad_request`, or a full URI. */
  type: string;
  meta?: Record<string, string>;
}

export function v2Problem(
  status: number,
  problem: ProblemInput,
  now: Date,
  headers: Record<string, string> = {},
): SandboxResponse {
  const body = {
    personio_trace_id: randomUUID(),
    timestamp: now.toISOString(),
    errors: [
      {
        title: problem.title,
        detail: problem.detail,
        type: problem.type.startsWith('http') ? problem.type : `${ERRORS_DOC}#${problem.type}`,
        _meta: problem.meta ?? {},
      },
    ],
  };
  return json(status, body, { 'content-type': 'application/problem+json', ...headers });
}

export const V2_BAD_REQUEST: ProblemInput = {
  title: 'Bad request',
  detail: 'Provided request parameters are invalid.',
  type: 'common.bad_request',
};

export const V2_BAD_FILTER: ProblemInput = {
  title: 'Bad request',
  detail: 'Provided filter encoding is invalid.',
  type: 'common.bad_request',
};

export const V2_NOT_FOUND: ProblemInput = {
  title: 'Resource not found',
  detail: 'There is no resource for the specified id.',
  type: 'common.resource_not_found',
};

export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'server_error'
  | 'temporarily_unavailable';

export function oauthError(
  error: OAuthErrorCode,
  description: string,
  anchor: string,
  now: Date,
  meta?: Record<string, unknown>,
): SandboxResponse {
  const body: Record<string, unknown> = {
    timestamp: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    trace_id: randomUUID(),
    error,
    error_description: description,
    error_uri: `${ERRORS_DOC}#credentials.oauth2.${anchor}`,
  };
  if (meta) body.meta = meta;
  return json(400, body, { 'content-type': 'application/problem+json' });
}

/** Reads a request body up to `limit` bytes. */
export async function readBody(req: IncomingMessage, limit = 1_000_000): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new Error('request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Media type of a request without parameters, lower-cased. */
export function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

export function bearerToken(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

/** Parses a non-negative integer query value: null when absent, NaN when malformed. */
export function parseIntParam(value: string | null): number | null {
  if (value === null) return null;
  if (!/^\d+$/.test(value)) return Number.NaN;
  return Number(value);
}
