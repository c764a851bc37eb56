import { inject } from '@angular/core';
import {
  AbstractControl,
  NonNullableFormBuilder,
  ValidationErrors,
  Validators,
} from '@angular/forms';
import { Scope } from '../../core/api/api.types';

export const MAX_EXPIRY_DAYS = 3650;

/** Splits a free-text allowlist on commas, spaces and new lines. */
export function parseIpList(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function isIpv6(value: string): boolean {
  if (!value.includes(':') || !/^[0-9a-fA-F:.]+$/.test(value)) return false;
  try {
    // The URL parser implements the full IPv6 literal grammar.
    new URL(`http://[${value}]/`);
    return true;
  } catch {
    return false;
  }
}

/** An IPv4/IPv6 address or CIDR range, as the API accepts. */
export function isIpOrCidr(value: string): boolean {
  if (value.length > 50) return false;
  const [addr, prefix, extra] = value.split('/');
  if (extra !== undefined) return false;
  const v4 = IPV4.test(addr);
  const v6 = !v4 && isIpv6(addr);
  if (!v4 && !v6) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (v4 ? 32 : 128);
}

export function ipListValidator(control: AbstractControl<string>): ValidationErrors | null {
  const bad = parseIpList(control.value ?? '').filter((ip) => !isIpOrCidr(ip));
  return bad.length ? { ipList: { invalid: bad } } : null;
}

function atLeastOneScope(control: AbstractControl<Scope[]>): ValidationErrors | null {
  return Array.isArray(control.value) && control.value.length > 0 ? null : { required: true };
}

/** The new-token form: name 1–100, at least one scope, optional IP allowlist and expiry. */
export function buildTokenForm(fb: NonNullableFormBuilder = inject(NonNullableFormBuilder)) {
  return fb.group({
    name: ['', [Validators.required, Validators.maxLength(100)]],
    scopes: fb.control<Scope[]>([], [atLeastOneScope]),
    ip_allowlist: ['', [ipListValidator]],
    expires_in_days: fb.control<number | null>(null, [
      Validators.min(1),
      Validators.max(MAX_EXPIRY_DAYS),
      Validators.pattern(/^\d+$/),
    ]),
  });
}

export type TokenForm = ReturnType<typeof buildTokenForm>;
