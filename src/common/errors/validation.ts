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
