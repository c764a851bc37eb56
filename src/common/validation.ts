import {
  ArgumentMetadata,
  BadRequestException,
  ValidationError,
  ValidationPipe,
} from '@nestjs/common';
import { ClassConstructor, plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { FieldErrors, ValidationFailed } from './errors';
import { escapeForeignDocument, policyErrors } from './input-policy';

function collect(errors: ValidationError[], prefix: string, out: FieldErrors): FieldErrors {
  for (const e of errors) {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    const messages = Object.values(e.constraints ?? {}).map((m) =>
      m.startsWith('property ') && m.endsWith(' should not exist') ? 'is not an allowed field' : m,
    );
    if (messages.length) out[path] = [...(out[path] ?? []), ...messages];
    if (e.children?.length) collect(e.children, path, out);
  }
  return out;
}

export function toFieldErrors(errors: ValidationError[]): FieldErrors {
  return collect(errors, '', {});
}

export const INVALID_QUERY = 'Invalid query parameters.';

const ROW_LISTS = 'zorio:row-lists';

/**
 * Marks array fields of a body DTO whose items the service validates one by one with
 * `validatePlain` (bulk imports), so that one bad row is reported by index while the others are
 * imported. The global input policy then leaves those items to `validatePlain`.
 */
export function RowList(...fields: string[]): ClassDecorator {
  return (target) => Reflect.defineMetadata(ROW_LISTS, fields, target);
}

function rowListsOf(metatype: unknown): string[] {
  if (typeof metatype !== 'function') return [];
  return (Reflect.getMetadata(ROW_LISTS, metatype) as string[] | undefined) ?? [];
}

const VALIDATE_OPTIONS = { whitelist: true, forbidNonWhitelisted: true, stopAtFirstError: true };

/**
 * Validates a plain object against a DTO class outside the pipe (login, bulk-import rows): the
 * input policy first, then class-validator with the pipe's options.
 */
export function validatePlain<T extends object>(
  cls: ClassConstructor<T>,
  raw: object,
): { value: T } | { errors: FieldErrors } {
  const refused = policyErrors(raw);
  if (Object.keys(refused).length) return { errors: refused };
  const value = plainToInstance(cls, raw);
  const errors = validateSync(value, VALIDATE_OPTIONS);
  return errors.length ? { errors: toFieldErrors(errors) } : { value };
}

/**
 * The input policy on one argument, before validation: a body without a DTO class is a foreign
 * document validated by hand (a CDR), so it is escaped; everything else is refused when a string
 * breaks the policy. Either way the caps hold (422 naming the field).
 */
function applyInputPolicy(value: unknown, metadata: ArgumentMetadata): unknown {
  if (metadata.type !== 'body' && metadata.type !== 'query') return value;
  const wrap = (v: unknown): unknown => (metadata.data ? { [metadata.data]: v } : v);
  if (metadata.type === 'body' && (!metadata.metatype || metadata.metatype === Object)) {
    const { value: escaped, errors } = escapeForeignDocument(wrap(value));
    if (Object.keys(errors).length) throw new ValidationFailed(errors);
    return metadata.data ? (escaped as Record<string, unknown>)[metadata.data] : escaped;
  }
  const errors = policyErrors(wrap(value), { skipItemsOf: rowListsOf(metadata.metatype) });
  if (Object.keys(errors).length) throw new ValidationFailed(errors);
  return value;
}

/**
 * whitelist + forbidNonWhitelisted + transform. A bad body is the 422 (docs/http-api.md) with
 * per-field errors; a bad query string (unknown parameter or value) is its 400, with the same
 * per-field errors. Before either, the input policy (input-policy.ts) walks every body and query: a
 * string breaking it is a 422 naming the field, wherever it is.
 */
class ApiValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const checked = applyInputPolicy(value, metadata);
    try {
      return await super.transform(checked, metadata);
    } catch (err) {
      if (metadata.type === 'query' && err instanceof ValidationFailed) {
        throw new BadRequestException({ message: INVALID_QUERY, errors: err.errors });
      }
      throw err;
    }
  }

  /**
   * Path parameters reach their own pipe (UuidParam, IntParam) as the raw string: converting
   * `id: number` here first would let `1e3` or `0x3e8` through IntParam as 1000.
   */
  protected override transformPrimitive(value: unknown, metadata: ArgumentMetadata): unknown {
    return metadata.type === 'param' ? value : super.transformPrimitive(value, metadata);
  }
}

export function createValidationPipe(): ValidationPipe {
  return new ApiValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    stopAtFirstError: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new ValidationFailed(toFieldErrors(errors)),
  });
}
