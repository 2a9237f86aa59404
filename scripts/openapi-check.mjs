#!/usr/bin/env node
// CI's contract check: the OpenAPI document must validate (OpenAPI 3.1 schema plus semantic
// rules: unique operationIds, resolvable $refs, path parameters declared ...).
import { validate } from '@readme/openapi-parser';
import { fileURLToPath } from 'node:url';

const file = fileURLToPath(new URL('../openapi/hris-gateway.yaml', import.meta.url));
const result = await validate(file);
if (!result.valid) {
  process.stderr.write(
    `openapi/hris-gateway.yaml is invalid:\n${JSON.stringify(result.errors, null, 2)}\n`,
  );
  process.exit(1);
}
if (result.warnings?.length) {
  process.stderr.write(
    `openapi/hris-gateway.yaml has warnings:\n${JSON.stringify(result.warnings, null, 2)}\n`,
  );
  process.exit(1);
}
process.stdout.write('openapi/hris-gateway.yaml is a valid OpenAPI document\n');
