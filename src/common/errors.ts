import { HttpException, HttpStatus } from '@nestjs/common';

export const MESSAGES = {
  400: 'Malformed request body',
  401: 'Unauthenticated.',
  403: 'This action is unauthorized.',
  404: 'Resource not found',
  413: 'Request body too large.',
  422: 'The given data was invalid.',
  503: 'Service temporarily unavailable. Try again shortly.',
} as const;

export type FieldErrors = Record<string, string[]>;

/** 422 with per-field messages, the shape of docs/http-api.md. */
export class ValidationFailed extends HttpException {
  constructor(public readonly errors: FieldErrors) {
    super({ message: MESSAGES[422], errors }, HttpStatus.UNPROCESSABLE_ENTITY);
  }
}

export function fieldError(field: string, message: string): ValidationFailed {
  return new ValidationFailed({ [field]: [message] });
}

export class Conflict extends HttpException {
  constructor(message: string) {
    super({ message }, HttpStatus.CONFLICT);
  }
}

export class NotFound extends HttpException {
  constructor() {
    super({ message: MESSAGES[404] }, HttpStatus.NOT_FOUND);
  }
}

export class TooManyRequests extends HttpException {
  constructor(public readonly retryAfterSeconds: number) {
    super(
      { message: `Too many requests. Retry after ${retryAfterSeconds} seconds.` },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}
