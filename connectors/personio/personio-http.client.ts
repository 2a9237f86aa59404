/**
 * Owns the one HTTP layer every Personio call goes through: an undici Agent with connect,
 * header and body timeouts; identification headers; client-side pacing before each send;
 * retries of 429, 5xx, timeouts and resets with exponential backoff and full jitter (never sooner
 * than Retry-After or 1 s) inside a retry budget per run; one re-authentication on 401/403; and
 * the translation of whatever went wrong into a `ConnectorError` code.
 * It must never retry other 4xx answers, and never put a token or secret in an error or log.
 */
import { Agent, type Dispatcher, request } from 'undici';
import { ConnectorError, type ConnectorErrorCode, type ReadStats } from '../connector';
import type { Clock, Pacer, Sleep } from '../pacing';

export interface HttpTimeouts {
  connectMs: number;
  /** Time to receive the response headers. */
  headersMs: number;
  /** Longest silence between two body chunks. */
  bodyMs: number;
  /** Whole request, first byte sent to last byte read. */
  totalMs: number;
}

export const DEFAULT_TIMEOUTS: HttpTimeouts = {
  connectMs: 10_000,
  headersMs: 30_000,
  bodyMs: 30_000,
  totalMs: 120_000,
};

export interface RetryPolicy {
  /** Attempts per request, the first one included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Floor of every backoff: Personio asks for at least 1 s after a 429. */
  minDelayMs: number;
  /** Retries of an unparseable or inconsistent body (a proxy hiccup) before BAD_RESPONSE. */
  badBodyRetries: number;
  /** Retries allowed in one run (session), across all its requests. */
  budgetPerRun: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
  minDelayMs: 1_000,
  badBodyRetries: 2,
  budgetPerRun: 100,
};

/** What one run (session) spends: the retry budget and the counters of its run record. */
export class RunContext {
  readonly stats: ReadStats = {
    requests: 0,
    retries: 0,
    rateLimitWaits: 0,
    rateLimitWaitMs: 0,
    throttled: 0,
    authRequests: 0,
  };

  constructor(public retriesLeft: number) {}
}

export interface HttpCall {
  method: 'GET' | 'POST';
  /** Path below the base URL, e.g. `/v1/company/employees`. */
  path: string;
  query?: ReadonlyArray<readonly [string, string]>;
  form?: Record<string, string>;
  json?: Record<string, string>;
  pacers: readonly Pacer[];
  run: RunContext;
  /** Bearer token provider; absent for the token endpoints themselves. */
  auth?: BearerAuth;
  /** Statuses handed back as answers instead of errors (token endpoints read their 4xx). */
  accept?: readonly number[];
  /** Throws a BAD_RESPONSE `ConnectorError` when a parsed body is unusable; retried a little. */
  validate?: (body: unknown) => void;
  /** Called with the headers of every answer (rate-limit headers feed the pacers). */
  onHeaders?: (headers: Record<string, string>) => void;
  /** Count this call as an auth request in the run's stats. */
  isAuth?: boolean;
  /** The data area (access right) the call needs, named in PERMISSION_MISSING details. */
  area?: string;
}

export interface BearerAuth {
  token(run: RunContext): Promise<string>;
  /** Drops the cached token after a 401/403 so the next `token()` authenticates again. */
  invalidate(token: string): void;
  /** v1 puts the (possibly rotated) token in the `Authorization` response header. */
  adopt?(previous: string, next: string): void;
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export interface HttpClientOptions {
  baseUrl: string;
  partnerId?: string;
  appId?: string;
  timeouts: HttpTimeouts;
  retry: RetryPolicy;
  clock: Clock;
  sleep: Sleep;
  /** [0, 1) source for jitter; injectable so backoff tests are exact. */
  random: () => number;
  /** Connections per origin. */
  connections: number;
  dispatcher?: Dispatcher;
}

type Failure = {
  code: ConnectorErrorCode;
  message: string;
  status?: number;
  retryAfterMs?: number;
  kind: 'retry' | 'bad-body' | 'final' | 'auth';
};

function flatHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (v === undefined) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

/** Retry-After as delta seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.ceil(Number(value.trim()) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Anything shaped like a Personio token or secret, a JWT, or a bearer value. */
const SECRET_SHAPES = /(papi-[A-Za-z0-9_-]+|eyJ[A-Za-z0-9_.-]+|Bearer\s+\S+)/g;

/** The provider's own error text, short and with secrets masked (Personio may echo input). */
function providerMessage(body: unknown): string {
  return rawProviderMessage(body).replace(SECRET_SHAPES, '[redacted]').slice(0, 160);
}

function rawProviderMessage(body: unknown): string {
  if (body === null || typeof body !== 'object') return '';
  const b = body as Record<string, unknown>;
  const v1 = b.error as { message?: unknown } | undefined;
  if (v1 && typeof v1 === 'object' && typeof v1.message === 'string') return v1.message;
  const errors = b.errors as Array<{ title?: unknown; detail?: unknown }> | undefined;
  if (Array.isArray(errors) && errors[0]) {
    const e = errors[0];
    return [e.title, e.detail].filter((x) => typeof x === 'string').join(': ');
  }
  if (typeof b.error === 'string') return b.error;
  return '';
}

const TRANSPORT_CODES: Record<string, string> = {
  UND_ERR_CONNECT_TIMEOUT: 'connect timeout',
  UND_ERR_HEADERS_TIMEOUT: 'no response headers in time',
  UND_ERR_BODY_TIMEOUT: 'response body stalled',
  UND_ERR_SOCKET: 'connection closed',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'response shorter than announced',
  ECONNRESET: 'connection reset',
  ECONNREFUSED: 'connection refused',
  UND_ERR_ABORTED: 'request deadline exceeded',
};

function transportReason(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string') return TRANSPORT_CODES[code] ?? code;
    if (error.name === 'AbortError' || error.name === 'TimeoutError')
      return 'request deadline exceeded';
    return error.name;
  }
  return 'transport failure';
}

export class PersonioHttpClient {
  private readonly agent: Dispatcher;
  private readonly ownsAgent: boolean;
  private readonly origin: string;
  private readonly basePath: string;

  constructor(private readonly options: HttpClientOptions) {
    const url = new URL(options.baseUrl);
    this.origin = url.origin;
    // A proxy may mount Personio under a path prefix; keep it, minus a trailing slash.
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.ownsAgent = options.dispatcher === undefined;
    this.agent =
      options.dispatcher ??
      new Agent({
        connect: { timeout: options.timeouts.connectMs },
        headersTimeout: options.timeouts.headersMs,
        bodyTimeout: options.timeouts.bodyMs,
        connections: options.connections,
        keepAliveTimeout: 4_000,
      });
  }

  get retryPolicy(): RetryPolicy {
    return this.options.retry;
  }

  get baseUrl(): string {
    return `${this.origin}${this.basePath}`;
  }

  async close(): Promise<void> {
    if (this.ownsAgent) await this.agent.close();
  }

  /** Sends a call with pacing, retries and auth; resolves with a parsed answer or throws. */
  async send(call: HttpCall): Promise<HttpAnswer> {
    const { retry, sleep } = this.options;
    const run = call.run;
    let attempt = 0;
    let badBodies = 0;
    let reauthed = false;
    for (;;) {
      attempt += 1;
      const outcome = await this.attempt(call);
      if ('answer' in outcome) return outcome.answer;
      const failure = outcome.failure;
      if (failure.kind === 'auth' && !reauthed && call.auth && outcome.token !== undefined) {
        // One fresh token, right away: an expired or rotated token is not a reason to wait.
        reauthed = true;
        call.auth.invalidate(outcome.token);
        continue;
      }
      if (failure.kind === 'auth') {
        // A fresh token was refused too: 401 means the credentials are gone, 403 a missing right.
        throw this.error(
          failure.status === 403 ? 'PERMISSION_MISSING' : 'AUTH_INVALID',
          failure.status === 403
            ? `the credentials may not read ${call.path}${failure.message ? ` (${failure.message})` : ''}`
            : `Personio refused the credentials${failure.message ? ` (${failure.message})` : ''}`,
          call,
          failure,
          attempt,
        );
      }
      if (failure.kind === 'final') {
        throw this.error(failure.code, failure.message, call, failure, attempt);
      }
      if (failure.kind === 'bad-body') {
        badBodies += 1;
        if (badBodies > retry.badBodyRetries || run.retriesLeft <= 0) {
          throw this.error('BAD_RESPONSE', failure.message, call, failure, attempt);
        }
      } else if (attempt >= retry.maxAttempts || run.retriesLeft <= 0) {
        throw this.error(failure.code, failure.message, call, failure, attempt);
      }
      run.retriesLeft -= 1;
      run.stats.retries += 1;
      const ceiling = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1));
      const jitter = Math.floor(this.options.random() * ceiling);
      const floor = Math.max(retry.minDelayMs, failure.retryAfterMs ?? 0);
      const delay = failure.kind === 'bad-body' ? retry.minDelayMs : Math.max(floor, jitter);
      await sleep(delay);
    }
  }

  private error(
    code: ConnectorErrorCode,
    message: string,
    call: HttpCall,
    failure: Failure,
    attempts: number,
  ): ConnectorError {
    return new ConnectorError(code, `${call.method} ${call.path}: ${message}`, {
      endpoint: call.path,
      attempts,
      ...(failure.status !== undefined ? { status: failure.status } : {}),
      ...(code === 'RATE_LIMITED'
        ? { retryAfterMs: Math.max(this.options.retry.minDelayMs, failure.retryAfterMs ?? 0) }
        : {}),
      ...(code === 'BAD_RESPONSE' ? { reason: message } : {}),
      ...(code === 'PERMISSION_MISSING' && call.area ? { scope: call.area } : {}),
    });
  }

  private url(call: HttpCall): string {
    const qs = new URLSearchParams();
    for (const [k, v] of call.query ?? []) qs.append(k, v);
    const text = qs.toString();
    return `${this.origin}${this.basePath}${call.path}${text ? `?${text}` : ''}`;
  }

  private async attempt(
    call: HttpCall,
  ): Promise<{ answer: HttpAnswer } | { failure: Failure; token?: string }> {
    const run = call.run;
    for (const pacer of call.pacers) {
      const waited = await pacer.take();
      if (waited > 0) {
        run.stats.rateLimitWaits += 1;
        run.stats.rateLimitWaitMs += waited;
      }
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.options.partnerId) headers['x-personio-partner-id'] = this.options.partnerId;
    if (this.options.appId) headers['x-personio-app-id'] = this.options.appId;
    let token: string | undefined;
    if (call.auth) {
      token = await call.auth.token(run);
      headers.authorization = `Bearer ${token}`;
    }
    let body: string | undefined;
    if (call.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(call.form).toString();
    } else if (call.json) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(call.json);
    }
    run.stats.requests += 1;
    if (call.isAuth) run.stats.authRequests += 1;
    let status: number;
    let responseHeaders: Record<string, string>;
    let text: string;
    try {
      const res = await request(this.url(call), {
        method: call.method,
        headers,
        body,
        dispatcher: this.agent,
        signal: AbortSignal.timeout(this.options.timeouts.totalMs),
      });
      status = res.statusCode;
      responseHeaders = flatHeaders(res.headers);
      text = await res.body.text();
    } catch (error: unknown) {
      return {
        failure: { code: 'TEMPORARY', message: transportReason(error), kind: 'retry' },
        token,
      };
    }
    call.onHeaders?.(responseHeaders);
    const parsed = parseJson(text);
    if (status === 429) {
      for (const pacer of call.pacers) pacer.drain();
      run.stats.throttled += 1;
      return {
        failure: {
          code: 'RATE_LIMITED',
          message: 'Personio is throttling these credentials (429)',
          status,
          retryAfterMs: parseRetryAfter(responseHeaders['retry-after'], this.options.clock()),
          kind: 'retry',
        },
        token,
      };
    }
    if (call.accept?.includes(status) || (status >= 200 && status < 300)) {
      if (!parsed.ok) {
        return {
          failure: {
            code: 'BAD_RESPONSE',
            message: `unparseable body (HTTP ${status})`,
            status,
            kind: 'bad-body',
          },
          token,
        };
      }
      if (status >= 200 && status < 300) {
        const rotated = /^Bearer\s+(\S+)$/i.exec(responseHeaders.authorization ?? '')?.[1];
        if (token !== undefined && rotated && rotated !== token) call.auth?.adopt?.(token, rotated);
        if (call.validate) {
          try {
            call.validate(parsed.value);
          } catch (error: unknown) {
            if (error instanceof ConnectorError && error.code === 'BAD_RESPONSE') {
              return {
                failure: {
                  code: 'BAD_RESPONSE',
                  message: error.details.reason ?? error.message,
                  status,
                  kind: 'bad-body',
                },
                token,
              };
            }
            throw error;
          }
        }
      }
      return { answer: { status, headers: responseHeaders, body: parsed.value } };
    }
    const said = parsed.ok ? providerMessage(parsed.value) : '';
    if (status >= 500) {
      return {
        failure: {
          code: 'TEMPORARY',
          message: `Personio answered ${status}${said ? ` (${said})` : ''}`,
          status,
          retryAfterMs: parseRetryAfter(responseHeaders['retry-after'], this.options.clock()),
          kind: 'retry',
        },
        token,
      };
    }
    if ((status === 401 || status === 403) && call.auth) {
      return { failure: { code: 'AUTH_INVALID', message: said, status, kind: 'auth' }, token };
    }
    if (status === 404) {
      return {
        failure: {
          code: 'NOT_FOUND',
          message: `not found${said ? ` (${said})` : ''}`,
          status,
          kind: 'final',
        },
        token,
      };
    }
    if (status === 401) {
      return {
        failure: { code: 'AUTH_INVALID', message: `refused (${status})`, status, kind: 'final' },
        token,
      };
    }
    if (status === 403) {
      return {
        failure: {
          code: 'PERMISSION_MISSING',
          message: `forbidden${said ? ` (${said})` : ''}`,
          status,
          kind: 'final',
        },
        token,
      };
    }
    // Any other 4xx: our request or Personio's answer is wrong; retrying cannot fix it.
    return {
      failure: {
        code: 'BAD_RESPONSE',
        message: `Personio refused the request with ${status}${said ? ` (${said})` : ''}`,
        status,
        kind: 'final',
      },
      token,
    };
  }
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text === '') return { ok: true, value: null };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}
