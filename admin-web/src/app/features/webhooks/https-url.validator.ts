import { AbstractControl, ValidationErrors, ValidatorFn } from '@angular/forms';

export const MAX_URL_LENGTH = 2048;

/**
 * The receiver URL rules of API.md, checked as the user types: an absolute https URL with a host,
 * no user:password@, at most 2048 characters. An empty value is left to `Validators.required`.
 */
export const httpsUrlValidator: ValidatorFn = (
  control: AbstractControl<string | null>,
): ValidationErrors | null => {
  const raw = control.value;
  if (raw === null || raw === undefined || raw === '') return null;
  const value = raw.trim();
  if (value.length > MAX_URL_LENGTH) {
    return { urlTooLong: { max: MAX_URL_LENGTH, actual: value.length } };
  }
  if (/^http:\/\//i.test(value)) return { https: true };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { url: true };
  }
  if (url.protocol !== 'https:') return { https: true };
  if (!url.hostname || /\s/.test(value)) return { url: true };
  if (url.username || url.password) return { userinfo: true };
  return null;
};

/** The message for the first URL error, for `<mat-error>`. */
export function urlErrorMessage(control: AbstractControl): string | null {
  const e = control.errors;
  if (!e) return null;
  if (e['required']) return 'Enter the URL of your receiver.';
  if (e['https']) return 'The URL must start with https:// (plain http is not allowed).';
  if (e['url']) return 'Enter a full URL, like https://example.com/zorio/webhooks.';
  if (e['userinfo']) return 'Remove the user name and password from the URL.';
  if (e['urlTooLong']) return `The URL is too long (at most ${MAX_URL_LENGTH} characters).`;
  if (typeof e['server'] === 'string') return e['server'];
  return null;
}
