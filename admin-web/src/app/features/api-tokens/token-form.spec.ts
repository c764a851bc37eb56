import { TestBed } from '@angular/core/testing';
import { NonNullableFormBuilder } from '@angular/forms';
import { buildTokenForm, isIpOrCidr, parseIpList } from './token-form';

describe('token form validation', () => {
  const form = () => buildTokenForm(TestBed.inject(NonNullableFormBuilder));

  it('requires a name and at least one scope', () => {
    const f = form();
    expect(f.controls.name.hasError('required')).toBe(true);
    expect(f.controls.scopes.hasError('required')).toBe(true);
    f.patchValue({ name: 'CRM', scopes: ['pbx_api_access'] });
    expect(f.valid).toBe(true);
  });

  it('accepts an optional allowlist of IPs and CIDR ranges', () => {
    const f = form();
    f.patchValue({ name: 'x', scopes: ['pbx_api_access'] });
    f.controls.ip_allowlist.setValue('203.0.113.7, 10.0.0.0/8\n2001:db8::1 2001:db8::/32');
    expect(f.valid).toBe(true);
    f.controls.ip_allowlist.setValue('203.0.113.7, 999.1.1.1, nope');
    expect(f.controls.ip_allowlist.getError('ipList')).toEqual({ invalid: ['999.1.1.1', 'nope'] });
  });

  it('bounds the expiry to whole days between 1 and 3650', () => {
    const f = form();
    const c = f.controls.expires_in_days;
    c.setValue(null);
    expect(c.valid).toBe(true);
    c.setValue(0);
    expect(c.hasError('min')).toBe(true);
    c.setValue(3651);
    expect(c.hasError('max')).toBe(true);
    c.setValue(1.5);
    expect(c.hasError('pattern')).toBe(true);
    c.setValue(90);
    expect(c.valid).toBe(true);
  });

  it('parses and checks addresses', () => {
    expect(parseIpList(' 1.2.3.4,5.6.7.8;\n ::1 ')).toEqual(['1.2.3.4', '5.6.7.8', '::1']);
    expect(isIpOrCidr('192.168.1.0/24')).toBe(true);
    expect(isIpOrCidr('192.168.1.0/33')).toBe(false);
    expect(isIpOrCidr('fe80::1/64')).toBe(true);
    expect(isIpOrCidr('fe80::1/129')).toBe(false);
    expect(isIpOrCidr('1.2.3')).toBe(false);
    expect(isIpOrCidr('1.2.3.4/8/1')).toBe(false);
  });
});
