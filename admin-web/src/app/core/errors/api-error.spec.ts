import { HttpErrorResponse, HttpHeaders } from '@angular/common/http';
import { FormControl, FormGroup } from '@angular/forms';
import { applyServerErrors, toApiError } from './api-error';

describe('toApiError', () => {
  it('takes message and errors from the API body', () => {
    const e = toApiError(
      new HttpErrorResponse({
        status: 422,
        error: { message: 'The given data was invalid.', errors: { url: ['url must be https'] } },
      }),
    );
    expect(e).toEqual({
      status: 422,
      message: 'The given data was invalid.',
      errors: { url: ['url must be https'] },
      retryAfterSeconds: null,
    });
  });

  it('parses a JSON string body and reads Retry-After', () => {
    const e = toApiError(
      new HttpErrorResponse({
        status: 429,
        error: '{"message":"Too many requests. Retry after 30 seconds."}',
        headers: new HttpHeaders({ 'Retry-After': '30' }),
      }),
    );
    expect(e.message).toBe('Too many requests. Retry after 30 seconds.');
    expect(e.retryAfterSeconds).toBe(30);
  });

  it('falls back to a readable message by status, including network failures', () => {
    expect(toApiError(new HttpErrorResponse({ status: 0 })).message).toMatch(/reach the server/);
    expect(toApiError(new HttpErrorResponse({ status: 502, error: '<html>' })).message).toMatch(
      /server had a problem/,
    );
    expect(toApiError(new HttpErrorResponse({ status: 404 })).message).toBe('Resource not found.');
    expect(toApiError(new Error('boom')).message).toBe('boom');
  });
});

describe('applyServerErrors', () => {
  it('puts field errors on matching controls and returns the rest', () => {
    const form = new FormGroup({
      url: new FormControl('http://x'),
      events: new FormControl<string[]>([]),
    });
    const rest = applyServerErrors(form, {
      url: ['url must be https'],
      'events.0': ['unknown event'],
      other: ['unknown field'],
    });
    expect(form.controls.url.errors).toEqual({ server: 'url must be https' });
    expect(form.controls.url.touched).toBe(true);
    expect(form.controls.events.errors).toEqual({ server: 'unknown event' });
    expect(rest).toEqual({ other: ['unknown field'] });
  });

  it('honours aliases', () => {
    const form = new FormGroup({ since: new FormControl('') });
    applyServerErrors(form, { from: ['bad'] }, { from: 'since' });
    expect(form.controls.since.errors).toEqual({ server: 'bad' });
  });
});
