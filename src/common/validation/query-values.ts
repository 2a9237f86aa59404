/**
 * Strict readings of query-string values. Query values arrive as text; the lenient conversions
 * (`Number("0x10")`, `Number("")`, a date without a zone) would accept inputs the contract does
 * not, so these accept exactly the documented forms and leave anything else to fail validation.
 */
import { Transform } from 'class-transformer';
import { registerDecorator, type ValidationOptions } from 'class-validator';
import { isCalendarDay } from '../../sync/calendar-day';

/** `"42"` becomes 42; anything but plain digits stays as it was (and fails `@IsInt()`). */
export const ToInteger = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : value,
  );

const RFC3339 =
  /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,9})?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/i;

/** Date.parse rolls 2026-02-30 over to March: the day itself must exist. */
export function isDateTime(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const day = RFC3339.exec(value)?.[1];
  return day !== undefined && isCalendarDay(day) && !Number.isNaN(Date.parse(value));
}

/** An RFC 3339 date-time with its zone (`2026-11-22T04:00:00Z`), as the contract's date-time. */
export function IsDateTime(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isDateTime',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: isDateTime,
        defaultMessage: (args) =>
          `${args?.property ?? 'value'} must be an RFC 3339 date-time with a zone, e.g. 2026-11-22T04:00:00Z`,
      },
    });
}
