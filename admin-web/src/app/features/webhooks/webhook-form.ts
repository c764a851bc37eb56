import { NonNullableFormBuilder, Validators } from '@angular/forms';
import { inject } from '@angular/core';
import { httpsUrlValidator } from './https-url.validator';

export const MAX_NAME_LENGTH = 100;

/** The webhook form's controls and validators, shared by create and edit (and unit-tested). */
export function buildWebhookForm(fb: NonNullableFormBuilder = inject(NonNullableFormBuilder)) {
  return fb.group({
    display_name: ['', [Validators.required, Validators.maxLength(MAX_NAME_LENGTH), notBlank]],
    url: ['', [Validators.required, httpsUrlValidator]],
    events: fb.control<string[]>([], [Validators.required, nonEmptyList]),
  });
}

export type WebhookForm = ReturnType<typeof buildWebhookForm>;

function notBlank(c: { value: string }) {
  return typeof c.value === 'string' && c.value.length > 0 && !c.value.trim()
    ? { blank: true }
    : null;
}

function nonEmptyList(c: { value: string[] }) {
  return Array.isArray(c.value) && c.value.length > 0 ? null : { required: true };
}
