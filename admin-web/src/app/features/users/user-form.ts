import { inject } from '@angular/core';
import { NonNullableFormBuilder, Validators } from '@angular/forms';
import { Role } from '../../core/api/api.types';

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 200;

/** The new-user form with the API's rules: email, name 1–100, role, password 12–200. */
export function buildUserForm(fb: NonNullableFormBuilder = inject(NonNullableFormBuilder)) {
  return fb.group({
    email: ['', [Validators.required, Validators.email, Validators.maxLength(254)]],
    name: ['', [Validators.required, Validators.maxLength(100)]],
    role: ['auditor' as Role, [Validators.required]],
    password: [
      '',
      [Validators.required, Validators.minLength(PASSWORD_MIN), Validators.maxLength(PASSWORD_MAX)],
    ],
  });
}

export type UserForm = ReturnType<typeof buildUserForm>;

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789-_!@#%';

/** A random 20-character password from the browser's CSPRNG. */
export function generatePassword(length = 20): string {
  const bytes = new Uint32Array(length);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length]).join('');
}
