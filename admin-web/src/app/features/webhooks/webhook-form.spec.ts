import { TestBed } from '@angular/core/testing';
import { NonNullableFormBuilder } from '@angular/forms';
import { buildWebhookForm } from './webhook-form';

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
    f.setValue({
      display_name: 'CRM',
      url: 'https://crm.example.com/h',
      events: ['pbx.call.hangup'],
    });
    expect(f.valid).toBe(true);
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
});
