/**
 * Turns class-validator results into field errors with dotted paths (`settings.schedule`,
 * `emails.2`), and tags them with where the input was (body, query, path), which the
 * ValidationPipe alone does not know.
 */
import { type ArgumentMetadata, type ValidationError, ValidationPipe } from '@nestjs/common';
import { type FieldError, ProblemException } from './problem';

export function flattenValidationErrors(
  errors: ValidationError[],
  location: FieldError['in'] = 'body',
  parent = '',
): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      in: location,
      field,
      message,
    }));
    return [...own, ...flattenValidationErrors(error.children ?? [], location, field)];
  });
}

class InputValidationFailed extends Error {
  constructor(readonly validationErrors: ValidationError[]) {
    super('validation failed');
  }
}

const LOCATIONS: Record<ArgumentMetadata['type'], FieldError['in']> = {
  body: 'body',
  query: 'query',
  param: 'path',
  custom: 'body',
};

export class ProblemValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      validationError: { target: false, value: false },
      exceptionFactory: (errors) => new InputValidationFailed(errors),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // Only inputs validated into DTOs; a route taking a raw body (the OAuth token endpoint)
    // answers in its own error format and checks its fields itself.
    const validated =
      (metadata.type === 'body' || metadata.type === 'query') &&
      metadata.metatype !== undefined &&
      metadata.metatype !== Object;
    const unsafe = validated ? unsafeInput(value, LOCATIONS[metadata.type]) : undefined;
    if (unsafe) {
      throw new ProblemException('validation_failed', `1 invalid field: ${unsafe.field}`, {
        errors: [unsafe],
      });
    }
    try {
      return await super.transform(value, metadata);
    } catch (error) {
      if (!(error instanceof InputValidationFailed)) throw error;
      const errors = flattenValidationErrors(error.validationErrors, LOCATIONS[metadata.type]);
      throw new ProblemException(
        'validation_failed',
        `${errors.length} invalid field${errors.length === 1 ? '' : 's'}: ${[...new Set(errors.map((e) => e.field))].join(', ')}`,
        { errors },
      );
    }
  }
}

const OBJECT_MACHINERY = new Set(['__proto__', 'constructor', 'prototype']);
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Deeper input is refused before anything recurses into it (a stack overflow is a 500). */
export const MAX_INPUT_DEPTH = 32;

/**
 * The first input the database or the validators cannot take safely: nesting deeper than
 * MAX_INPUT_DEPTH, or a NUL character in a string (PostgreSQL text and jsonb refuse it, so it
 * would surface as a 500). Walks iteratively, so the check itself cannot overflow the stack.
 */
export function unsafeInput(value: unknown, location: FieldError['in']): FieldError | undefined {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [
    { value, path: '', depth: 0 },
  ];
  while (stack.length > 0) {
    const { value: current, path, depth } = stack.pop()!;
    const field = path || (location === 'query' ? 'query' : 'body');
    if (typeof current === 'string') {
      if (current.includes('\u0000')) {
        return { in: location, field, message: `${field} must not contain NUL characters` };
      }
      // A lone surrogate is not Unicode text: PostgreSQL refuses it in jsonb.
      if (LONE_SURROGATE.test(current)) {
        return { in: location, field, message: `${field} must be well-formed Unicode text` };
      }
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= MAX_INPUT_DEPTH) {
      return {
        in: location,
        field,
        message: `${field} is nested deeper than ${MAX_INPUT_DEPTH} levels`,
      };
    }
    for (const key of Object.keys(current)) {
      const child = (current as Record<string, unknown>)[key];
      if (key.includes('\u0000')) {
        return { in: location, field, message: `${field} has a key with a NUL character` };
      }
      // class-transformer never copies these, so the whitelist would not see (or refuse) them.
      if (OBJECT_MACHINERY.has(key)) {
        const named = path ? `${path}.${key}` : key;
        return { in: location, field: named, message: `property ${named} should not exist` };
      }
      stack.push({ value: child, path: path ? `${path}.${key}` : key, depth: depth + 1 });
    }
  }
  return undefined;
}
