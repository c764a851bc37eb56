import {
  ArgumentMetadata,
  BadRequestException,
  ValidationError,
  ValidationPipe,
} from '@nestjs/common';
import { FieldErrors, ValidationFailed } from './errors';

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

/**
 * whitelist + forbidNonWhitelisted + transform. A bad body is API.md's 422 with per-field errors;
 * a bad query string (unknown parameter or value) is its 400, with the same per-field errors.
 */
class ApiValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    try {
      return await super.transform(value, metadata);
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
