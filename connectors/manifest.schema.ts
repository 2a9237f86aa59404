/**
 * Owns the JSON Schema (2020-12) every connector manifest must satisfy; CI validates each
 * registered manifest against it (registry.spec.ts). Data only.
 */
export const MANIFEST_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://hris-gateway.local/schemas/connector-manifest.json',
  type: 'object',
  additionalProperties: false,
  required: [
    'name',
    'displayName',
    'authMode',
    'baseUrl',
    'alternativeBaseUrls',
    'credentialFields',
    'secretFields',
    'apiVersions',
    'objects',
    'pagination',
    'rateLimits',
    'retry',
  ],
  properties: {
    name: { type: 'string', pattern: '^[a-z][a-z0-9-]*$' },
    displayName: { type: 'string', minLength: 1 },
    authMode: { enum: ['client_credentials', 'api_key', 'oauth2'] },
    baseUrl: { type: 'string', format: 'uri', pattern: '^https://' },
    alternativeBaseUrls: {
      type: 'array',
      items: { type: 'string', format: 'uri', pattern: '^https://' },
    },
    credentialFields: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: { type: 'string', minLength: 1 },
    },
    secretFields: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: { type: 'string', minLength: 1 },
    },
    apiVersions: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
    objects: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: { enum: ['employees', 'org_units', 'absences', 'absence_types'] },
    },
    pagination: {
      type: 'object',
      minProperties: 1,
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['style', 'maxLimit'],
        properties: {
          style: { enum: ['offset', 'page', 'cursor'] },
          maxLimit: { type: 'integer', minimum: 1 },
        },
      },
    },
    rateLimits: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'appliesTo', 'per', 'kind', 'capacity'],
        properties: {
          name: { type: 'string', minLength: 1 },
          appliesTo: { type: 'string', minLength: 1 },
          per: { enum: ['credential', 'ip'] },
          kind: { enum: ['bucket', 'window'] },
          capacity: { type: 'number', exclusiveMinimum: 0 },
          refillPerSecond: { type: 'number', exclusiveMinimum: 0 },
          windowSeconds: { type: 'number', exclusiveMinimum: 0 },
        },
        if: { properties: { kind: { const: 'bucket' } } },
        then: { required: ['refillPerSecond'] },
        else: { required: ['windowSeconds'] },
      },
    },
    retry: {
      type: 'object',
      additionalProperties: false,
      required: ['headers', 'minDelayMs'],
      properties: {
        headers: { type: 'array', items: { type: 'string', pattern: '^[a-z0-9-]+$' } },
        minDelayMs: { type: 'integer', minimum: 0 },
      },
    },
  },
} as const;
