import { ValidateIf } from 'class-validator';

/**
 * Like `@IsOptional()`, but only for an absent field: `null` is validated (and refused by the
 * field's other rules). `@IsOptional()` lets null through, which would then be stored and served
 * in breach of the contract.
 */
export const OptionalNotNull = (): PropertyDecorator =>
  ValidateIf((_object, value) => value !== undefined);
