/**
 * Owns the HTTP face of the control API under `/_sandbox` (not Personio's surface): it parses
 * JSON bodies and maps each route to one SandboxControl method. No rules live here.
 */
import type { Scope } from './auth';
import type { RequestContext } from './context';
import type { SandboxControl } from './control';
import type { FaultRuleInput } from './faults';
import type { SandboxResponse } from './http-util';
import { json } from './http-util';
import type { DeepPartial, RateLimitOptions } from './options';
import type { AbsenceInput, HireInput, TerminateInput } from './store';
import { SandboxInputError } from './store';

export const CONTROL_PREFIX = '/_sandbox';

function body<T>(ctx: RequestContext): T {
  if (ctx.body.trim() === '') return {} as T;
  try {
    return JSON.parse(ctx.body) as T;
  } catch {
    throw new SandboxInputError('body must be JSON');
  }
}

function ok(value: unknown, status = 200): SandboxResponse {
  return json(status, value);
}

function notFound(what: string): SandboxResponse {
  return json(404, { error: `${what} not found` });
}

type Handler = (control: SandboxControl, ctx: RequestContext, id: string) => SandboxResponse;

const ROUTES: Array<[method: string, pattern: RegExp, handler: Handler]> = [
  ['GET', /^$/, (c) => ok(c.summary())],
  ['POST', /^\/employees$/, (c, ctx) => ok(c.hire(body<HireInput>(ctx)), 201)],
  [
    'PATCH',
    /^\/employees\/(\d+)$/,
    (c, ctx, id) => ok(c.updateEmployee(Number(id), body<Record<string, unknown>>(ctx))),
  ],
  [
    'POST',
    /^\/employees\/(\d+)\/terminate$/,
    (c, ctx, id) => ok(c.terminate(Number(id), body<TerminateInput>(ctx))),
  ],
  [
    'DELETE',
    /^\/employees\/(\d+)$/,
    (c, _ctx, id) => {
      c.deleteEmployee(Number(id));
      return ok({ deleted: Number(id) });
    },
  ],
  ['POST', /^\/absences$/, (c, ctx) => ok(c.addAbsence(body<AbsenceInput>(ctx)), 201)],
  [
    'PATCH',
    /^\/absences\/(\d+)$/,
    (c, ctx, id) => ok(c.updateAbsence(Number(id), body<Partial<AbsenceInput>>(ctx))),
  ],
  [
    'DELETE',
    /^\/absences\/(\d+)$/,
    (c, _ctx, id) => {
      c.cancelAbsence(Number(id));
      return ok({ deleted: Number(id) });
    },
  ],
  [
    'POST',
    /^\/credentials$/,
    (c, ctx) => {
      const input = body<{
        name?: string;
        scopes?: Scope[];
        readable_attributes?: string[] | null;
      }>(ctx);
      return ok(
        c.createCredential({
          name: input.name,
          scopes: input.scopes,
          readableAttributes: input.readable_attributes,
        }),
        201,
      );
    },
  ],
  [
    'DELETE',
    /^\/credentials\/([^/]+)$/,
    (c, _ctx, id) => (c.revokeCredential(id) ? ok({ revoked: id }) : notFound('credential')),
  ],
  [
    'PUT',
    /^\/credentials\/([^/]+)\/readable-attributes$/,
    (c, ctx, id) => {
      const input = body<{ attributes?: string[] | null }>(ctx);
      return c.setReadableAttributes(id, input.attributes ?? null)
        ? ok(credentialFor(c, id))
        : notFound('credential');
    },
  ],
  [
    'PUT',
    /^\/credentials\/([^/]+)\/scopes$/,
    (c, ctx, id) => {
      const input = body<{ scopes?: Scope[] }>(ctx);
      return c.setScopes(id, input.scopes ?? [])
        ? ok(credentialFor(c, id))
        : notFound('credential');
    },
  ],
  ['GET', /^\/faults$/, (c) => ok(c.listFaults())],
  ['POST', /^\/faults$/, (c, ctx) => ok(c.addFault(body<FaultRuleInput>(ctx)), 201)],
  [
    'DELETE',
    /^\/faults$/,
    (c) => {
      c.clearFaults();
      return ok({ cleared: true });
    },
  ],
  [
    'DELETE',
    /^\/faults\/([^/]+)$/,
    (c, _ctx, id) => (c.removeFault(id) ? ok({ removed: id }) : notFound('fault')),
  ],
  ['GET', /^\/clock$/, (c) => ok({ now: c.now().toISOString() })],
  [
    'POST',
    /^\/clock$/,
    (c, ctx) => {
      const input = body<{ advance_ms?: number; now?: string }>(ctx);
      if (input.now !== undefined) c.setClock(new Date(input.now));
      if (input.advance_ms !== undefined) c.advanceClock(input.advance_ms);
      return ok({ now: c.now().toISOString() });
    },
  ],
  [
    'PUT',
    /^\/rate-limits$/,
    (c, ctx) => {
      const input = body<DeepPartial<RateLimitOptions> | { enabled: false }>(ctx);
      return ok(c.setRateLimits(input));
    },
  ],
];

function credentialFor(c: SandboxControl, id: string): unknown {
  return c.summary().credentials.find((x) => x.clientId === id);
}

export function routeControl(control: SandboxControl, ctx: RequestContext): SandboxResponse {
  const rest = ctx.path.slice(CONTROL_PREFIX.length).replace(/\/$/, '');
  for (const [method, pattern, handler] of ROUTES) {
    if (method !== ctx.method) continue;
    const m = pattern.exec(rest);
    if (!m) continue;
    try {
      return handler(control, ctx, decodeURIComponent(m[1] ?? ''));
    } catch (err) {
      if (err instanceof SandboxInputError) return json(err.status, { error: err.message });
      if (err instanceof Error) return json(400, { error: err.message });
      throw err;
    }
  }
  return json(404, { error: `no control route ${ctx.method} ${ctx.path}` });
}
