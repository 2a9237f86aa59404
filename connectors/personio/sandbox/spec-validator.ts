/**
 * Test support (imported only by *.spec.ts): loads Personio's official spec files from
 * ../shared/personio/spec (never copied into the project), dereferences them and compiles the
 * response schemas with Ajv, so tests can check real sandbox answers against them.
 *
 * The official files contradict Personio's own documented responses in a few places; each is
 * relaxed here, narrowly, with the reason. Nothing else is changed.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { dereference } from '@readme/openapi-parser';
import Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';

export const REPO_ROOT = path.resolve(__dirname, '../../..');
export const SPEC_DIR = path.resolve(REPO_ROOT, '../shared/personio/spec');

export function specsAvailable(): boolean {
  return existsSync(path.join(SPEC_DIR, 'personio-personnel-data-api-oa3.yaml'));
}

type Json = Record<string, unknown>;

function obj(value: unknown, where: string): Json {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new Error(`${where} is not an object`);
  return value as Json;
}

function at(root: unknown, ...keys: string[]): Json {
  let node = root;
  for (const key of keys) node = obj(node, keys.join('.'))[key];
  return obj(node, keys.join('.'));
}

const nullOr = (schema: unknown): Json => ({ anyOf: [{ type: 'null' }, schema] });

/** The relaxations, each backed by REFERENCE.md. */
function patchV1(doc: Json, halfDayIntegers: boolean): void {
  const schemas = at(doc, 'components', 'schemas');
  // `Response.data` is declared an object, yet every list response (allOf Response) is an
  // array: with the base as written, no list answer (not even the spec's examples) validates.
  at(schemas, 'Response', 'properties').data = {};
  // Nested values are `null` when unset (no department, no supervisor ...) [REFERENCE 3.5].
  for (const name of ['Office', 'Department', 'Team']) {
    const props = at(schemas, name, 'properties');
    props.value = nullOr(props.value);
  }
  const supervisor = at(schemas, 'Supervisor', 'properties');
  supervisor.value = nullOr(supervisor.value);
  // The schema declares `absence_type` flat ({id, name, time_off_type_id}) while the
  // endpoint's own example (and REFERENCE 3.11) wraps it as {type: "AbsenceType", attributes}.
  const hourly = at(schemas, 'HourlyAbsence', 'properties');
  hourly.absence_type = {
    anyOf: [
      hourly.absence_type,
      {
        type: 'object',
        required: ['type', 'attributes'],
        properties: { attributes: hourly.absence_type },
      },
    ],
  };
  if (halfDayIntegers) {
    // Real time-off responses carry 0/1, not booleans [REFERENCE 3.10; OFF changelog example].
    const absence = at(schemas, 'Absence', 'properties');
    for (const key of ['half_day_start', 'half_day_end']) {
      absence[key] = { anyOf: [{ type: 'boolean' }, { type: 'integer', enum: [0, 1] }] };
    }
  }
}

function patchV2Persons(doc: Json): void {
  // Every official example sends the custom attribute type in lower case [REFERENCE 4.3].
  const custom = at(
    doc,
    'components',
    'schemas',
    'Person',
    'properties',
    'custom_attributes',
    'items',
    'properties',
  );
  const type = obj(custom.type, 'custom_attributes.type');
  const values = type.enum as string[];
  type.enum = [...values, ...values.map((v) => v.toLowerCase())];
}

function readDoc(file: string): Json {
  const text = readFileSync(path.join(SPEC_DIR, file), 'utf8');
  return obj(file.endsWith('.json') ? JSON.parse(text) : parseYaml(text), file);
}

export interface SpecValidators {
  /** Validator of a documented response: spec key, path as in the spec, method, status. */
  response(spec: SpecName, specPath: string, method: string, status: number): ValidateFunction;
  /** Validator of a named component schema. */
  component(spec: SpecName, name: string): ValidateFunction;
}

export type SpecName = 'v1' | 'auth' | 'v2-auth' | 'v2-persons' | 'v2-employments' | 'v2-common';

const FILES: Record<SpecName, string> = {
  v1: 'personio-personnel-data-api-oa3.yaml',
  auth: 'personio-auth-api.yaml',
  'v2-auth': 'v2/credentials-service-api-v2.json',
  'v2-persons': 'v2/persons-service-api-v2.json',
  'v2-employments': 'v2/employment-contract-v2.json',
  'v2-common': 'common-components-v2.json',
};

export async function loadSpecs(
  options: { halfDayIntegers?: boolean } = {},
): Promise<SpecValidators> {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addFormat('url', true);
  const docs = new Map<SpecName, Json>();
  for (const [name, file] of Object.entries(FILES) as Array<[SpecName, string]>) {
    const doc = readDoc(file);
    if (name === 'v1') patchV1(doc, options.halfDayIntegers ?? true);
    if (name === 'v2-persons') patchV2Persons(doc);
    // Swagger metadata is irrelevant here and some files lack parts the parser insists on.
    docs.set(name, obj(await dereference(doc as never), file));
  }
  const cache = new Map<string, ValidateFunction>();
  const compile = (key: string, schema: unknown): ValidateFunction => {
    let fn = cache.get(key);
    if (!fn) {
      fn = ajv.compile(obj(schema, key));
      cache.set(key, fn);
    }
    return fn;
  };
  const docOf = (spec: SpecName): Json => {
    const doc = docs.get(spec);
    if (!doc) throw new Error(`spec ${spec} not loaded`);
    return doc;
  };
  return {
    response(spec, specPath, method, status) {
      const responses = at(docOf(spec), 'paths', specPath, method.toLowerCase(), 'responses');
      const response = obj(responses[String(status)], `${specPath} ${status}`);
      const content = obj(response.content, `${specPath} ${status} content`);
      const media =
        content['application/json'] ??
        content['application/problem+json'] ??
        content['problem+json'];
      return compile(`${spec} ${method} ${specPath} ${status}`, obj(media, 'media').schema);
    },
    component(spec, name) {
      return compile(`${spec} #${name}`, at(docOf(spec), 'components', 'schemas', name));
    },
  };
}

/** Ajv errors as one readable line for assertion messages. */
export function describeErrors(fn: ValidateFunction): string {
  return (fn.errors ?? [])
    .slice(0, 5)
    .map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`)
    .join('; ');
}
