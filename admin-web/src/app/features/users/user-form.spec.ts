import { TestBed } from '@angular/core/testing';
import { NonNullableFormBuilder } from '@angular/forms';
import { PASSWORD_MIN, buildUserForm, generatePassword } from './user-form';

describe('user form validation', () => {
  const form = () => buildUserForm(TestBed.inject(NonNullableFormBuilder));

  it('requires email, name and a password of at least 12 characters', () => {
    const f = form();
    expect(f.valid).toBe(false);
    f.setValue({ email: 'not-an-email', name: 'A', role: 'admin', password: 'short' });
    expect(f.controls.email.hasError('email')).toBe(true);
    expect(f.controls.password.hasError('minlength')).toBe(true);
    f.setValue({
      email: 'a@zorio.test',
      name: 'A',
      role: 'auditor',
      password: 'x'.repeat(PASSWORD_MIN),
    });
    expect(f.valid).toBe(true);
  });

  it('defaults new users to the least privileged role', () => {
    expect(form().controls.role.value).toBe('auditor');
  });

  it('generates passwords that pass the rules and differ', () => {
    const a = generatePassword();
    const b = generatePassword();
    expect(a.length).toBeGreaterThanOrEqual(PASSWORD_MIN);
    expect(a).not.toBe(b);
  });
});
