/**
 * Checks real responses against openapi/hris-gateway.yaml, the contract. Every e2e test passes
 * its supertest responses through `expectContract`, which fails when:
 * - the method and path match no documented operation (unless it is a documented 404),
 * - the status code is not documented for that operation,
 * - the content type is not one the operation documents for that status,
 * - the body breaks the schema, including fields the schema does not declare (object schemas
 *   are closed here, so an undocumented field cannot slip into the API unnoticed).
 */
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

type Json = Record<string, unknown>;

export interface ContractResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  text?: string;
  req?: { method?: string; path?: string };
}

interface OperationMatch {
  template: string;
  operation: Json;
}

const DOCUMENT_ID = 'https://hris-gateway.local/openapi.json';
const COMPOSITION_KEYWORDS = ['allOf', 'anyOf', 'oneOf'] as const;

/**
 * Closes object schemas: `unevaluatedProperties: false` wherever a schema declares properties
 * and says nothing about extra ones. A schema used as a member of allOf/anyOf/oneOf stays open
 * at its top level, so that the composing schema (closed itself) sees all members' properties
 * as evaluated; a `$ref` in that position points to the open copy of the component.
 */
function closeObjects(node: unknown, insideComposition = false): unknown {
  if (Array.isArray(node)) return node.map((item) => closeObjects(item, insideComposition));
  if (typeof node !== 'object' || node === null) return node;
  const schema: Json = {};
  for (const [key, value] of Object.entries(node)) {
    const composing = (COMPOSITION_KEYWORDS as readonly string[]).includes(key);
    schema[key] = closeObjects(value, composing);
  }
  if (insideComposition && typeof schema.$ref === 'string') {
    schema.$ref = schema.$ref.replace('#/components/schemas/', '#/open/');
  }
  const declaresShape = 'properties' in schema || COMPOSITION_KEYWORDS.some((k) => k in schema);
  const saysAboutExtras = 'additionalProperties' in schema || 'unevaluatedProperties' in schema;
  if (declaresShape && !saysAboutExtras && !insideComposition && !('$ref' in schema)) {
    schema.unevaluatedProperties = false;
  }
  return schema;
}

/** Local refs (#/components/...) become refs into the registered document. */
function absolutizeRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(absolutizeRefs);
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => [
      key,
      key === '$ref' && typeof value === 'string' && value.startsWith('#')
        ? `${DOCUMENT_ID}${value}`
        : absolutizeRefs(value),
    ]),
  );
}

function mediaType(contentType: string | string[] | undefined): string | undefined {
  const value = Array.isArray(contentType) ? contentType[0] : contentType;
  return value?.split(';')[0]?.trim().toLowerCase();
}

export class Contract {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly validators = new Map<string, ValidateFunction>();
  readonly document: Json;

  constructor(document: Json) {
    this.document = document;
    addFormats(this.ajv);
    const components = absolutizeRefs(document.components ?? {}) as Json;
    const schemas = (components.schemas ?? {}) as Json;
    const open = Object.fromEntries(
      Object.entries(schemas).map(([name, schema]) => [name, closeObjects(schema, true)]),
    );
    this.ajv.addSchema({ $id: DOCUMENT_ID, components: closeObjects(components), open });
  }

  static load(path = join(__dirname, '..', '..', 'openapi', 'hris-gateway.yaml')): Contract {
    return new Contract(parse(readFileSync(path, 'utf8')) as Json);
  }

  /** Every documented (method, path template) pair. */
  operations(): Array<{ method: string; path: string }> {
    const paths = (this.document.paths ?? {}) as Record<string, Json>;
    return Object.entries(paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
        .map((method) => ({ method: method.toUpperCase(), path })),
    );
  }

  findOperation(method: string, path: string): OperationMatch | undefined {
    const paths = (this.document.paths ?? {}) as Record<string, Json>;
    const candidates = Object.keys(paths)
      .filter((template) => {
        const pattern = template
          .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
          .replace(/\{[^}]+\}/g, '[^/]+');
        return new RegExp(`^${pattern}$`).test(path);
      })
      // Literal segments win over parameters: /employees/match before /employees/{id}.
      .sort((a, b) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0));
    for (const template of candidates) {
      const operation = paths[template]?.[method.toLowerCase()] as Json | undefined;
      if (operation) return { template, operation };
    }
    return undefined;
  }

  /** Throws an Error describing every way the response breaks the contract. */
  check(response: ContractResponse, request?: { method: string; path: string }): void {
    const method = request?.method ?? response.req?.method;
    const rawPath = request?.path ?? response.req?.path;
    if (!method || !rawPath) throw new Error('contract check needs the request method and path');
    const path = rawPath.split('?')[0] ?? rawPath;
    const where = `${method} ${path} -> ${response.status}`;

    const match = this.findOperation(method, path);
    const responseSpec = match
      ? this.responseSpec(match.operation, response.status)
      : response.status === 404
        ? this.resolve((this.document.components as Json | undefined)?.responses, 'RouteNotFound')
        : undefined;
    if (!match && !responseSpec)
      throw new Error(`${where}: no documented operation for ${method} ${path}`);
    if (!responseSpec) {
      throw new Error(
        `${where}: status ${response.status} is not documented for ${method} ${match?.template}`,
      );
    }

    const content = (responseSpec.content ?? {}) as Record<string, Json>;
    const type = mediaType(response.headers['content-type']);
    if (Object.keys(content).length === 0) {
      if (response.text) throw new Error(`${where}: documented without a body but one was sent`);
      return;
    }
    if (!type || !(type in content)) {
      throw new Error(
        `${where}: content type ${String(type)} is not documented (expected one of ${Object.keys(content).join(', ')})`,
      );
    }
    const schema = content[type]?.schema;
    if (!schema) return;
    const body = type.endsWith('json') ? response.body : (response.text ?? response.body);
    const validate = this.validator(
      `${match?.template ?? 'RouteNotFound'} ${method} ${response.status} ${type}`,
      schema,
    );
    if (!validate(body)) {
      const problems = (validate.errors ?? []).map(
        (e) =>
          `  ${e.instancePath || '(root)'} ${e.message ?? ''}${e.params && 'unevaluatedProperty' in e.params ? `: ${String(e.params.unevaluatedProperty)}` : ''}`,
      );
      throw new Error(
        `${where}: body breaks the documented schema\n${problems.join('\n')}\nbody: ${JSON.stringify(body).slice(0, 2000)}`,
      );
    }
  }

  private responseSpec(operation: Json, status: number): Json | undefined {
    const responses = (operation.responses ?? {}) as Json;
    const spec = responses[String(status)] ?? responses[`${String(status)[0]}XX`];
    return spec ? this.deref(spec as Json) : undefined;
  }

  private resolve(container: unknown, name: string): Json | undefined {
    const found = (container as Json | undefined)?.[name];
    return found ? this.deref(found as Json) : undefined;
  }

  private deref(node: Json): Json {
    const ref = node.$ref;
    if (typeof ref !== 'string') return node;
    const target = ref
      .replace(/^#\//, '')
      .split('/')
      .reduce<unknown>((at, key) => (at as Json | undefined)?.[key], this.document);
    if (!target) throw new Error(`unresolvable $ref ${ref}`);
    return this.deref(target as Json);
  }

  private validator(key: string, schema: unknown): ValidateFunction {
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(closeObjects(absolutizeRefs(schema)) as Json);
      this.validators.set(key, validate);
    }
    return validate;
  }
}

let shared: Contract | undefined;

/** Asserts that a supertest response is one the contract documents. */
export function expectContract(
  response: ContractResponse,
  request?: { method: string; path: string },
): void {
  shared ??= Contract.load();
  shared.check(response, request);
}
