/**
 * The route diff: the routes the gateway actually serves against the operations of
 * openapi/hris-gateway.yaml, both ways. A controller route added without documentation fails
 * here, and so does a documented operation nothing serves.
 *
 * "Served" is read from the running app, two independent ways that must agree:
 * - the Express 5 router of the booted gateway (`app.router.stack`): what requests are matched
 *   against, including anything mounted outside Nest's controllers;
 * - Nest's controller metadata (PATH_METADATA / METHOD_METADATA of every controller of every
 *   module in the app's ModulesContainer): what the code declares.
 * Then a request to every documented operation proves the router takes it somewhere (it never
 * ends in the `route_not_found` answer), and a request with every method a path does not
 * document proves it does. HEAD is not probed: Express answers it for every GET route, as
 * HTTP asks (RFC 9110 9.3.2).
 */
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { MetadataScanner, ModulesContainer } from '@nestjs/core';
import request from 'supertest';
import { TEST_ADMIN_TOKEN } from '../support/auth';
import { Contract, expectContract } from '../support/contract';
import { startTestGateway, type TestGateway } from '../support/gateway';

/** "GET /v1/hris/employees/{id}" */
type RouteKey = string;

interface AllowedNonRoute {
  /** The raw Express path of the entry (before normalisation). */
  rawPath: string;
  /** Why this is not an API route. */
  reason: string;
}

/**
 * Router entries that are not API routes, and why. Everything else in the router must be
 * documented. Each entry must still exist (a stale entry fails), and none may hide a controller
 * route (the Nest metadata comparison below would show it).
 */
/**
 * The operator console: server-rendered pages for the operator, not part of the public API
 * contract. Listed one by one (not by prefix), so nothing else can hide under /console.
 */
const CONSOLE_ROUTES: readonly string[] = [
  'GET /console',
  'GET /console/login',
  'POST /console/login',
  'POST /console/logout',
  'GET /console/assets/console.css',
  'GET /console/applications',
  'GET /console/connections',
  'GET /console/connections/{}',
  'POST /console/connections/{}/sync',
  'POST /console/connections/{}/pause',
  'POST /console/connections/{}/resume',
  'GET /console/runs/{}',
  'POST /console/runs/{}/confirm',
  'GET /console/webhooks',
  'POST /console/webhooks/{}/deliveries/{}/retry',
];
const isConsole = (key: RouteKey): boolean => key.split(' ')[1]?.startsWith('/console') ?? false;

const NOT_API: AllowedNonRoute[] = [
  {
    // Nest mounts middleware configured with `forRoutes('*')` (here nestjs-pino's LoggerModule:
    // pino-http and the request-logger binder) as a route on every HTTP method at `/{*path}`.
    // Its handlers only call next(): no answer comes from it (the probe of an unknown path
    // below proves such a request still ends in `route_not_found`).
    rawPath: '/{*path}',
    reason: 'Nest middleware mounted for every path and method (request logging)',
  },
];

const DOCUMENTABLE_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Express `:id` parameters written the OpenAPI way, `{id}`. */
function normalisePath(path: string): string {
  const replaced = path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
  return replaced.length > 1 ? replaced.replace(/\/+$/, '') : replaced;
}

interface RouteDiff {
  undocumented: RouteKey[];
  missing: RouteKey[];
}

/** Both directions of the diff; sorted, so a failure reads as a list. */
function diffRoutes(served: Iterable<RouteKey>, documented: Iterable<RouteKey>): RouteDiff {
  const s = new Set(served);
  const d = new Set(documented);
  return {
    undocumented: [...s].filter((r) => !d.has(r)).sort(),
    missing: [...d].filter((r) => !s.has(r)).sort(),
  };
}

interface ExpressLayer {
  name?: string;
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: ExpressLayer[] };
}

interface RouterEntry {
  rawPath: string;
  method: string;
}

/**
 * Every (method, path) the Express router matches. Middleware mounted at `/` without a route
 * (body parsers, helmet, the request id, Nest's not-found and error handlers) sees every request
 * but declares no route: skipped. Middleware mounted at another path, or a nested router, is a
 * way to serve requests outside the controllers: it is reported as `USE <path>` (or walked), so
 * it fails the diff unless documented or allow-listed.
 */
function routerEntries(stack: ExpressLayer[], prefix = ''): RouterEntry[] {
  const entries: RouterEntry[] = [];
  for (const layer of stack) {
    const rawPath = `${prefix}${typeof layer.rawPath === 'string' ? layer.rawPath : String(layer.rawPath)}`;
    if (layer.route) {
      const routePath = `${prefix}${String(layer.route.path)}`;
      for (const [method, on] of Object.entries(layer.route.methods)) {
        if (on) entries.push({ rawPath: routePath, method: method.toUpperCase() });
      }
    } else if (Array.isArray(layer.handle?.stack)) {
      entries.push(...routerEntries(layer.handle.stack, rawPath === '/' ? prefix : rawPath));
    } else if (rawPath !== '/' && rawPath !== `${prefix}/`) {
      entries.push({ rawPath, method: 'USE' });
    }
  }
  return entries;
}

/** Routes declared by Nest controllers, read from their decorator metadata. */
function controllerRoutes(gateway: TestGateway): RouteKey[] {
  const scanner = new MetadataScanner();
  const routes: RouteKey[] = [];
  for (const module of gateway.app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const type = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!type) continue;
      const bases = [Reflect.getMetadata(PATH_METADATA, type) as string | string[] | undefined]
        .flat()
        .map((p) => p ?? '');
      const prototype = type.prototype as Record<string, unknown>;
      for (const name of scanner.getAllMethodNames(prototype)) {
        const handler = prototype[name] as object;
        const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (paths === undefined || method === undefined) continue;
        for (const base of bases) {
          for (const path of [paths].flat()) {
            const joined = `/${[base, path]
              .map((p) => p.replace(/^\/+|\/+$/g, ''))
              .filter(Boolean)
              .join('/')}`;
            routes.push(`${RequestMethod[method]} ${normalisePath(joined)}`);
          }
        }
      }
    }
  }
  return routes;
}

function documentedRoutes(contract: Contract): RouteKey[] {
  const paths = contract.document.paths as Record<string, Record<string, unknown>>;
  return Object.entries(paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((key) => DOCUMENTABLE_METHODS.includes(key))
      .map((method) => `${method.toUpperCase()} ${path}`),
  );
}

/** A concrete path for a template: every parameter gets a value that names nothing. */
const concrete = (template: string): string =>
  template.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');

describe('route diff: served routes vs the OpenAPI document (e2e)', () => {
  const contract = Contract.load();
  const documented = documentedRoutes(contract);
  let gateway: TestGateway;
  let entries: RouterEntry[];

  beforeAll(async () => {
    gateway = await startTestGateway({ ADMIN_TOKEN: TEST_ADMIN_TOKEN });
    const express = gateway.app.getHttpAdapter().getInstance() as {
      router?: { stack?: ExpressLayer[] };
    };
    // Express 5 exposes its router as `app.router`; without it this test cannot see anything.
    expect(Array.isArray(express.router?.stack)).toBe(true);
    entries = routerEntries(express.router!.stack!);
  });
  afterAll(async () => {
    await gateway?.close();
  });

  const allowed = (entry: RouterEntry): boolean => NOT_API.some((a) => a.rawPath === entry.rawPath);
  const servedWithConsole = (): RouteKey[] =>
    entries.filter((e) => !allowed(e)).map((e) => `${e.method} ${normalisePath(e.rawPath)}`);
  const served = (): RouteKey[] => servedWithConsole().filter((key) => !isConsole(key));

  it('can fail: the diff reports an added route and a removed one (self-check)', () => {
    const routes = served();
    expect(routes.length).toBeGreaterThan(10);
    expect(diffRoutes(routes, routes)).toEqual({ undocumented: [], missing: [] });
    const added = normalisePath('/v1/hris/payslips/:payslipId');
    expect(added).toBe('/v1/hris/payslips/{payslipId}');
    expect(diffRoutes([...routes, `GET ${added}`], routes)).toEqual({
      undocumented: [`GET ${added}`],
      missing: [],
    });
    const [dropped] = routes;
    expect(
      diffRoutes(
        routes.filter((r) => r !== dropped),
        routes,
      ),
    ).toEqual({
      undocumented: [],
      missing: [dropped],
    });
    // A route is its method and path: the same path under another method is another route.
    expect(diffRoutes(['DELETE /v1/events'], ['GET /v1/events'])).toEqual({
      undocumented: ['DELETE /v1/events'],
      missing: ['GET /v1/events'],
    });
    // Allow-listed entries are matched on the raw router path only, not on a normalised prefix.
    expect(allowed({ rawPath: '/v1/{*path}', method: 'GET' })).toBe(false);
    expect(allowed({ rawPath: '/{*path}', method: 'GET' })).toBe(true);
  });

  it('serves exactly the documented operations, both ways', () => {
    expect(diffRoutes(served(), documented)).toEqual({ undocumented: [], missing: [] });
  });

  it('every allow-listed entry still exists and hides no controller route', () => {
    for (const entry of NOT_API) {
      expect({
        entry: entry.rawPath,
        found: entries.some((e) => e.rawPath === entry.rawPath),
      }).toEqual({ entry: entry.rawPath, found: true });
    }
    // What the controllers declare is exactly what the router serves outside the allow-list:
    // so an allow-listed entry is not a controller route, and no route bypasses the controllers.
    const declared = controllerRoutes(gateway);
    expect(declared.length).toBeGreaterThan(10);
    expect(diffRoutes(servedWithConsole(), declared)).toEqual({ undocumented: [], missing: [] });
    // The console's routes are exactly the listed ones.
    const shape = (key: RouteKey): RouteKey => key.replace(/\{[^}]+\}/g, '{}');
    expect(servedWithConsole().filter(isConsole).map(shape).sort()).toEqual(
      [...CONSOLE_ROUTES].sort(),
    );
  });

  it('routes every documented operation (its request never ends in route_not_found)', async () => {
    for (const key of documented) {
      const [method, template] = key.split(' ') as [string, string];
      const res = await request(gateway.url)[method.toLowerCase() as 'get'](concrete(template));
      expectContract(res);
      const code = (res.body as { code?: unknown } | undefined)?.code;
      expect({ route: key, code }).not.toEqual({ route: key, code: 'route_not_found' });
    }
  });

  it('answers route_not_found for unknown paths and for methods a path does not document', async () => {
    const probes: Array<{ method: string; path: string }> = [
      // Through the allow-listed catch-all middleware: it must not answer.
      ...['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'].map((method) => ({
        method,
        path: '/v1/hris/payslips',
      })),
    ];
    const templates = [...new Set(documented.map((k) => k.split(' ')[1]!))];
    for (const template of templates) {
      const path = concrete(template);
      for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
        // Skip methods served for this concrete path by some documented operation (another
        // template can match it too, e.g. GET /v1/hris/employees/match is GET .../{id}).
        if (contract.findOperation(method, path)) continue;
        if (documented.includes(`${method} ${template}`)) continue;
        probes.push({ method, path });
      }
    }
    expect(probes.length).toBeGreaterThan(50);
    const answered: string[] = [];
    for (const probe of probes) {
      const res = await request(gateway.url)[probe.method.toLowerCase() as 'get'](probe.path);
      if (res.status !== 404 || (res.body as { code?: unknown }).code !== 'route_not_found') {
        answered.push(`${probe.method} ${probe.path} -> ${res.status}`);
        continue;
      }
      expectContract(res);
    }
    expect(answered).toEqual([]);
  });
});
