import { ValidationError, ValidationPipe } from '@nestjs/common';
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

/** whitelist + forbidNonWhitelisted + transform; failures become API.md's 422. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    stopAtFirstError: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new ValidationFailed(toFieldErrors(errors)),
  });
}
