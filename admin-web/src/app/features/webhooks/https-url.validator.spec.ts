import { FormControl } from '@angular/forms';
import { MAX_URL_LENGTH, httpsUrlValidator, urlErrorMessage } from './https-url.validator';

function check(value: string) {
  return httpsUrlValidator(new FormControl(value));
}

describe('httpsUrlValidator', () => {
  it('accepts absolute https URLs', () => {
    expect(check('https://example.com')).toBeNull();
    expect(check('https://hooks.example.com:8443/zorio/in?x=1')).toBeNull();
    expect(check('https://127.0.0.1/hook')).toBeNull();
  });

  it('leaves the empty value to Validators.required', () => {
    expect(check('')).toBeNull();
  });

  it('refuses plain http and other schemes', () => {
    expect(check('http://example.com')).toEqual({ https: true });
    expect(check('ftp://example.com')).toEqual({ https: true });
  });

  it('refuses what is not a URL', () => {
    expect(check('example.com/hook')).toEqual({ url: true });
    expect(check('https://')).toEqual({ url: true });
  });

  it('refuses user info', () => {
    expect(check('https://user:pw@example.com/')).toEqual({ userinfo: true });
    expect(check('https://user@example.com/')).toEqual({ userinfo: true });
  });

  it('refuses URLs over 2048 characters', () => {
    const long = 'https://example.com/' + 'a'.repeat(MAX_URL_LENGTH);
    expect(check(long)).toEqual({ urlTooLong: { max: MAX_URL_LENGTH, actual: long.length } });
  });

  it('explains each error in words', () => {
    const c = new FormControl('http://x.example', httpsUrlValidator);
    expect(urlErrorMessage(c)).toMatch(/https/);
    c.setValue('https://a:b@x.example');
    expect(urlErrorMessage(c)).toMatch(/user name and password/);
    c.setValue('https://x.example');
    expect(urlErrorMessage(c)).toBeNull();
  });
});
