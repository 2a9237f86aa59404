/**
 * Bad input against every operation of the contract (property tests, e2e over HTTP and
 * PostgreSQL). The operations come from openapi/hris-gateway.yaml itself: every one that takes
 * query parameters or a JSON body gets a bounded number (15) of fast-check generated bad inputs
 * (wrong types, out-of-range and huge numbers, empty and 10 kB strings, unknown query and body
 * fields, repeated and bracketed query keys, arrays for scalars, SQL/NoSQL injection, path
 * traversal, unicode and NUL bytes, invalid cursors), sent with a valid token holding every
 * scope (bound to a connection for the HRIS and Events routes, the admin token for the admin
 * API). Every operation with a path parameter gets malformed ids. The connect page (HTML) is
 * fuzzed on its own.
 *
 * For every answer:
 * - never 5xx, and the answer is one the contract documents (status, media type, schema);
 * - a 4xx is application/problem+json (the token endpoint's RFC 6749 errors excepted, as
 *   documented);
 * - when the request differs from a valid one in a single field and that field breaks the
 *   field's schema in the contract (checked with ajv against the document, query strings read
 *   as the contract types them), the answer is 400 `validation_failed` and `errors[]` names
 *   that field.
 *
 * Deterministic sweeps beside the random cases cover whole classes at once, so that one class
 * of fault reads as one failing test with every instance listed: lenient number and instant
 * forms, malformed and non-object bodies, broken percent-encoding in paths, prototype
 * pollution, NUL bytes in every string, null/array/object in place of every body field.
 *
 * What the fuzz sends must not touch stored data: reads are fuzzed before writes, writes that
 * could change something target a scratch application and a scratch connection of another
 * application, and the last test compares every stored row of the synced connection (and its
 * connection and application records) with a snapshot taken before.
 *
 * fast-check prints the seed and the counterexample of a failure; replay with `seed`/`path`.
 */
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { request as httpRequest } from 'node:http';
import { Client } from 'pg';
import { type RunningSandbox } from '../../connectors/personio/sandbox';
import {
  accessToken,
  createApplication,
  createConnectSession,
  TEST_ADMIN_TOKEN,
  type TestApplication,
} from '../support/auth';
import { openLink } from '../support/connect-page';
import { Contract, expectContract } from '../support/contract';
import { startTestGateway, type TestGateway } from '../support/gateway';
import { startTestSandbox } from '../support/sandbox';
import { connectThroughLink, waitForLatestRun } from '../support/sync';

/**
 * One fixed seed by default, so CI is repeatable; `FUZZ_SEED=<n> npx jest api-fuzz` explores
 * others (fast-check prints the seed of any failure).
 */
fc.configureGlobal({ seed: Number(process.env.FUZZ_SEED ?? 20261122) });

type Json = Record<string, unknown>;

const CASES_PER_OPERATION = 15;
const PATH_CASES_PER_OPERATION = 6;
const TEN_KB = 10 * 1024;

// --- the contract, read as data ---------------------------------------------------------------

const contract = Contract.load();
const document = contract.document;
const DOC_ID = 'https://hris-gateway.local/fuzz-requests.json';

function deref(node: unknown): Json {
  let current = node as Json;
  for (let hops = 0; typeof current?.$ref === 'string' && hops < 20; hops += 1) {
    current = current.$ref
      .replace(/^#\//, '')
      .split('/')
      .reduce<unknown>((at, key) => (at as Json | undefined)?.[key], document) as Json;
  }
  return current;
}

function absolutize(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(absolutize);
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => [
      key,
      key === '$ref' && typeof value === 'string' && value.startsWith('#')
        ? `${DOC_ID}${value}`
        : absolutize(value),
    ]),
  );
}

/** Validates request inputs against the document's own schemas (open where it is open). */
const ajv = new Ajv2020({ strict: false, allErrors: false });
addFormats(ajv);
ajv.addSchema({ $id: DOC_ID, components: absolutize(document.components) });
const validators = new Map<unknown, ValidateFunction>();
function conforms(schema: unknown, value: unknown): boolean {
  let validate = validators.get(schema);
  if (!validate) {
    validate = ajv.compile(absolutize(schema) as Json);
    validators.set(schema, validate);
  }
  return validate(value);
}

/** A schema's properties, allOf members merged (one level). */
function propertiesOf(schema: unknown): Record<string, unknown> {
  const s = deref(schema);
  const own = (s.properties ?? {}) as Record<string, unknown>;
  const members = ((s.allOf ?? []) as unknown[]).map(propertiesOf);
  return Object.assign({}, ...members, own) as Record<string, unknown>;
}

function typeOf(schema: unknown): string | undefined {
  const s = deref(schema);
  const type = Array.isArray(s.type) ? (s.type as string[]).find((t) => t !== 'null') : s.type;
  return typeof type === 'string' ? type : s.enum ? 'string' : undefined;
}

/**
 * Whether a raw query value is one the contract allows: no parameter of the document is an
 * array, so a repeated key never is; an integer must be written as one.
 */
function queryValueConforms(schema: unknown, raw: string | string[]): boolean {
  if (Array.isArray(raw)) return false;
  const type = typeOf(schema);
  if (type === 'integer' || type === 'number') {
    const written = type === 'integer' ? /^-?(0|[1-9]\d*)$/ : /^-?(0|[1-9]\d*)(\.\d+)?$/;
    if (!written.test(raw)) return false;
    return conforms(schema, Number(raw));
  }
  return conforms(schema, raw);
}

interface Param {
  name: string;
  in: 'query' | 'path';
  required: boolean;
  schema: unknown;
}

interface Operation {
  method: string;
  template: string;
  tags: string[];
  auth: 'admin' | 'app' | 'bound' | 'none';
  query: Param[];
  pathParams: Param[];
  body?: { schema: unknown; required: boolean; form: boolean };
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

function operations(): Operation[] {
  const paths = (document.paths ?? {}) as Record<string, Json>;
  return Object.entries(paths).flatMap(([template, item]) =>
    Object.keys(item)
      .filter((m) => METHODS.includes(m))
      .map((method) => {
        const op = item[method] as Json;
        const params = [
          ...((item.parameters ?? []) as unknown[]),
          ...((op.parameters ?? []) as unknown[]),
        ].map((p) => {
          const d = deref(p);
          return {
            name: d.name as string,
            in: d.in as Param['in'],
            required: d.required === true,
            schema: d.schema,
          };
        });
        const tags = (op.tags ?? []) as string[];
        const security = (op.security ?? []) as Array<Record<string, unknown>>;
        const auth: Operation['auth'] = security.some((s) => 'adminToken' in s)
          ? 'admin'
          : security.some((s) => 'accessToken' in s)
            ? tags.includes('HRIS') || tags.includes('Events')
              ? 'bound'
              : 'app'
            : 'none';
        const content = (deref(op.requestBody ?? {}).content ?? {}) as Record<string, Json>;
        const jsonBody = content['application/json'];
        const formBody = content['application/x-www-form-urlencoded'];
        const body =
          jsonBody || formBody
            ? {
                schema: (jsonBody ?? formBody)!.schema,
                required: deref(op.requestBody).required === true,
                form: !jsonBody,
              }
            : undefined;
        return {
          method: method.toUpperCase(),
          template,
          tags,
          auth,
          query: params.filter((p) => p.in === 'query'),
          pathParams: params.filter((p) => p.in === 'path'),
          body,
        };
      }),
  );
}

const ALL = operations();
const isConnectPage = (op: Operation): boolean => op.tags.includes('Connect page');
const FUZZED = ALL.filter(
  (op) => !isConnectPage(op) && (op.query.length > 0 || (op.body && !op.body.form)),
);
const WITH_PATH_PARAMS = ALL.filter((op) => !isConnectPage(op) && op.pathParams.length > 0);

// --- bad values -------------------------------------------------------------------------------

const INJECTIONS = [
  "' OR 1=1--",
  "'; DROP TABLE employees;--",
  '" OR ""="',
  '1; SELECT pg_sleep(0)--',
  '{"$gt":""}',
  '{"$ne":null}',
  '$where',
  '../../etc/passwd',
  '..%2F..%2Fetc%2Fpasswd',
  '<script>alert(1)</script>',
  '${jndi:ldap://127.0.0.1/x}',
  '%00',
  '\u0000',
  'a\u0000b',
  '\u202eevil',
  'ℌ𝔢𝔩𝔩𝔬 😀',
  '\u0085\u2028',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '[]',
  '{}',
  'true',
  ' ',
  '',
];

/** Texts that are never right for a typed field; short ones, safe to repeat in a query. */
const shortBadText = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...INJECTIONS) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 12 }) },
);
/**
 * 10 kB of characters sent as they are: a request head over Node's 16 kB limit is refused by
 * Node itself (431, before the application), which is not what these cases are about.
 */
const hugeText = fc.constantFrom('x'.repeat(TEN_KB), '9'.repeat(TEN_KB), 'a-b_c.'.repeat(1707));

function badQueryText(schema: unknown): fc.Arbitrary<string> {
  const s = deref(schema);
  const type = typeOf(schema);
  const variants: Array<fc.Arbitrary<string>> = [shortBadText, hugeText];
  if (type === 'integer' || type === 'number') {
    const min = typeof s.minimum === 'number' ? s.minimum : 0;
    const max = typeof s.maximum === 'number' ? s.maximum : Number.MAX_SAFE_INTEGER;
    variants.push(
      fc.constantFrom(
        String(min - 1),
        String(max + 1),
        '-1',
        '1.5',
        '1e999',
        '9'.repeat(400),
        '-9223372036854775809',
        '18446744073709551616',
      ),
      fc
        .oneof(
          fc.bigInt({ min: -(10n ** 30n), max: BigInt(min) - 1n }),
          fc.bigInt({ min: BigInt(max) + 1n, max: BigInt(max) + 10n ** 30n }),
        )
        .map(String),
      fc.double({ noNaN: true }).map(String),
    );
  }
  if (Array.isArray(s.enum)) {
    const values = s.enum as string[];
    variants.push(
      fc
        .constantFrom(...values)
        .chain((v) =>
          fc.constantFrom(v.toUpperCase(), ` ${v}`, `${v} `, `${v},${v}`, `${v}\u0000`, `${v}x`),
        ),
    );
  }
  if (s.format === 'uuid') {
    variants.push(
      fc.constantFrom(
        '00000000-0000-0000-0000-00000000000g',
        '6f1c2a0e4b7d4f1a9e3c5d8b2a7f0c41',
        '{6f1c2a0e-4b7d-4f1a-9e3c-5d8b2a7f0c41}',
        '6f1c2a0e-4b7d-4f1a-9e3c-5d8b2a7f0c41-00',
        "6f1c2a0e-4b7d-4f1a-9e3c-5d8b2a7f0c41' OR 1=1--",
      ),
      fc.uuid().map((u) => `${u}x`),
    );
  }
  if (s.format === 'date-time') {
    variants.push(
      fc.constantFrom(
        '2026-13-01T00:00:00Z',
        '2026-02-30T00:00:00Z',
        '2026-01-01T25:00:00Z',
        'yesterday',
        '1700000000',
        '01/02/2026',
      ),
    );
  }
  if (s.format === 'date') {
    variants.push(
      fc.constantFrom('2026-02-30', '2026-1-1', '26-01-01', '2026-01-01T00:00:00Z', '20260101'),
    );
  }
  if (s.format === 'email') {
    variants.push(fc.constantFrom('not-an-email', '@example.com', 'a@', `${'a'.repeat(330)}@x.io`));
  }
  // Texts Number() reads as a valid integer (' 5', '0x10', '') are the lenient-forms test's.
  if (type === 'integer') {
    return fc
      .oneof(...variants)
      .filter((v) => !(Number.isInteger(Number(v)) && conforms(schema, Number(v))));
  }
  return fc.oneof(...variants);
}

/** Cursors this API never returned. */
const badCursor = fc.oneof(
  fc.constantFrom(
    'not-a-cursor',
    '!!!',
    "' OR 1=1--",
    Buffer.from('{"t":"x","id":"y"}').toString('base64url'),
    Buffer.from('{"t":"2026-01-01T00:00:00Z","id":"not-a-uuid"}').toString('base64url'),
    Buffer.from('{"t":"2026-01-01T00:00:00Z","id":{"$gt":""}}').toString('base64url'),
    Buffer.from('[]').toString('base64url'),
    Buffer.from('null').toString('base64url'),
    Buffer.from('{"t":1e999,"id":1}').toString('base64url'),
    Buffer.from('\u0000').toString('base64url'),
    'x'.repeat(TEN_KB),
  ),
  fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 40 }),
);

const MISSING = Symbol('missing');

/** JSON values that break a body field's schema (most of the time; ajv decides). */
function badJson(schema: unknown): fc.Arbitrary<unknown> {
  const s = deref(schema);
  const type = typeOf(schema);
  const generic = fc.constantFrom<unknown>(
    null,
    true,
    0,
    -1,
    1.5,
    1e308,
    -1e308,
    '',
    [],
    [null],
    {},
    { $gt: '' },
    { $ne: null },
    "' OR 1=1--",
    '../../etc/passwd',
    'a\u0000b',
    '\ud800 lone surrogate',
    'x'.repeat(TEN_KB),
    'ℌ𝔢𝔩𝔩𝔬 😀',
    MISSING,
  );
  const variants: Array<fc.Arbitrary<unknown>> = [
    generic,
    fc.jsonValue({ maxDepth: 2 }),
    fc.string({ unit: 'binary', maxLength: 16 }),
  ];
  if (type === 'integer' || type === 'number') {
    const min = typeof s.minimum === 'number' ? s.minimum : -(2 ** 53);
    const max = typeof s.maximum === 'number' ? s.maximum : 2 ** 53;
    variants.push(
      fc.constantFrom<unknown>(min - 1, max + 1, 2 ** 64, -(2 ** 64), String(min), '1e3'),
      fc
        .double({ noNaN: true, min: min + 0.001, max: max - 0.001 })
        .filter((n) => !Number.isInteger(n)),
    );
  }
  if (type === 'string' && Array.isArray(s.enum)) {
    variants.push(
      fc.constantFrom(...(s.enum as string[])).map((v) => v.toUpperCase()),
      fc.constantFrom(...(s.enum as string[])).map((v) => [v]),
    );
  }
  if (type === 'string' && s.format === 'uuid') {
    variants.push(
      fc.uuid().map((u) => u.replace(/-/g, '')),
      fc.constant({ $gt: '' }),
    );
  }
  if (type === 'string' && (s.format === 'email' || s.format === 'uri')) {
    variants.push(
      fc.constantFrom('not-an-email', 'javascript:alert(1)', 'file:///etc/passwd', '//x', 'a b'),
    );
  }
  if (type === 'string' && typeof s.maxLength === 'number') {
    variants.push(fc.constant('y'.repeat(s.maxLength + 1)));
  }
  if (type === 'array') {
    const items = s.items;
    variants.push(
      fc.constantFrom<unknown>('not-an-array', { 0: 'x' }, [[]], [{}]),
      badJson(items ?? {}).map((v) => (v === MISSING ? [null] : [v])),
    );
    if (typeof s.maxItems === 'number') {
      variants.push(fc.constant(Array.from({ length: s.maxItems + 1 }, (_, i) => `x${i}`)));
    }
    if (s.uniqueItems === true && Array.isArray(deref(items).enum)) {
      const first = (deref(items).enum as string[])[0]!;
      variants.push(fc.constant([first, first]));
    }
  }
  if (type === 'object') {
    variants.push(fc.constantFrom<unknown>('not-an-object', [], [{}], 42));
  }
  return fc.oneof(...variants);
}

/** Paths of a body schema's fields, nested objects included (up to 3 levels). */
function fieldPaths(schema: unknown, prefix: string[] = [], depth = 0): string[][] {
  if (depth >= 3) return [];
  return Object.entries(propertiesOf(schema)).flatMap(([name, sub]) => {
    const path = [...prefix, name];
    return [path, ...(typeOf(sub) === 'object' ? fieldPaths(sub, path, depth + 1) : [])];
  });
}

function schemaAt(schema: unknown, path: string[]): unknown {
  return path.reduce<unknown>((s, key) => propertiesOf(s)[key] ?? {}, schema);
}

/** Paths of object-typed fields where an unknown key can be slipped in ([] = the top level). */
function objectPaths(schema: unknown): string[][] {
  return [[], ...fieldPaths(schema).filter((p) => typeOf(schemaAt(schema, p)) === 'object')];
}

function withValue(base: Json, path: string[], value: unknown): Json {
  const copy = structuredClone(base);
  let at: Json = copy;
  for (const key of path.slice(0, -1)) {
    const next = at[key];
    at[key] = typeof next === 'object' && next !== null && !Array.isArray(next) ? next : {};
    at = at[key] as Json;
  }
  const last = path.at(-1)!;
  if (value === MISSING) delete at[last];
  else at[last] = value;
  return copy;
}

// --- cases ------------------------------------------------------------------------------------

type FuzzCase =
  | { kind: 'query'; name: string; key: string; value: string | string[] }
  | { kind: 'query-missing'; name: string }
  | { kind: 'query-unknown'; key: string; value: string }
  | { kind: 'query-many'; entries: Array<[string, string]> }
  | { kind: 'body-field'; path: string[]; value: unknown }
  | { kind: 'body-unknown'; path: string[]; value: unknown };

/**
 * Unknown query keys. Not Object.prototype names (`constructor`, `toString` ...): Express' query
 * parser (qs, allowPrototypes off) drops those before the application sees them.
 */
const QUERY_UNKNOWN_KEYS = fc.oneof(
  fc.constantFrom('foo', '$where', 'offset', 'page', 'sort', 'LIMIT', 'Limit', 'q'),
  fc.stringMatching(/^[a-z_]{1,12}$/),
);
const BODY_UNKNOWN_KEYS = fc.oneof(
  fc.constantFrom('foo', 'constructor', 'toString', 'hasOwnProperty', '$where', 'id', 'admin'),
  fc.stringMatching(/^[a-z_]{1,12}$/),
);

const RAW_BODIES: Array<{ raw: string; contentType: string }> = [
  { raw: 'null', contentType: 'application/json' },
  { raw: '[]', contentType: 'application/json' },
  { raw: '[{}]', contentType: 'application/json' },
  { raw: '"text"', contentType: 'application/json' },
  { raw: '42', contentType: 'application/json' },
  { raw: '{', contentType: 'application/json' },
  { raw: '{"a":', contentType: 'application/json' },
  { raw: '{"a":1,}', contentType: 'application/json' },
  { raw: "{'a':1}", contentType: 'application/json' },
  { raw: '\u0000', contentType: 'application/json' },
  { raw: `{"x":"${'x'.repeat(200 * 1024)}"}`, contentType: 'application/json' },
  { raw: `${'['.repeat(5000)}${']'.repeat(5000)}`, contentType: 'application/json' },
  { raw: `{"x":${'['.repeat(5000)}${']'.repeat(5000)}}`, contentType: 'application/json' },
  { raw: 'hello', contentType: 'text/plain' },
  { raw: '<a>1</a>', contentType: 'application/xml' },
];

function caseArb(op: Operation, baseBody: Json | undefined): fc.Arbitrary<FuzzCase> {
  const arbs: Array<{ weight: number; arbitrary: fc.Arbitrary<FuzzCase> }> = [];
  if (op.query.length > 0) {
    const one = fc.constantFrom(...op.query).chain((p) =>
      fc
        .record({
          key: fc.constantFrom(p.name, p.name, p.name, p.name, `${p.name}[]`, `${p.name}[$gt]`),
          value: fc.oneof(
            { weight: 6, arbitrary: p.name === 'cursor' ? badCursor : badQueryText(p.schema) },
            { weight: 1, arbitrary: fc.array(shortBadText, { minLength: 2, maxLength: 3 }) },
          ),
        })
        .map(({ key, value }): FuzzCase => ({ kind: 'query', name: p.name, key, value })),
    );
    arbs.push({ weight: 8, arbitrary: one });
    arbs.push({
      weight: 2,
      arbitrary: fc
        .record({ key: QUERY_UNKNOWN_KEYS, value: shortBadText })
        .filter(({ key }) => !op.query.some((p) => p.name === key))
        .map(({ key, value }): FuzzCase => ({ kind: 'query-unknown', key, value })),
    });
    arbs.push({
      weight: 1,
      arbitrary: fc
        .uniqueArray(fc.constantFrom(...op.query), {
          minLength: 1,
          maxLength: op.query.length,
          selector: (p) => p.name,
        })
        .chain((ps) =>
          fc.tuple(
            ...ps.map((p) => badQueryText(p.schema).map((v): [string, string] => [p.name, v])),
          ),
        )
        // Within Node's 16 kB request head (see hugeText).
        .filter((entries) => entries.map(([k, v]) => q(k, v)).join('&').length < 12_000)
        .map((entries): FuzzCase => ({ kind: 'query-many', entries })),
    });
    const required = op.query.filter((p) => p.required);
    if (required.length > 0) {
      arbs.push({
        weight: 1,
        arbitrary: fc
          .constantFrom(...required)
          .map((p): FuzzCase => ({ kind: 'query-missing', name: p.name })),
      });
    }
  }
  if (op.body && baseBody) {
    const schema = op.body.schema;
    const paths = fieldPaths(schema);
    if (paths.length > 0) {
      arbs.push({
        weight: 8,
        arbitrary: fc.constantFrom(...paths).chain((path) =>
          badJson(schemaAt(schema, path)).map((value): FuzzCase => ({
            kind: 'body-field',
            path,
            value,
          })),
        ),
      });
    }
    arbs.push({
      weight: 2,
      arbitrary: fc
        .record({
          at: fc.constantFrom(...objectPaths(schema)),
          key: BODY_UNKNOWN_KEYS,
          value: fc.oneof(shortBadText, fc.jsonValue({ maxDepth: 1 })),
        })
        .filter(({ at, key }) => !Object.hasOwn(propertiesOf(schemaAt(schema, at)), key))
        .map(({ at, key, value }): FuzzCase => ({
          kind: 'body-unknown',
          path: [...at, key],
          value,
        })),
    });
  }
  return fc.oneof(...arbs);
}

// --- HTTP -------------------------------------------------------------------------------------

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  body: unknown;
}

/** A raw request: the path and query go on the wire exactly as given. */
function send(
  base: string,
  method: string,
  pathAndQuery: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Answer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method,
        path: pathAndQuery,
        headers: {
          ...headers,
          ...(body !== undefined ? { 'Content-Length': String(Buffer.byteLength(body)) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          if (/json/.test(String(res.headers['content-type'])) && text) {
            try {
              parsed = JSON.parse(text);
            } catch {
              parsed = text;
            }
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body: parsed });
        });
        res.on('error', reject);
      },
    );
    req.setTimeout(20_000, () => req.destroy(new Error(`${method} ${pathAndQuery}: no answer`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

const q = (key: string, value: string): string =>
  `${encodeURIComponent(key).replace(/%5B/g, '[').replace(/%5D/g, ']')}=${encodeURIComponent(value)}`;

/** A value for a failure message: escaped (NUL bytes and all), cut at 120 characters. */
function short(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  const cut = text.length > 120 ? `${text.slice(0, 120)}...(${text.length} chars)` : text;
  return JSON.stringify(cut).slice(1, -1);
}

// --- the tests --------------------------------------------------------------------------------

describe('API fuzz: bad input on every documented operation (property, e2e)', () => {
  let sandbox: RunningSandbox;
  let gateway: TestGateway;
  let db: Client;
  let app: TestApplication;
  let scratchApp: TestApplication;
  let appToken: string;
  /** Token of a second application: what the fuzz may change belongs to it, not to `app`. */
  let mutToken: string;
  let bound: string;
  let connectionId: string;
  let scratchConnection: string;
  let scratchRun: string;
  const ids = {
    employee: '',
    team: '',
    absence: '',
    /** An endpoint of the reading application, and one (with a delivery) of the changing one. */
    webhookRead: '',
    webhookScratch: '',
    delivery: '',
  };
  let snapshotBefore: unknown;

  const TABLES = [
    'employees',
    'teams',
    'positions',
    'reporting_lines',
    'absences',
    'absence_types',
  ];

  async function snapshot(): Promise<unknown> {
    const rows: Record<string, unknown> = {};
    for (const table of TABLES) {
      rows[table] = (
        await db.query(
          `SELECT id, remote_id, hash, data, updated_at, remote_deleted_at FROM ${table}
           WHERE connection_id = $1 ORDER BY id`,
          [connectionId],
        )
      ).rows;
    }
    rows.connection = (
      await db.query(
        `SELECT id, customer_ref, status, settings, credentials IS NOT NULL AS has_credentials
         FROM connections WHERE id = $1`,
        [connectionId],
      )
    ).rows;
    rows.application = (await db.query(`SELECT * FROM applications WHERE id = $1`, [app.id])).rows;
    return rows;
  }

  const tokenFor = (op: Operation): Record<string, string> =>
    op.auth === 'admin'
      ? { Authorization: `Bearer ${TEST_ADMIN_TOKEN}` }
      : op.auth === 'bound'
        ? { Authorization: `Bearer ${bound}` }
        : op.auth === 'app'
          ? { Authorization: `Bearer ${op.method === 'GET' ? appToken : mutToken}` }
          : {};

  /** A real value for each path parameter, so only the fuzzed part of a request is wrong. */
  function realPathValue(op: Operation, param: Param): string {
    const byTemplate: Record<string, string> = {
      '/v1/admin/applications/{id}': scratchApp.id,
      '/v1/admin/applications/{id}/rotate-secret': scratchApp.id,
      '/v1/connections/{id}': scratchConnection,
      '/v1/connections/{id}/test': scratchConnection,
      '/v1/sync-runs/{id}': scratchRun,
      '/v1/sync-runs/{id}/confirm': scratchRun,
      '/v1/hris/employees/{id}': ids.employee,
      '/v1/hris/employees/{id}/reports': ids.employee,
      '/v1/hris/teams/{id}': ids.team,
      '/v1/hris/teams/{id}/members': ids.team,
      '/v1/hris/absences/{id}': ids.absence,
      '/docs/assets/{name}': 'init.js',
    };
    if (op.template.startsWith('/v1/webhooks/{id}')) {
      // Reads go with the reading application's token, changes with the changing one's.
      if (param.name === 'delivery_id') return ids.delivery;
      return op.method === 'GET' ? ids.webhookRead : ids.webhookScratch;
    }
    const value = byTemplate[op.template];
    if (!value) throw new Error(`no real value for ${param.name} of ${op.template}: add one`);
    return value;
  }

  /** A valid query for the operation: the required parameters with a valid value. */
  function baseQuery(op: Operation): Array<[string, string]> {
    return op.query
      .filter((p) => p.required)
      .map((p) => {
        const s = deref(p.schema);
        const value = Array.isArray(s.enum) ? String(s.enum[0]) : '1';
        return [p.name, value];
      });
  }

  /** A valid body for the operation, aimed at scratch records where it could change anything. */
  function baseBody(op: Operation): Json | undefined {
    const key = `${op.method} ${op.template}`;
    const bodies: Record<string, Json> = {
      'POST /v1/admin/applications': { name: 'Fuzz app', scopes: ['events:read'] },
      'PATCH /v1/admin/applications/{id}': { name: 'Scratch app' },
      'POST /v1/oauth/token': {
        grant_type: 'client_credentials',
        client_id: scratchApp.clientId,
        client_secret: scratchApp.clientSecret,
      },
      'POST /v1/connect/sessions': { customer_ref: 'fuzz-customer' },
      'PATCH /v1/connections/{id}': { settings: { schedule: 'PT1H' } },
      'POST /v1/sync-runs': { connection_id: scratchConnection },
      'POST /v1/sync-runs/{id}/confirm': { actor: { name: 'Fuzz' } },
      'POST /v1/hris/employees/match': { emails: ['nobody@example.com'] },
      // Nothing listens on the discard port: deliveries fail harmlessly.
      'POST /v1/webhooks': { url: 'http://127.0.0.1:9/fuzz', event_types: ['*'] },
      'PATCH /v1/webhooks/{id}': { description: 'Scratch endpoint' },
      'POST /v1/webhooks/{id}/rotate-secret': { grace_period_seconds: 0 },
      'POST /v1/webhooks/{id}/replay': { after_sequence: 0, connection_id: null },
    };
    if (!op.body) return undefined;
    const body = bodies[key];
    if (!body) throw new Error(`no valid body for ${key}: add one`);
    if (!conforms(op.body.schema, body)) throw new Error(`the valid body for ${key} is not valid`);
    return body;
  }

  function buildRequest(
    op: Operation,
    c: FuzzCase,
  ): { pathAndQuery: string; path: string; body?: string; contentType?: string; json?: unknown } {
    const path = op.template.replace(/\{([^}]+)\}/g, (_, name: string) =>
      encodeURIComponent(
        realPathValue(
          op,
          op.pathParams.find((p) => p.name === name)!,
        ),
      ),
    );
    let query = baseQuery(op);
    const raw: string[] = [];
    if (c.kind === 'query') {
      query = query.filter(([k]) => k !== c.name);
      for (const v of Array.isArray(c.value) ? c.value : [c.value]) raw.push(q(c.key, v));
    } else if (c.kind === 'query-missing') {
      query = query.filter(([k]) => k !== c.name);
    } else if (c.kind === 'query-unknown') {
      raw.push(q(c.key, c.value));
    } else if (c.kind === 'query-many') {
      query = query.filter(([k]) => !c.entries.some(([n]) => n === k));
      for (const [k, v] of c.entries) raw.push(q(k, v));
    }
    const parts = [...query.map(([k, v]) => q(k, v)), ...raw];
    const pathAndQuery = parts.length > 0 ? `${path}?${parts.join('&')}` : path;

    const base = baseBody(op);
    if (!op.body || !base) return { pathAndQuery, path };
    const json =
      c.kind === 'body-field' || c.kind === 'body-unknown'
        ? withValue(base, c.path, c.value)
        : base;
    return {
      pathAndQuery,
      path,
      body: JSON.stringify(json),
      contentType: 'application/json',
      json,
    };
  }

  /** The field a single-field case makes invalid (per the contract), if it does. */
  function invalidField(
    op: Operation,
    c: FuzzCase,
    json: unknown,
  ): { in: string; names: string[] } | undefined {
    switch (c.kind) {
      case 'query': {
        const p = op.query.find((x) => x.name === c.name)!;
        if (c.key === c.name && queryValueConforms(p.schema, c.value)) return undefined;
        // An empty cursor is no cursor (the first page); any other one the API never gave is bad.
        if (c.name === 'cursor' && c.key === c.name && c.value === '') return undefined;
        return { in: 'query', names: [c.name, c.key] };
      }
      case 'query-missing':
        return { in: 'query', names: [c.name] };
      case 'query-unknown':
        return { in: 'query', names: [c.key] };
      case 'body-unknown':
        // An Object.prototype name (`constructor`, `toString` ...) is dropped by class-transformer
        // before validation: never applied, but not named either (reported, not asserted here).
        if (c.path.at(-1)! in Object.prototype) return undefined;
        return op.body && !conforms(op.body.schema, json)
          ? { in: 'body', names: [c.path.join('.')] }
          : undefined;
      case 'body-field':
        return op.body && !conforms(op.body.schema, json)
          ? { in: 'body', names: [c.path.join('.')] }
          : undefined;
      default:
        return undefined;
    }
  }

  beforeAll(async () => {
    sandbox = await startTestSandbox({ employees: 30 });
    gateway = await startTestGateway({
      ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      PERSONIO_BASE_URL: sandbox.url,
      SYNC_TICK_MS: '100',
      CONNECT_RATE_LIMIT_PER_MINUTE: '10000',
      API_RATE_LIMIT_PER_MINUTE: '10000',
      WEBHOOK_ALLOW_INSECURE_URLS: 'true',
      WEBHOOK_TICK_MS: '50',
    });
    db = new Client({ connectionString: gateway.database.url });
    await db.connect();
    app = await createApplication(gateway, { name: 'Fuzz target' });
    scratchApp = await createApplication(gateway, { name: 'Scratch app' });
    appToken = await accessToken(gateway, app);
    mutToken = await accessToken(
      gateway,
      await createApplication(gateway, { name: 'Fuzz changes' }),
    );
    const endpoint = async (token: string): Promise<string> => {
      const res = await send(
        gateway.url,
        'POST',
        '/v1/webhooks',
        { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        JSON.stringify({ url: 'http://127.0.0.1:9/fuzz', event_types: ['*'] }),
      );
      expect(res.status).toBe(201);
      return (res.body as { id: string }).id;
    };
    ids.webhookRead = await endpoint(appToken);
    ids.webhookScratch = await endpoint(mutToken);
    connectionId = await connectThroughLink(gateway, appToken, sandbox.credentials[0]!);
    scratchConnection = await connectThroughLink(gateway, mutToken, sandbox.credentials[0]!);
    expect((await waitForLatestRun(gateway, appToken, connectionId)).status).toBe('succeeded');
    const run = await waitForLatestRun(gateway, mutToken, scratchConnection);
    expect(run.status).toBe('succeeded');
    scratchRun = run.id;
    bound = await accessToken(gateway, app, { connectionId });
    for (let i = 0; i < 100 && !ids.delivery; i += 1) {
      const found = await db.query<{ id: string }>(
        'SELECT id FROM webhook_deliveries WHERE endpoint_id = $1 LIMIT 1',
        [ids.webhookScratch],
      );
      ids.delivery = found.rows[0]?.id ?? '';
      if (!ids.delivery) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(ids.delivery).not.toBe('');

    const auth = { Authorization: `Bearer ${bound}` };
    const list = async (path: string): Promise<Array<{ id: string }>> => {
      const res = await send(gateway.url, 'GET', `${path}?limit=500`, auth);
      expectContract(res, { method: 'GET', path });
      expect(res.status).toBe(200);
      return (res.body as { data: Array<{ id: string }> }).data;
    };
    ids.employee = (await list('/v1/hris/employees'))[0]!.id;
    ids.team = (await list('/v1/hris/teams'))[0]!.id;
    ids.absence = (await list('/v1/hris/absences'))[0]!.id;
    snapshotBefore = await snapshot();
  }, 60_000);

  afterAll(async () => {
    await db?.end();
    await gateway?.close();
    await sandbox?.close();
  });

  /** The logged cause of a 500, for the failure message. */
  function causeOf(answer: Answer): string {
    const errorId = (answer.body as { error_id?: string } | undefined)?.error_id;
    const line = gateway.logs.find((l) => errorId && l.error_id === errorId);
    if (!line) return '(no logged cause)';
    const err = (line.err ?? {}) as { type?: string; message?: string; stack?: string };
    // The first frames outside node internals say where it broke.
    const frames = (err.stack ?? '')
      .split('\n')
      .filter((f) => f.trim().startsWith('at ') && !f.includes('node:'))
      .slice(0, 3)
      .map((f) =>
        f
          .trim()
          .replace(/\(.*node_modules\//, '(')
          .replace(/\(\/.*?\/work\/main\//, '('),
      );
    return `${err.type ?? ''}: ${err.message ?? ''} ${frames.join(' < ')}`;
  }

  it('reads every fuzzed operation from the contract', () => {
    const names = FUZZED.map((op) => `${op.method} ${op.template}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'GET /v1/hris/employees',
        'POST /v1/hris/employees/match',
        'GET /v1/hris/absences',
        'GET /v1/events',
        'PATCH /v1/connections/{id}',
        'POST /v1/admin/applications',
      ]),
    );
    expect(FUZZED.length).toBeGreaterThanOrEqual(20);
  });

  /** One operation's random bad inputs (see the file comment for what every answer must be). */
  async function fuzzOperation(op: Operation): Promise<void> {
    await fc.assert(
      fc.asyncProperty(caseArb(op, baseBody(op)), async (c) => {
        const built = buildRequest(op, c);
        const answer = await send(
          gateway.url,
          op.method,
          built.pathAndQuery,
          {
            ...tokenFor(op),
            ...(built.contentType ? { 'Content-Type': built.contentType } : {}),
          },
          built.body,
        );
        const where = `${op.method} ${short(built.pathAndQuery)} body=${short(built.body)} -> ${answer.status} ${short(answer.text)}`;
        if (answer.status >= 500) throw new Error(`${where}\ncause: ${causeOf(answer)}`);
        try {
          expectContract(answer, { method: op.method, path: built.path });
        } catch (error) {
          throw new Error(`${where}\n${(error as Error).message}`);
        }
        if (answer.status >= 400 && op.template !== '/v1/oauth/token') {
          expect({ where, type: String(answer.headers['content-type']).split(';')[0] }).toEqual({
            where,
            type: 'application/problem+json',
          });
        }
        const bad = invalidField(op, c, built.json);
        if (bad && op.template !== '/v1/oauth/token') {
          const problem = answer.body as {
            code?: string;
            errors?: Array<{ in: string; field: string }>;
          };
          const named = (problem.errors ?? []).some(
            (e) =>
              e.in === bad.in &&
              bad.names.some(
                (n) => e.field === n || e.field.startsWith(`${n}.`) || n.startsWith(`${e.field}.`),
              ),
          );
          expect({ where, status: answer.status, code: problem.code, named }).toEqual({
            where,
            status: 400,
            code: 'validation_failed',
            named: true,
          });
        } else if (bad) {
          expect({ where, client_error: answer.status >= 400 && answer.status < 500 }).toEqual({
            where,
            client_error: true,
          });
        }
      }),
      { numRuns: CASES_PER_OPERATION, endOnFailure: true },
    );
  }

  /**
   * What is wrong with one answer to a request that must fail: a 5xx, an answer the contract
   * does not document, a success, or (outside the token endpoint) a 4xx that is not
   * problem+json. Empty when nothing is.
   */
  function faultsOf(op: Operation, path: string, answer: Answer, what: string): string[] {
    const code = (answer.body as { code?: string } | undefined)?.code;
    const where = `${what} -> ${answer.status} ${code ?? ''}`.trim();
    if (answer.status >= 500) return [`${where}: ${causeOf(answer)}`];
    const reasons: string[] = [];
    if (answer.status < 400) reasons.push('accepted');
    try {
      expectContract(answer, { method: op.method, path });
    } catch (error) {
      const lines = (error as Error).message
        .split('\n')
        .filter((l) => !l.startsWith('body:'))
        .slice(0, 3);
      reasons.push(lines.map((l) => l.replace(/^.*?-> \d+: /, '').trim()).join(' | '));
    }
    const type = String(answer.headers['content-type']).split(';')[0];
    if (
      answer.status >= 400 &&
      op.template !== '/v1/oauth/token' &&
      type !== 'application/problem+json'
    ) {
      reasons.push(`${type}, not application/problem+json`);
    }
    return reasons.length > 0 ? [`${where}: ${reasons.join('; ')}`] : [];
  }

  // Reads are fuzzed first, writes last: a list read after a write the gateway wrongly accepted
  // (and stored) would fail for that write rather than for itself.
  it.each(
    FUZZED.filter((op) => op.method === 'GET').map(
      (op) => [`${op.method} ${op.template}`, op] as const,
    ),
  )(
    '%s: bad input answers 4xx problem+json naming the field, never 5xx',
    async (_name, op) => fuzzOperation(op),
    30_000,
  );

  it('integers and instants in forms the contract does not allow ("", +5, " 5", 0x10, 1e2, a date for a date-time) answer 400 naming the parameter', async () => {
    const lenient = (schema: unknown): string[] =>
      typeOf(schema) === 'integer'
        ? ['', '+5', ' 5', '0x10', '1e2']
        : deref(schema).format === 'date-time'
          ? ['2026-01-01', '2026-01-01T00:00:00']
          : [];
    const faults: string[] = [];
    for (const op of FUZZED) {
      for (const param of op.query) {
        for (const value of lenient(param.schema)) {
          expect(queryValueConforms(param.schema, value)).toBe(false);
          const built = buildRequest(op, {
            kind: 'query',
            name: param.name,
            key: param.name,
            value,
          });
          const answer = await send(gateway.url, op.method, built.pathAndQuery, tokenFor(op));
          const what = `${op.method} ${built.pathAndQuery}`;
          const problem = answer.body as { errors?: Array<{ field: string }> };
          faults.push(...faultsOf(op, built.path, answer, what));
          if (answer.status === 400 && !problem.errors?.some((e) => e.field === param.name)) {
            faults.push(`${what} -> 400 without naming ${param.name}`);
          }
        }
      }
    }
    expect(faults).toEqual([]);
  });

  const badIds = fc.oneof(
    fc.constantFrom(
      'not-a-uuid',
      "' OR 1=1--",
      '1 OR 1=1',
      '{"$gt":""}',
      '../../etc/passwd',
      '..%2F..%2Fetc%2Fpasswd',
      '\u0000',
      'a\u0000b',
      'ℌ𝔢𝔩𝔩𝔬 😀',
      '00000000-0000-0000-0000-00000000000g',
      '6f1c2a0e4b7d4f1a9e3c5d8b2a7f0c41',
      '-1',
      '99999999999999999999999',
      'x'.repeat(TEN_KB),
      'null',
      'constructor',
      '__proto__',
    ),
    fc.uuid(),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
  );

  it.each(WITH_PATH_PARAMS.map((op) => [`${op.method} ${op.template}`, op] as const))(
    '%s: a malformed or unknown id answers 404 problem+json',
    async (_name, op) => {
      await fc.assert(
        fc.asyncProperty(badIds, async (id) => {
          // ('.' and '..' are dot segments, '' no segment: other routes, not malformed ids.)
          fc.pre(id !== '.' && id !== '..' && id.trim() !== '');
          const path = op.template.replace(/\{[^}]+\}/, encodeURIComponent(id));
          const body = op.body && !op.body.form ? JSON.stringify(baseBody(op) ?? {}) : undefined;
          const answer = await send(
            gateway.url,
            op.method,
            path,
            { ...tokenFor(op), ...(body ? { 'Content-Type': 'application/json' } : {}) },
            body,
          );
          const where = `${op.method} ${short(path)} -> ${answer.status} ${short(answer.text)}`;
          if (answer.status >= 500) throw new Error(`${where}\ncause: ${causeOf(answer)}`);
          try {
            expectContract(answer, { method: op.method, path });
          } catch (error) {
            throw new Error(`${where}\n${(error as Error).message}`);
          }
          expect({
            where,
            status: answer.status,
            type: String(answer.headers['content-type']).split(';')[0],
          }).toEqual({
            where,
            status: 404,
            type: 'application/problem+json',
          });
        }),
        { numRuns: PATH_CASES_PER_OPERATION, endOnFailure: true },
      );
    },
    30_000,
  );

  it('prototype pollution through bodies and query strings changes nothing and never fails', async () => {
    const faults: string[] = [];
    const inBody = [
      '"__proto__":{"polluted":"yes"}',
      '"constructor":{"prototype":{"polluted":"yes"}}',
    ];
    const inQuery = [
      '__proto__[polluted]=yes',
      'constructor[prototype][polluted]=yes',
      '__proto__.polluted=yes',
    ];
    for (const op of FUZZED) {
      const built = buildRequest(op, { kind: 'query-missing', name: '' });
      const base = baseBody(op);
      const requests: Array<{ pathAndQuery: string; body?: string }> = [];
      if (op.body && !op.body.form && base) {
        for (const member of inBody) {
          const body = JSON.stringify(base).replace(
            /^\{/,
            `{${member}${Object.keys(base).length ? ',' : ''}`,
          );
          requests.push({ pathAndQuery: built.pathAndQuery, body });
        }
      }
      if (op.query.length > 0) {
        for (const query of inQuery) {
          const glue = built.pathAndQuery.includes('?') ? '&' : '?';
          requests.push({ pathAndQuery: `${built.pathAndQuery}${glue}${query}` });
        }
      }
      for (const r of requests) {
        const answer = await send(
          gateway.url,
          op.method,
          r.pathAndQuery,
          { ...tokenFor(op), ...(r.body ? { 'Content-Type': 'application/json' } : {}) },
          r.body,
        );
        const what = `${op.method} ${r.pathAndQuery} ${r.body ?? ''}`;
        if (answer.status >= 500) faults.push(`${what} -> ${answer.status} ${causeOf(answer)}`);
        try {
          expectContract(answer, { method: op.method, path: built.path });
        } catch (error) {
          faults.push(`${what}: ${(error as Error).message.split('\n').slice(0, 2).join(' | ')}`);
        }
      }
    }
    // The gateway runs in this process: a polluted prototype would show here.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(faults).toEqual([]);
  });

  it('malformed, non-object, oversized and wrongly typed request bodies answer a documented 4xx problem, never 5xx', async () => {
    const faults: string[] = [];
    for (const op of FUZZED.filter((o) => o.body && !o.body.form)) {
      const path = buildRequest(op, { kind: 'query-missing', name: '' }).path;
      for (const { raw, contentType } of RAW_BODIES) {
        const answer = await send(
          gateway.url,
          op.method,
          path,
          { ...tokenFor(op), 'Content-Type': contentType },
          raw,
        );
        faults.push(
          ...faultsOf(
            op,
            path,
            answer,
            `${op.method} ${path} ${contentType} ${short(raw).slice(0, 40)}`,
          ),
        );
      }
    }
    expect(faults).toEqual([]);
  });

  it('a path with broken percent-encoding answers a documented 4xx problem, never 5xx', async () => {
    const faults: string[] = [];
    for (const op of WITH_PATH_PARAMS) {
      for (const segment of ['%E0%A4%A', 'abc%', '%zz', `${'%C3'.repeat(3)}x`]) {
        const path = op.template.replace(/\{[^}]+\}/, segment);
        const body = op.body && !op.body.form ? JSON.stringify(baseBody(op) ?? {}) : undefined;
        const answer = await send(
          gateway.url,
          op.method,
          path,
          { ...tokenFor(op), ...(body ? { 'Content-Type': 'application/json' } : {}) },
          body,
        );
        faults.push(...faultsOf(op, path, answer, `${op.method} ${path}`));
      }
    }
    expect(faults).toEqual([]);
  });

  it.each(
    FUZZED.filter((op) => op.method !== 'GET').map(
      (op) => [`${op.method} ${op.template}`, op] as const,
    ),
  )(
    '%s: bad input answers 4xx problem+json naming the field, never 5xx',
    async (_name, op) => fuzzOperation(op),
    30_000,
  );

  it('a NUL byte in any string parameter or body field never fails with 5xx', async () => {
    const faults: string[] = [];
    const isString = (schema: unknown): boolean => typeOf(schema) === 'string';
    for (const op of FUZZED) {
      const cases: FuzzCase[] = [
        ...op.query
          .filter((p) => isString(p.schema))
          .map((p): FuzzCase => ({ kind: 'query', name: p.name, key: p.name, value: 'a\u0000b' })),
        ...(op.body && !op.body.form
          ? fieldPaths(op.body.schema)
              .filter((path) => isString(schemaAt(op.body!.schema, path)))
              .map((path): FuzzCase => ({ kind: 'body-field', path, value: 'a\u0000b' }))
          : []),
      ];
      for (const c of cases) {
        const built = buildRequest(op, c);
        const answer = await send(
          gateway.url,
          op.method,
          built.pathAndQuery,
          { ...tokenFor(op), ...(built.contentType ? { 'Content-Type': built.contentType } : {}) },
          built.body,
        );
        const what = `${op.method} ${op.template} ${c.kind === 'query' ? `?${c.name}` : `body ${JSON.stringify(built.json)}`}`;
        if (answer.status >= 500) faults.push(`${what} -> ${answer.status}: ${causeOf(answer)}`);
        else {
          try {
            expectContract(answer, { method: op.method, path: built.path });
          } catch (error) {
            faults.push(`${what}: ${(error as Error).message.split('\n').slice(0, 2).join(' | ')}`);
          }
        }
      }
    }
    expect(faults).toEqual([]);
  });

  it('null, arrays and objects in place of body fields answer 400 naming the field', async () => {
    const faults: string[] = [];
    for (const op of FUZZED.filter((o) => o.body && !o.body.form)) {
      const base = baseBody(op)!;
      for (const path of fieldPaths(op.body!.schema)) {
        const objectField = typeOf(schemaAt(op.body!.schema, path)) === 'object';
        for (const value of objectField ? [null, [], [{}]] : [null, {}]) {
          const json = withValue(base, path, value);
          if (conforms(op.body!.schema, json)) continue;
          const built = buildRequest(op, { kind: 'body-field', path, value });
          const answer = await send(
            gateway.url,
            op.method,
            built.pathAndQuery,
            { ...tokenFor(op), 'Content-Type': 'application/json' },
            built.body,
          );
          const what = `${op.method} ${op.template} ${JSON.stringify(json)}`;
          faults.push(...faultsOf(op, built.path, answer, what));
          const problem = answer.body as { errors?: Array<{ field: string }> };
          const field = path.join('.');
          if (
            answer.status === 400 &&
            op.template !== '/v1/oauth/token' &&
            !problem.errors?.some((e) => e.field === field || e.field.startsWith(`${field}.`))
          ) {
            faults.push(`${what} -> 400 without naming ${field}`);
          }
        }
      }
    }
    expect(faults).toEqual([]);
  });

  it('the connect page answers bad links and bad forms with a 4xx HTML page, never 5xx', async () => {
    const session = await createConnectSession(gateway, appToken, { customer_ref: 'fuzz-page' });
    const link = new URL(session.url);
    const opened = await openLink(session.url);
    expect(opened.status).toBe(200);
    const formValue = fc.oneof(shortBadText, hugeText, fc.constantFrom('', 'x'.repeat(600)));
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          badIds.map((token) => ({ token, form: undefined })),
          fc.record({
            token: fc.constant(link.pathname.split('/').pop()!),
            form: fc.record(
              {
                csrf: fc.oneof(fc.constant(opened.csrf ?? ''), shortBadText),
                client_id: formValue,
                client_secret: formValue,
                extra: shortBadText,
              },
              { requiredKeys: [] },
            ),
          }),
        ),
        fc.boolean(),
        async ({ token, form }, post) => {
          const path = `/connect/${encodeURIComponent(token)}`;
          const method = post || form ? 'POST' : 'GET';
          const body = form
            ? Object.entries(form)
                .map(([k, v]) => q(k, v))
                .join('&')
            : method === 'POST'
              ? 'client_id=x&client_secret=y'
              : undefined;
          const answer = await send(
            gateway.url,
            method,
            path,
            {
              ...(body !== undefined
                ? { 'Content-Type': 'application/x-www-form-urlencoded' }
                : {}),
              ...(opened.cookie && form ? { Cookie: opened.cookie } : {}),
            },
            body,
          );
          const where = `${method} ${short(path)} body=${short(body)} -> ${answer.status}`;
          if (answer.status >= 500) throw new Error(`${where}\ncause: ${causeOf(answer)}`);
          expectContract(answer, { method, path });
          // A form with fields the admin got wrong is re-shown (200 only when it connected).
          expect({ where, status: answer.status >= 400 && answer.status < 500 }).toEqual({
            where,
            status: true,
          });
          expect({ where, type: String(answer.headers['content-type']).split(';')[0] }).toEqual({
            where,
            type: 'text/html',
          });
        },
      ),
      { numRuns: 20, endOnFailure: true },
    );
  }, 30_000);

  it('left the synced connection, its data and its application exactly as they were', async () => {
    expect(await snapshot()).toEqual(snapshotBefore);
    const res = await send(gateway.url, 'GET', '/v1/hris/employees?limit=500', {
      Authorization: `Bearer ${bound}`,
    });
    expectContract(res, { method: 'GET', path: '/v1/hris/employees' });
    expect(res.status).toBe(200);
    expect((res.body as { data: unknown[] }).data).toHaveLength(
      sandbox.state.store.employees().length,
    );
  });
});
