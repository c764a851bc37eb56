import {
  AbstractControl,
  NonNullableFormBuilder,
  ValidationErrors,
  Validators,
} from '@angular/forms';
import { inject } from '@angular/core';
import { Webhook, WebhookInput, WebhookOrdering } from '../../core/api/api.types';
import { httpsUrlValidator } from './https-url.validator';

export const MAX_NAME_LENGTH = 100;
/** docs/http-api.md: `max_in_flight` 1–64, default `WEBHOOK_MAX_IN_FLIGHT` (8). */
export const MAX_IN_FLIGHT = { min: 1, max: 64, default: 8 } as const;
/** API.md: `rate_limit_per_second` null (no limit) or 1–10000. */
export const RATE_LIMIT = { min: 1, max: 10_000 } as const;

/** The webhook form's controls and validators, shared by create and edit (and unit-tested). */
export function buildWebhookForm(fb: NonNullableFormBuilder = inject(NonNullableFormBuilder)) {
  return fb.group({
    display_name: ['', [Validators.required, Validators.maxLength(MAX_NAME_LENGTH), notBlank]],
    url: ['', [Validators.required, httpsUrlValidator]],
    events: fb.control<string[]>([], [Validators.required, nonEmptyList]),
    max_in_flight: fb.control<number | null>(MAX_IN_FLIGHT.default, [
      Validators.required,
      Validators.min(MAX_IN_FLIGHT.min),
      Validators.max(MAX_IN_FLIGHT.max),
      wholeNumber,
    ]),
    /** Empty (null) = no limit. */
    rate_limit_per_second: fb.control<number | null>(null, [
      Validators.min(RATE_LIMIT.min),
      Validators.max(RATE_LIMIT.max),
      wholeNumber,
    ]),
    ordering: fb.control<WebhookOrdering>('none'),
  });
}

export type WebhookForm = ReturnType<typeof buildWebhookForm>;
export type WebhookFormValue = ReturnType<WebhookForm['getRawValue']>;
export type WebhookField = keyof WebhookFormValue;

/** The form's values for a webhook; lane settings the response lacks read as the defaults. */
export function formValueOf(w: Webhook): WebhookFormValue {
  return {
    display_name: w.display_name,
    url: w.url,
    events: w.events,
    max_in_flight: w.max_in_flight,
    rate_limit_per_second: w.rate_limit_per_second,
    ordering: w.ordering,
  };
}

/**
 * The create body. A lane setting left at its default is not sent, so the server applies its
 * own default (`WEBHOOK_MAX_IN_FLIGHT`, no limit, no ordering).
 */
export function createInput(v: WebhookFormValue): WebhookInput {
  const input: WebhookInput = {
    display_name: v.display_name.trim(),
    url: v.url.trim(),
    events: v.events,
  };
  if (v.max_in_flight !== null && v.max_in_flight !== MAX_IN_FLIGHT.default) {
    input.max_in_flight = v.max_in_flight;
  }
  if (v.rate_limit_per_second !== null) input.rate_limit_per_second = v.rate_limit_per_second;
  if (v.ordering !== 'none') input.ordering = v.ordering;
  return input;
}

/** The PATCH body: only what changed since the form was loaded; null when nothing did. */
export function patchInput(
  v: WebhookFormValue,
  initial: WebhookFormValue,
): Partial<WebhookInput> | null {
  const patch: Partial<WebhookInput> = {};
  const name = v.display_name.trim();
  const url = v.url.trim();
  if (name !== initial.display_name) patch.display_name = name;
  if (url !== initial.url) patch.url = url;
  if (!sameList(v.events, initial.events)) patch.events = v.events;
  if (v.max_in_flight !== null && v.max_in_flight !== initial.max_in_flight) {
    patch.max_in_flight = v.max_in_flight;
  }
  if (v.rate_limit_per_second !== initial.rate_limit_per_second) {
    patch.rate_limit_per_second = v.rate_limit_per_second;
  }
  if (v.ordering !== initial.ordering) patch.ordering = v.ordering;
  return Object.keys(patch).length ? patch : null;
}

/** The message for a control's first error (server errors first), or null. */
export function webhookFieldError(name: WebhookField, c: AbstractControl): string | null {
  if (!c.errors || !(c.touched || c.dirty)) return null;
  if (typeof c.errors['server'] === 'string') return c.errors['server'];
  switch (name) {
    case 'display_name':
      if (c.errors['required'] || c.errors['blank']) return 'Give the webhook a name.';
      if (c.errors['maxlength']) return `At most ${MAX_NAME_LENGTH} characters.`;
      return null;
    case 'events':
      return c.errors['required'] ? 'Pick at least one event.' : null;
    case 'max_in_flight':
      return `A whole number from ${MAX_IN_FLIGHT.min} to ${MAX_IN_FLIGHT.max}.`;
    case 'rate_limit_per_second':
      return `A whole number from ${RATE_LIMIT.min} to 10,000, or empty for no limit.`;
    default:
      return null;
  }
}

function wholeNumber(c: AbstractControl<number | null>): ValidationErrors | null {
  const v = c.value;
  if (v === null || v === undefined) return null;
  return typeof v === 'number' && Number.isInteger(v) ? null : { integer: true };
}

function notBlank(c: { value: string }) {
  return typeof c.value === 'string' && c.value.length > 0 && !c.value.trim()
    ? { blank: true }
    : null;
}

function nonEmptyList(c: { value: string[] }) {
  return Array.isArray(c.value) && c.value.length > 0 ? null : { required: true };
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');
}
