/**
 * Owns the HTTP server (node:http only): it reads each request, sends control calls to the
 * control routes, applies rate limits in the order Personio does (per IP, then per endpoint),
 * dispatches to the auth, v1 and v2 routes, then carries out any injected faults while writing
 * the answer. It holds no business rules of its own.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import { v1Auth, v2Revoke, v2Token } from './auth-routes';
import type { RequestContext, SandboxState } from './context';
import type { SandboxControl } from './control';
import { CONTROL_PREFIX, routeControl } from './control-routes';
import type { FaultRule } from './faults';
import type { SandboxResponse } from './http-util';
import { JsonChunks, bodyText, json, readBody, v1Error, v2Problem } from './http-util';
import type { Admission, LimitName } from './rate-limiter';
import { routeV1, v1Guard } from './v1-routes';
import { routeV2, v2Guard, v2LimitFor } from './v2-routes';

const V2_STATUS_TITLES: Record<number, [title: string, anchor: string, detail: string]> = {
  429: [
    'Too Many Requests',
    'common.too_many_requests',
    'Rate limit exceeded. Please retry later.',
  ],
  500: [
    'Internal Server Error',
    'common.internal_server_error',
    'There was a problem while processing this request. Please try again later.',
  ],
  502: [
    'Bad Gateway',
    'common.bad_gateway',
    'The server received an invalid response from an upstream server.',
  ],
  503: [
    'Service Unavailable',
    'common.service_unavailable',
    'The service is temporarily unavailable.',
  ],
  504: [
    'Gateway Timeout',
    'common.gateway_timeout',
    'The upstream server did not respond in time.',
  ],
};

function errorFor(state: SandboxState, path: string, status: number): SandboxResponse {
  if (path.startsWith('/v2/')) {
    const [title, type, detail] = V2_STATUS_TITLES[status] ?? [
      `HTTP ${status}`,
      'common.error',
      `HTTP ${status}`,
    ];
    return v2Problem(status, { title, detail, type }, state.clock.now());
  }
  if (status === 429) return v1Error(429, 429, 'Too Many Requests');
  return v1Error(status, status, status === 500 ? 'Something went wrong' : `HTTP ${status}`);
}

function tooMany(state: SandboxState, path: string, admission: Admission): SandboxResponse {
  const res = errorFor(state, path, 429);
  if (state.options.rateLimits.retryAfterHeader)
    res.headers['retry-after'] = String(admission.retryAfterSeconds);
  return withBucketHeaders(res, admission);
}

function withBucketHeaders(res: SandboxResponse, admission: Admission): SandboxResponse {
  if (admission.bucket) {
    res.headers['x-ratelimit-replenish-rate'] = String(admission.bucket.replenishRate);
    res.headers['x-ratelimit-burst-capacity'] = String(admission.bucket.burstCapacity);
    res.headers['x-ratelimit-requested-tokens'] = '1';
    res.headers['x-ratelimit-remaining'] = String(admission.bucket.remaining);
  }
  return res;
}

function notFound(state: SandboxState, path: string): SandboxResponse {
  if (path.startsWith('/v2/')) {
    return v2Problem(
      404,
      {
        title: 'Not Found',
        detail: `The endpoint with ${path} was not found.`,
        type: 'common.not_found',
        meta: { path },
      },
      state.clock.now(),
    );
  }
  return v1Error(404, 404, 'Not found');
}

export function dispatch(state: SandboxState, ctx: RequestContext): SandboxResponse {
  const { path, method } = ctx;
  const admit = (name: LimitName, key: string): Admission => state.limiter.admit(name, key);
  if (path.startsWith('/v1/')) {
    const perIp = admit('v1PerIp', ctx.ip);
    if (!perIp.allowed) return tooMany(state, path, perIp);
    if (path === '/v1/auth') {
      if (method !== 'POST') return notFound(state, path);
      const limited = admit('v1Auth', ctx.ip);
      return limited.allowed ? v1Auth(state, ctx) : tooMany(state, path, limited);
    }
    const guard = v1Guard(state, ctx);
    if (!guard.ok) return guard.response;
    if (method === 'GET' && path.startsWith('/v1/company/employees')) {
      const limited = admit('v1Employees', guard.caller.credential.clientId);
      if (!limited.allowed) return tooMany(state, path, limited);
    }
    const res = routeV1(state, ctx, guard.caller) ?? notFound(state, path);
    // Every successful Personnel Data answer carries the (stable or rotated) token.
    if (res.status < 400) res.headers.authorization = guard.caller.authorization;
    return res;
  }
  if (path.startsWith('/v2/')) {
    if (path === '/v2/auth/token' || path === '/v2/auth/revoke') {
      if (method !== 'POST') return notFound(state, path);
      if (path === '/v2/auth/revoke') return v2Revoke(state, ctx);
      const limited = admit('v2Auth', ctx.ip);
      return limited.allowed ? v2Token(state, ctx) : tooMany(state, path, limited);
    }
    const guard = v2Guard(state, ctx);
    if (!guard.ok) return guard.response;
    const limited = admit(v2LimitFor(path), guard.caller.credential.clientId);
    if (!limited.allowed) return tooMany(state, path, limited);
    return withBucketHeaders(routeV2(state, ctx, guard.caller) ?? notFound(state, path), limited);
  }
  return notFound(state, path);
}

/**
 * A body as node should write it, with its length in bytes. The encoding follows what the text
 * holds, never a flag set by the route that built it: faults rewrite bodies (a re-serialised v1
 * page carries real non-ASCII characters where the route wrote `\\u` escapes), and a flag
 * carried over would send them as Latin-1.
 */
function encoded(body: SandboxResponse['body']): { bytes: string | Buffer; length: number } {
  // Chunks are bytes already (cached UTF-8 records): one copy into the body, no string.
  if (body instanceof JsonChunks) return { bytes: body.bytes(), length: body.length };
  if (typeof body !== 'string') return { bytes: body, length: body.length };
  const length = Buffer.byteLength(body, 'utf8');
  // Pure ASCII (most JSON answers) has one byte per UTF-16 unit. Its Latin-1
  // encoding is then the same bytes and a plain copy, and a Buffer skips node's string path.
  // Anything else goes to the socket as a string: node encodes it as UTF-8 into the write.
  return { bytes: length === body.length ? Buffer.from(body, 'latin1') : body, length };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Carries out the faults that fire for this answer, then writes it. */
async function write(
  state: SandboxState,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  answer: SandboxResponse,
  faults: FaultRule[],
): Promise<void> {
  let out = answer;
  let mode: 'normal' | 'truncate' | 'slow' = 'normal';
  let slowMs = 0;
  // Rewriting faults work on the text and leave a string body, whatever the route built.
  let text: string | null;
  for (const rule of faults) {
    const input = rule.input;
    switch (rule.kind) {
      case 'latency':
        await sleep(input.delayMs ?? 1000);
        break;
      case 'status':
        out = errorFor(state, path, input.status ?? 500);
        break;
      case 'rate-limit': {
        // As the limiter answers: Retry-After only where the option sends it, unless the rule
        // names a value, which is then always sent.
        const seconds = input.retryAfterSeconds;
        out = tooMany(state, path, { allowed: false, retryAfterSeconds: seconds ?? 1 });
        if (seconds !== undefined) out.headers['retry-after'] = String(seconds);
        break;
      }
      case 'repeat-cursor':
        // A v2 `next` link pointing back at the page just served (seen in 2024) [REFERENCE 4.2].
        if (out.status === 200 && (text = bodyText(out.body)) !== null) {
          const page = JSON.parse(text) as {
            _meta?: { links?: Record<string, { href: string }> };
          };
          const links = page._meta?.links;
          if (links?.self) links.next = { href: links.self.href };
          out = { ...out, body: JSON.stringify(page) };
        }
        break;
      case 'duplicate-record': {
        // The last record of the previous page comes again first (seen on v1 time-offs).
        const item = out.previousRecord?.() ?? null;
        if (item !== null && (text = bodyText(out.body)) !== null) {
          const body = text.includes('"data":[]')
            ? text.replace('"data":[]', () => `"data":[${item}]`)
            : text.replace('"data":[', () => `"data":[${item},`);
          out = { ...out, body };
        }
        break;
      }
      case 'total-elements':
        if ((text = bodyText(out.body)) !== null) {
          out = {
            ...out,
            body: text.replace(
              /"total_elements":\d+/,
              `"total_elements":${input.totalElements ?? 0}`,
            ),
          };
        }
        break;
      case 'malformed-body': {
        const whole = bodyText(out.body) ?? '';
        out = { ...out, body: `${whole.slice(0, Math.floor(whole.length / 2))}\u0000<malformed>` };
        break;
      }
      case 'truncated-body':
        mode = 'truncate';
        break;
      case 'slow-body':
        mode = 'slow';
        slowMs = input.delayMs ?? 2000;
        break;
      case 'connection-reset':
        req.socket.resetAndDestroy();
        return;
    }
  }
  if (mode === 'normal') {
    const { bytes, length } = encoded(out.body);
    res.writeHead(out.status, { ...out.headers, 'content-length': String(length) });
    res.end(bytes);
    return;
  }
  const { bytes } = encoded(out.body);
  const body = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  const headers = { ...out.headers, 'content-length': String(body.length) };
  res.writeHead(out.status, headers);
  if (mode === 'truncate') {
    // Promise the whole body, send half, then drop the connection.
    res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.destroy());
    return;
  }
  if (mode === 'slow') {
    const chunks = 10;
    const size = Math.ceil(body.length / chunks);
    for (let i = 0; i < chunks && !res.destroyed; i++) {
      res.write(body.subarray(i * size, (i + 1) * size));
      await sleep(slowMs / chunks);
    }
    res.end();
    return;
  }
  res.end(body);
}

export async function handle(
  state: SandboxState,
  control: SandboxControl,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const rawUrl = req.url ?? '/';
  const q = rawUrl.indexOf('?');
  const path = q === -1 ? rawUrl : rawUrl.slice(0, q);
  const method = (req.method ?? 'GET').toUpperCase();
  const body = method === 'GET' || method === 'HEAD' ? '' : await readBody(req);
  const host =
    req.headers.host ?? `${req.socket.localAddress ?? '127.0.0.1'}:${req.socket.localPort ?? 0}`;
  const ctx: RequestContext = {
    req,
    method,
    path,
    query: new URLSearchParams(q === -1 ? '' : rawUrl.slice(q + 1)),
    body,
    baseUrl: `http://${host}`,
    ip: req.socket.remoteAddress ?? 'unknown',
  };
  if (path === CONTROL_PREFIX || path.startsWith(`${CONTROL_PREFIX}/`)) {
    await write(state, req, res, path, routeControl(control, ctx), []);
    return;
  }
  const answer = dispatch(state, ctx);
  const faults = state.faults.decide({ method, path, page: answer.page });
  await write(state, req, res, path, answer, faults);
}

export function createSandboxServer(state: SandboxState, control: SandboxControl): Server {
  const server = createServer((req, res) => {
    handle(state, control, req, res).catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const message = err instanceof Error ? err.message : 'internal error';
      const answer = json(500, { success: false, error: { code: 500, message } });
      res.writeHead(answer.status, answer.headers);
      res.end(bodyText(answer.body) ?? '');
    });
  });
  server.keepAliveTimeout = 5_000;
  return server;
}
