import { TestBed } from '@angular/core/testing';
import { NonNullableFormBuilder } from '@angular/forms';
import {
  WebhookFormValue,
  buildWebhookForm,
  createInput,
  formValueOf,
  patchInput,
  webhookFieldError,
} from './webhook-form';
import { aWebhook } from '../../../testing/fixtures';

describe('webhook form validation', () => {
  function form() {
    return buildWebhookForm(TestBed.inject(NonNullableFormBuilder));
  }

  it('is invalid when empty, with each field required', () => {
    const f = form();
    expect(f.valid).toBe(false);
    expect(f.controls.display_name.hasError('required')).toBe(true);
    expect(f.controls.url.hasError('required')).toBe(true);
    expect(f.controls.events.hasError('required')).toBe(true);
  });

  it('is valid with a name, an https URL and one event', () => {
    const f = form();
    f.patchValue({
      display_name: 'CRM',
      url: 'https://crm.example.com/h',
      events: ['pbx.call.hangup'],
    });
    expect(f.valid).toBe(true);
    expect(f.getRawValue()).toMatchObject({
      max_in_flight: 8,
      rate_limit_per_second: null,
      ordering: 'none',
    });
  });

  it('limits the name to 100 characters and refuses blanks', () => {
    const f = form();
    f.controls.display_name.setValue('x'.repeat(101));
    expect(f.controls.display_name.hasError('maxlength')).toBe(true);
    f.controls.display_name.setValue('   ');
    expect(f.controls.display_name.hasError('blank')).toBe(true);
    f.controls.display_name.setValue('x'.repeat(100));
    expect(f.controls.display_name.valid).toBe(true);
  });

  it('checks the URL as https', () => {
    const f = form();
    f.controls.url.setValue('http://crm.example.com');
    expect(f.controls.url.hasError('https')).toBe(true);
  });

  it('needs at least one event', () => {
    const f = form();
    f.controls.events.setValue([]);
    expect(f.controls.events.invalid).toBe(true);
    f.controls.events.setValue(['telesales.lead.updated']);
    expect(f.controls.events.valid).toBe(true);
  });

  it('takes max in flight as a whole number from 1 to 64', () => {
    const c = form().controls.max_in_flight;
    for (const bad of [0, 65, -1, 2.5, 1e9, null]) {
      c.setValue(bad);
      expect(c.invalid, String(bad)).toBe(true);
    }
    for (const ok of [1, 8, 64]) {
      c.setValue(ok);
      expect(c.valid, String(ok)).toBe(true);
    }
  });

  it('takes the rate limit empty (no limit) or as a whole number from 1 to 10000', () => {
    const c = form().controls.rate_limit_per_second;
    for (const bad of [0, -1, 10_001, 1.5, 1e9]) {
      c.setValue(bad);
      expect(c.invalid, String(bad)).toBe(true);
    }
    for (const ok of [null, 1, 10_000]) {
      c.setValue(ok);
      expect(c.valid, String(ok)).toBe(true);
    }
  });

  it('names the rule in the field errors, a server message first', () => {
    const f = form();
    f.controls.max_in_flight.setValue(65);
    f.controls.max_in_flight.markAsTouched();
    expect(webhookFieldError('max_in_flight', f.controls.max_in_flight)).toBe(
      'A whole number from 1 to 64.',
    );
    f.controls.rate_limit_per_second.setValue(0);
    f.controls.rate_limit_per_second.markAsTouched();
    expect(webhookFieldError('rate_limit_per_second', f.controls.rate_limit_per_second)).toContain(
      'or empty for no limit',
    );
    f.controls.ordering.setErrors({ server: 'ordering must be one of none, per_key' });
    f.controls.ordering.markAsTouched();
    expect(webhookFieldError('ordering', f.controls.ordering)).toBe(
      'ordering must be one of none, per_key',
    );
  });
});

describe('webhook form bodies', () => {
  const base: WebhookFormValue = {
    display_name: ' CRM ',
    url: 'https://crm.example.com/h ',
    events: ['pbx.call.hangup'],
    max_in_flight: 8,
    rate_limit_per_second: null,
    ordering: 'none',
  };

  it('creates without the lane settings left at their defaults (the server applies its own)', () => {
    expect(createInput(base)).toEqual({
      display_name: 'CRM',
      url: 'https://crm.example.com/h',
      events: ['pbx.call.hangup'],
    });
  });

  it('creates with the lane settings that were set', () => {
    expect(
      createInput({ ...base, max_in_flight: 2, rate_limit_per_second: 50, ordering: 'per_key' }),
    ).toMatchObject({ max_in_flight: 2, rate_limit_per_second: 50, ordering: 'per_key' });
  });

  it("reads the webhook's lane settings", () => {
    const w = aWebhook({ max_in_flight: 3, rate_limit_per_second: 20, ordering: 'per_key' });
    expect(formValueOf(w)).toMatchObject({
      max_in_flight: 3,
      rate_limit_per_second: 20,
      ordering: 'per_key',
    });
  });

  it('patches only what changed, and clears a rate limit with null', () => {
    const initial: WebhookFormValue = {
      ...base,
      display_name: 'CRM',
      url: 'https://crm.example.com/h',
      rate_limit_per_second: 100,
    };
    expect(patchInput({ ...initial }, initial)).toBeNull();
    expect(patchInput({ ...initial, rate_limit_per_second: null }, initial)).toEqual({
      rate_limit_per_second: null,
    });
    expect(
      patchInput({ ...initial, max_in_flight: 1, ordering: 'per_key', events: [] }, initial),
    ).toEqual({ max_in_flight: 1, ordering: 'per_key', events: [] });
  });
});
