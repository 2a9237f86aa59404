/**
 * The CLI's HTTP client for a running gateway: JSON in and out, a bearer token from the
 * command's credentials, RFC 9457 problems turned into ApiProblemError. Tokens and secrets go
 * only into headers and request bodies, never into URLs or messages.
 */
import { ApiProblemError, GatewayUnreachableError } from './errors';

export interface ApiResponse<T> {
  status: number;
  body: T;
}

export interface RequestOptions {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
}

/** Supplies the bearer token for each request (fetched once, then reused). */
export type TokenSource = () => Promise<string>;

const REQUEST_TIMEOUT_MS = 30_000;
/** 429s are waited out this many times before the problem is shown. */
const RATE_LIMIT_RETRIES = 3;
const MAX_RETRY_WAIT_MS = 10_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class GatewayClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: TokenSource,
  ) {}

  get<T>(path: string, query?: RequestOptions['query']): Promise<ApiResponse<T>> {
    return this.request<T>('GET', path, { query });
  }

  post<T>(path: string, body?: unknown): Promise<ApiResponse<T>> {
    return this.request<T>('POST', path, { body });
  }

  async request<T>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<ApiResponse<T>> {
    // Appended, not resolved: a gateway behind a path prefix (https://host/hris) keeps it.
    const url = new URL(`${this.baseUrl}${path}`);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = {
      Authorization: `Bearer ${await this.token()}`,
      Accept: 'application/json, application/problem+json',
    };
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    for (let attempt = 0; ; attempt++) {
      const response = await send(this.baseUrl, url, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
      });
      const body = await readBody(response);
      if (response.status === 429 && attempt < RATE_LIMIT_RETRIES) {
        await sleep(retryAfterMs(response.headers.get('retry-after')));
        continue;
      }
      if (response.status >= 400) throw new ApiProblemError(response.status, body);
      return { status: response.status, body: body as T };
    }
  }
}

function retryAfterMs(header: string | null): number {
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0
    ? Math.min(seconds * 1000, MAX_RETRY_WAIT_MS)
    : 1000;
}

/** fetch, with network failures turned into one error that names the gateway URL. */
export async function send(baseUrl: string, url: URL, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch (error) {
    throw new GatewayUnreachableError(baseUrl, networkReason(error));
  }
}

function networkReason(error: unknown): string {
  // Duck-typed: fetch's errors may come from another realm than this module's Error.
  const { name, message, cause } = (error ?? {}) as {
    name?: string;
    message?: string;
    cause?: { code?: string; message?: string };
  };
  if (name === 'TimeoutError') return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
  return cause?.code ?? cause?.message ?? message ?? String(error);
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The admin API's token, as given. */
export function adminToken(token: string): TokenSource {
  return () => Promise.resolve(token);
}

interface TokenAnswer {
  access_token?: string;
  error?: string;
  error_description?: string;
}

/**
 * Exchanges the application's client credentials for an access token (client credentials
 * grant, credentials in the form body so they never appear in a URL), once per CLI run.
 */
export function applicationToken(
  baseUrl: string,
  clientId: string,
  clientSecret: string,
): TokenSource {
  let token: Promise<string> | undefined;
  return () => (token ??= exchange(baseUrl, clientId, clientSecret));
}

async function exchange(baseUrl: string, clientId: string, clientSecret: string): Promise<string> {
  const response = await send(baseUrl, new URL(`${baseUrl}/v1/oauth/token`), {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: clientSecret,
    }).toString(),
  });
  const body = (await readBody(response)) as TokenAnswer | null;
  if (response.status !== 200 || typeof body?.access_token !== 'string') {
    throw new ApiProblemError(response.status, body, 'getting an access token for the application');
  }
  return body.access_token;
}
