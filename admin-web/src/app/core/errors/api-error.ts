import { HttpErrorResponse } from '@angular/common/http';
import { AbstractControl, FormGroup } from '@angular/forms';

/** An API failure in the shape of API.md: `message`, and for 422 the per-field `errors`. */
export interface ApiError {
  status: number;
  message: string;
  errors: Record<string, string[]>;
  retryAfterSeconds: number | null;
}

const FALLBACK: Record<number, string> = {
  0: 'Cannot reach the server. Check your connection and try again.',
  400: 'Malformed request.',
  401: 'Unauthenticated.',
  403: 'This action is unauthorized.',
  404: 'Resource not found.',
  409: 'This conflicts with the current state.',
  413: 'The request is too large.',
  422: 'The given data was invalid.',
  429: 'Too many requests. Try again shortly.',
};

export function toApiError(err: unknown): ApiError {
  if (err instanceof HttpErrorResponse) {
    const body = parseBody(err.error);
    let message: string | null = null;
    let errors: Record<string, string[]> = {};
    if (body && typeof body === 'object') {
      const b = body as { message?: unknown; errors?: unknown };
      if (typeof b.message === 'string' && b.message.trim()) message = b.message;
      if (b.errors && typeof b.errors === 'object') errors = normaliseErrors(b.errors);
    }
    const retryAfter = Number(err.headers?.get('Retry-After'));
    return {
      status: err.status,
      message:
        message ??
        FALLBACK[err.status] ??
        (err.status >= 500
          ? 'The server had a problem. Try again.'
          : `Request failed (${err.status}).`),
      errors,
      retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
    };
  }
  return {
    status: -1,
    message: err instanceof Error ? err.message : 'Something went wrong.',
    errors: {},
    retryAfterSeconds: null,
  };
}

function parseBody(body: unknown): unknown {
  if (typeof body === 'string' && body.trim().startsWith('{')) {
    try {
      return JSON.parse(body) as unknown;
    } catch {
      return null;
    }
  }
  return body;
}

function normaliseErrors(raw: object): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(raw) as [string, unknown][]) {
    if (Array.isArray(value)) out[key] = value.filter((v): v is string => typeof v === 'string');
    else if (typeof value === 'string') out[key] = [value];
  }
  return out;
}

/**
 * Puts the 422 field errors on the matching controls (`errors.server` = the first message) and
 * returns the messages that matched no control. `events.0` and `events[0]` map to `events`.
 */
export function applyServerErrors(
  form: FormGroup,
  errors: Record<string, string[]>,
  aliases: Record<string, string> = {},
): Record<string, string[]> {
  const unmatched: Record<string, string[]> = {};
  for (const [key, messages] of Object.entries(errors)) {
    const root = key.split(/[.[]/)[0];
    const name = aliases[key] ?? aliases[root] ?? root;
    const control: AbstractControl | null = form.get(name);
    if (control && messages.length) {
      control.setErrors({ ...(control.errors ?? {}), server: messages[0] });
      control.markAsTouched();
    } else {
      unmatched[key] = messages;
    }
  }
  return unmatched;
}
