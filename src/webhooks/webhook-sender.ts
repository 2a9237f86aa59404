/**
 * One HTTP attempt of one delivery, with every safety the issue asks for: the URL is checked
 * again (syntax and every DNS answer) right before connecting and the socket is pinned to the
 * checked addresses, so DNS rebinding cannot redirect it; redirects are never followed (undici's
 * `request` follows none); the whole attempt has one deadline; at most RESPONSE_READ_CAP bytes
 * of the answer are read, so a receiver cannot make us buffer an endless body. The deadline
 * covers the DNS answer too.
 */
import { Injectable } from '@nestjs/common';
import { Agent, request } from 'undici';
import { AppConfig } from '../config/app-config';
import { pinnedLookup } from './pinned-lookup';
import { guardWebhookTarget, type LookupAll } from './url-guard';

/** Bytes of the answer read at most; the excerpt kept in the log is shorter. */
export const RESPONSE_READ_CAP = 4_096;
export const RESPONSE_EXCERPT_CHARS = 512;
/**
 * System DNS lookups (getaddrinfo) run on libuv's threadpool, 4 threads shared with file I/O
 * and crypto, and cannot be cancelled. A lookup the deadline gave up on keeps its thread until
 * the resolver answers; while this many are still out, attempts fail at once instead of
 * starting another, so an unanswering resolver cannot take the whole pool.
 */
export const MAX_ABANDONED_LOOKUPS = 2;

export interface SendOutcome {
  /** Null when no HTTP answer came. */
  statusCode: number | null;
  durationMs: number;
  /** Why no answer came, in plain words (never a secret: URLs hold none we keep). */
  error: string | null;
  responseExcerpt: string | null;
  /** The answer's Retry-After header, as sent. */
  retryAfter: string | undefined;
}

@Injectable()
export class WebhookSender {
  /**
   * The DNS resolver for registration and sending (unset: the system's). Tests set a fake one
   * to prove that a name answering with a forbidden address is refused at either point.
   */
  lookup: LookupAll | undefined;
  /** Lookups the deadline gave up on that have not answered yet. */
  private abandonedLookups = 0;

  constructor(private readonly config: AppConfig) {}

  async send(url: string, headers: Record<string, string>, body: string): Promise<SendOutcome> {
    const started = performance.now();
    const elapsed = (): number => Math.round(performance.now() - started);
    const deadline = AbortSignal.timeout(this.config.webhooks.timeoutMs);
    if (this.abandonedLookups >= MAX_ABANDONED_LOOKUPS) {
      return failure(elapsed(), 'DNS lookups are backed up (earlier ones never answered)');
    }
    // The DNS answer counts against the same deadline: a resolver that never answers must not
    // hold the attempt (and its lease) open. The lookup itself cannot be cancelled; it is
    // counted until it answers.
    const guarded = guardWebhookTarget(
      url,
      { allowInsecure: this.config.webhooks.allowInsecureUrls },
      ...(this.lookup ? [this.lookup] : []),
    );
    const target = await beforeDeadline(guarded, deadline);
    if (target === TIMED_OUT) {
      this.abandonedLookups += 1;
      const answered = (): void => {
        this.abandonedLookups -= 1;
      };
      guarded.then(answered, answered);
      return failure(elapsed(), 'no DNS answer within the delivery timeout');
    }
    if (!target.ok) {
      return failure(elapsed(), `refused before connecting: ${target.reason}`);
    }
    const agent = new Agent({
      connect: { lookup: pinnedLookup(target.addresses), timeout: this.config.webhooks.timeoutMs },
      headersTimeout: this.config.webhooks.timeoutMs,
      bodyTimeout: this.config.webhooks.timeoutMs,
      pipelining: 0,
    });
    try {
      const answer = await request(target.url, {
        method: 'POST',
        headers: { ...headers, 'user-agent': 'hris-gateway-webhooks/1' },
        body,
        dispatcher: agent,
        signal: deadline,
      });
      const excerpt = await readCapped(answer.body);
      const retryAfter = answer.headers['retry-after'];
      return {
        statusCode: answer.statusCode,
        durationMs: elapsed(),
        error: null,
        responseExcerpt: excerpt,
        retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
      };
    } catch (error) {
      return failure(elapsed(), describeNetworkError(error, deadline.aborted));
    } finally {
      agent.destroy().catch(() => undefined);
    }
  }
}

const TIMED_OUT = Symbol('timed out');

/** The work's result, or TIMED_OUT once the deadline passes first. */
function beforeDeadline<T>(work: Promise<T>, deadline: AbortSignal): Promise<T | typeof TIMED_OUT> {
  if (deadline.aborted) return Promise.resolve(TIMED_OUT);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => resolve(TIMED_OUT);
    deadline.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        deadline.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        deadline.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

function failure(durationMs: number, error: string): SendOutcome {
  return { statusCode: null, durationMs, error, responseExcerpt: null, retryAfter: undefined };
}

async function readCapped(
  body: AsyncIterable<Buffer> & { destroy(): void },
): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= RESPONSE_READ_CAP) break;
    }
  } finally {
    body.destroy();
  }
  if (size === 0) return null;
  const text = Buffer.concat(chunks)
    .subarray(0, RESPONSE_READ_CAP)
    .toString('utf8')
    // Control characters would make the log unreadable; they carry nothing an owner needs.
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '');
  return text.slice(0, RESPONSE_EXCERPT_CHARS);
}

function describeNetworkError(error: unknown, timedOut: boolean): string {
  if (timedOut) return 'no answer within the delivery timeout';
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'connection closed before an answer';
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return 'no answer within the delivery timeout';
    case 'ENOTFOUND':
      return 'host not found';
    default:
      return code ? `${code}: ${message}` : message;
  }
}
