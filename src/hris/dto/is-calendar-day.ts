import { registerDecorator, type ValidationOptions } from 'class-validator';
import { isCalendarDay } from '../../sync/calendar-day';

/** A real calendar day written `YYYY-MM-DD` (2026-02-30 is refused). */
export function IsCalendarDay(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isCalendarDay',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && isCalendarDay(value),
        defaultMessage: (args) => `${args?.property ?? 'value'} must be a calendar day YYYY-MM-DD`,
      },
    });
}
