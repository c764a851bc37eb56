import { Transform } from 'class-transformer';
import { IsDate, IsInt, IsOptional, IsString, Length, Max, MaxLength, Min } from 'class-validator';

/**
 * Validation shared by DTO fields, with the messages the API answers (docs/http-api.md): each
 * names its field (`$property`, filled in by class-validator) and its bounds.
 */

/**
 * Applies decorators as if they were written above a property in this order: the last first, as
 * TypeScript applies them, so that class-validator checks (and reports) them in the same order.
 */
export function stacked(...decorators: PropertyDecorator[]): PropertyDecorator {
  return (target, key) => {
    for (const decorate of [...decorators].reverse()) decorate(target, key);
  };
}

/** A string of at most `max` characters, or of `min` to `max` with a `min`. */
export function IsText(max: number, min?: number): PropertyDecorator {
  return stacked(
    min === undefined
      ? MaxLength(max, { message: `$property must be at most ${max} characters` })
      : Length(min, max, { message: `$property must be ${min} to ${max} characters` }),
    IsString({ message: '$property must be a string' }),
  );
}

/** An integer from `min` to `max`. */
export function IntBetween(min: number, max: number): PropertyDecorator {
  const message = `$property must be an integer between ${min} and ${max}`;
  return stacked(IsInt({ message }), Min(min, { message }), Max(max, { message }));
}

/** A query string's date-time (`2026-06-01`, `2026-06-01T00:00:00Z`) as a Date; else as it came. */
export const toDate = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') return value;
  if (!/^\d{4}-\d{2}-\d{2}/.test(value)) return value;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : d;
};

/** An optional ISO 8601 date-time of a query string (`from`, `to`), as a Date. */
export function OptionalDateTime(): PropertyDecorator {
  return stacked(
    IsOptional(),
    Transform(toDate),
    IsDate({ message: '$property must be an ISO 8601 date-time' }),
  );
}
