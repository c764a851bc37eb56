import { ChangeDetectionStrategy, Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { HttpTestingController } from '@angular/common/http/testing';
import { Router } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { settle, testProviders } from '../../../testing/providers';
import { EventType, Webhook } from '../../core/api/api.types';
import { WebhookFormPage } from './webhook-form-page';
import { aWebhook } from '../../../testing/fixtures';

@Component({ changeDetection: ChangeDetectionStrategy.OnPush, template: 'detail' })
class Detail {}

const catalogue: EventType[] = [
  { name: 'pbx.call.hangup', module: 'pbx', description: 'The call ends', sample: {} },
  { name: 'pbx.cdr.created', module: 'pbx', description: 'CDR row', sample: {} },
  { name: 'telesales.lead.updated', module: 'telesales', description: 'Lead changed', sample: {} },
];

const created: Webhook = aWebhook({
  id: 'w1',
  display_name: 'CRM',
  events: ['pbx.call.hangup', 'pbx.cdr.created'],
});

describe('WebhookFormPage', () => {
  let harness: RouterTestingHarness;
  let http: HttpTestingController;

  beforeEach(async () => {
    TestBed.configureTestingModule({
      providers: testProviders([
        { path: 'webhooks/new', component: WebhookFormPage },
        { path: 'webhooks/:id/edit', component: WebhookFormPage },
        { path: 'webhooks/:id', component: Detail },
      ]),
    });
    http = TestBed.inject(HttpTestingController);
    harness = await RouterTestingHarness.create();
  });

  afterEach(() => http.verify());

  const q = <T extends HTMLElement>(testid: string): T =>
    document.querySelector(`[data-testid="${testid}"]`) as T;
  function type(testid: string, value: string): void {
    const input = q<HTMLInputElement>(testid);
    input.value = value;
    input.dispatchEvent(new Event('input'));
  }
  function check(testid: string): void {
    q(testid).querySelector('input')!.click();
  }
  async function open(url: string): Promise<void> {
    await harness.navigateByUrl(url);
    http.expectOne('/api/admin/event-types').flush({ data: catalogue });
    await settle();
    harness.detectChanges();
  }

  it('shows the catalogue grouped by module with descriptions', async () => {
    await open('/webhooks/new');
    expect(q('event-group-pbx').textContent).toContain('PBX');
    expect(q('event-group-telesales').textContent).toContain('Lead changed');
  });

  it('flags a plain-http URL while typing', async () => {
    await open('/webhooks/new');
    type('webhook-url', 'http://crm.example.com');
    await settle();
    harness.detectChanges();
    expect(q('webhook-url-error').textContent).toContain('https://');
    type('webhook-url', 'https://crm.example.com');
    await settle();
    harness.detectChanges();
    expect(q('webhook-url-error')).toBeNull();
    expect(q('webhook-url-ok')).not.toBeNull();
  });

  it('does not post an invalid form and says what is missing', async () => {
    await open('/webhooks/new');
    q<HTMLButtonElement>('webhook-form-submit').click();
    await settle();
    harness.detectChanges();
    http.expectNone('/api/admin/webhooks');
    expect(q('webhook-events-error').textContent).toContain('at least one event');
  });

  it('creates the webhook, shows the secret once, then opens the webhook', async () => {
    await open('/webhooks/new');
    type('webhook-display-name', 'CRM');
    type('webhook-url', 'https://crm.example.com/hook');
    check('event-group-toggle-pbx');
    await settle();
    harness.detectChanges();
    expect(q('webhook-events-count').textContent).toContain('2 selected');
    q<HTMLButtonElement>('webhook-form-submit').click();
    const req = http.expectOne({ method: 'POST', url: '/api/admin/webhooks' });
    expect(req.request.body).toEqual({
      display_name: 'CRM',
      url: 'https://crm.example.com/hook',
      events: ['pbx.call.hangup', 'pbx.cdr.created'],
    });
    req.flush(
      { data: created, secret: 'S3cr3tS3cr3tS3cr3tS3cr3tS3cr3t12' },
      { status: 201, statusText: 'Created' },
    );
    await settle();
    harness.detectChanges();
    expect(q<HTMLInputElement>('secret-value').value).toBe('S3cr3tS3cr3tS3cr3tS3cr3tS3cr3t12');
    expect(q('secret-warning').textContent).toContain('will not be shown again');
    const done = q<HTMLButtonElement>('secret-dialog-done');
    expect(done.disabled).toBe(true);
    q<HTMLButtonElement>('secret-copy').click();
    await settle();
    harness.detectChanges();
    expect(done.disabled).toBe(false);
    done.click();
    await settle();
    expect(TestBed.inject(Router).url).toBe('/webhooks/w1');
  });

  it('puts the API 422 errors on the fields', async () => {
    await open('/webhooks/new');
    type('webhook-display-name', 'CRM');
    type('webhook-url', 'https://10.0.0.1/hook');
    check('event-option-pbx.call.hangup');
    q<HTMLButtonElement>('webhook-form-submit').click();
    http.expectOne('/api/admin/webhooks').flush(
      {
        message: 'The given data was invalid.',
        errors: { url: ['url must not point to a private address'] },
      },
      { status: 422, statusText: 'Unprocessable Entity' },
    );
    await settle();
    harness.detectChanges();
    expect(q('webhook-url-error').textContent).toContain('private address');
  });

  it('edits: loads the webhook and sends only what changed', async () => {
    await harness.navigateByUrl('/webhooks/w1/edit');
    http.expectOne('/api/admin/event-types').flush({ data: catalogue });
    await settle();
    http.expectOne('/api/admin/webhooks/w1').flush({ data: created });
    await settle();
    harness.detectChanges();
    expect(q<HTMLInputElement>('webhook-url').value).toBe(created.url);
    type('webhook-display-name', 'CRM v2');
    q<HTMLButtonElement>('webhook-form-submit').click();
    const req = http.expectOne({ method: 'PATCH', url: '/api/admin/webhooks/w1' });
    expect(req.request.body).toEqual({ display_name: 'CRM v2' });
    req.flush({ data: { ...created, display_name: 'CRM v2' } });
    await settle();
    expect(TestBed.inject(Router).url).toBe('/webhooks/w1');
  });

  it('offers the lane settings with their defaults and help', async () => {
    await open('/webhooks/new');
    expect(q<HTMLInputElement>('webhook-max-in-flight').value).toBe('8');
    expect(q<HTMLInputElement>('webhook-rate-limit').value).toBe('');
    expect(q('webhook-max-in-flight-help').textContent).toContain('1–64');
    expect(q('webhook-rate-limit-help').textContent).toContain('no limit');
    expect(q('webhook-ordering-per_key').textContent).toContain(
      'a failing call holds back only its own later events',
    );
    expect(q('webhook-ordering-none').querySelector('input')!.checked).toBe(true);
  });

  it('refuses lane settings out of range before posting', async () => {
    await open('/webhooks/new');
    type('webhook-display-name', 'CRM');
    type('webhook-url', 'https://crm.example.com/hook');
    check('event-option-pbx.call.hangup');
    type('webhook-max-in-flight', '65');
    type('webhook-rate-limit', '0');
    q<HTMLButtonElement>('webhook-form-submit').click();
    await settle();
    harness.detectChanges();
    http.expectNone('/api/admin/webhooks');
    expect(q('webhook-max-in-flight-error').textContent).toContain('1 to 64');
    expect(q('webhook-rate-limit-error').textContent).toContain('1 to 10,000');
  });

  it('creates with max in flight, a rate limit and per-key ordering', async () => {
    await open('/webhooks/new');
    type('webhook-display-name', 'CRM');
    type('webhook-url', 'https://crm.example.com/hook');
    check('event-option-pbx.call.hangup');
    type('webhook-max-in-flight', '2');
    type('webhook-rate-limit', '50');
    check('webhook-ordering-per_key');
    await settle();
    q<HTMLButtonElement>('webhook-form-submit').click();
    const req = http.expectOne({ method: 'POST', url: '/api/admin/webhooks' });
    expect(req.request.body).toEqual({
      display_name: 'CRM',
      url: 'https://crm.example.com/hook',
      events: ['pbx.call.hangup'],
      max_in_flight: 2,
      rate_limit_per_second: 50,
      ordering: 'per_key',
    });
    req.flush(
      {
        message: 'The given data was invalid.',
        errors: { max_in_flight: ['too many, says the server'] },
      },
      { status: 422, statusText: 'Unprocessable Entity' },
    );
    await settle();
    harness.detectChanges();
    expect(q('webhook-max-in-flight-error').textContent).toContain('too many, says the server');
  });

  it('edits the lane settings of a webhook that has them', async () => {
    await harness.navigateByUrl('/webhooks/w1/edit');
    http.expectOne('/api/admin/event-types').flush({ data: catalogue });
    await settle();
    const laned: Webhook = {
      ...created,
      max_in_flight: 4,
      rate_limit_per_second: 100,
      ordering: 'per_key',
      lane: { in_flight: 0, due: 0, oldest_due_at: null, throttled_until: null },
    };
    http.expectOne('/api/admin/webhooks/w1').flush({ data: laned });
    await settle();
    harness.detectChanges();
    expect(q<HTMLInputElement>('webhook-max-in-flight').value).toBe('4');
    expect(q<HTMLInputElement>('webhook-rate-limit').value).toBe('100');
    expect(q('webhook-ordering-per_key').querySelector('input')!.checked).toBe(true);
    type('webhook-rate-limit', '');
    check('webhook-ordering-none');
    await settle();
    q<HTMLButtonElement>('webhook-form-submit').click();
    const req = http.expectOne({ method: 'PATCH', url: '/api/admin/webhooks/w1' });
    expect(req.request.body).toEqual({ rate_limit_per_second: null, ordering: 'none' });
    req.flush({ data: { ...laned, rate_limit_per_second: null, ordering: 'none' } });
    await settle();
    expect(TestBed.inject(Router).url).toBe('/webhooks/w1');
  });
});
