import { TestBed } from '@angular/core/testing';
import { TestRequest } from '@angular/common/http/testing';
import { Router } from '@angular/router';
import { settle } from '../../../testing/providers';
import { StubPage, pageTest } from '../../../testing/page-test';
import { EventType, Webhook } from '../../core/api/api.types';
import { WebhookFormPage } from './webhook-form-page';
import { aWebhook } from '../../../testing/fixtures';

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
  const page = pageTest([
    { path: 'webhooks/new', component: WebhookFormPage },
    { path: 'webhooks/:id/edit', component: WebhookFormPage },
    { path: 'webhooks/:id', component: StubPage },
  ]);
  const { q, type, tick } = page;
  function check(testid: string): void {
    q(testid).querySelector('input')!.click();
  }
  /** Fills in the required fields: name "CRM", `url`, one event (or a whole module). */
  function fillRequired(url: string, event = 'event-option-pbx.call.hangup'): void {
    type('webhook-display-name', 'CRM');
    type('webhook-url', url);
    check(event);
  }
  async function open(url: string): Promise<void> {
    await page.harness.navigateByUrl(url);
    page.http.expectOne('/api/admin/event-types').flush({ data: catalogue });
    await tick();
  }
  async function openEdit(w: Webhook): Promise<void> {
    await open(`/webhooks/${w.id}/edit`);
    page.http.expectOne(`/api/admin/webhooks/${w.id}`).flush({ data: w });
    await tick();
  }
  /** Answers the save as the API answers invalid fields (422 with per-field messages). */
  async function rejectFields(req: TestRequest, errors: Record<string, string[]>): Promise<void> {
    req.flush(
      { message: 'The given data was invalid.', errors },
      { status: 422, statusText: 'Unprocessable Entity' },
    );
    await tick();
  }

  it('shows the catalogue grouped by module with descriptions', async () => {
    await open('/webhooks/new');
    expect(q('event-group-pbx').textContent).toContain('PBX');
    expect(q('event-group-telesales').textContent).toContain('Lead changed');
  });

  it('flags a plain-http URL while typing', async () => {
    await open('/webhooks/new');
    type('webhook-url', 'http://crm.example.com');
    await tick();
    expect(q('webhook-url-error').textContent).toContain('https://');
    type('webhook-url', 'https://crm.example.com');
    await tick();
    expect(q('webhook-url-error')).toBeNull();
    expect(q('webhook-url-ok')).not.toBeNull();
  });

  it('does not post an invalid form and says what is missing', async () => {
    await open('/webhooks/new');
    q<HTMLButtonElement>('webhook-form-submit').click();
    await tick();
    page.http.expectNone('/api/admin/webhooks');
    expect(q('webhook-events-error').textContent).toContain('at least one event');
  });

  it('creates the webhook, shows the secret once, then opens the webhook', async () => {
    await open('/webhooks/new');
    fillRequired('https://crm.example.com/hook', 'event-group-toggle-pbx');
    await tick();
    expect(q('webhook-events-count').textContent).toContain('2 selected');
    q<HTMLButtonElement>('webhook-form-submit').click();
    const req = page.http.expectOne({ method: 'POST', url: '/api/admin/webhooks' });
    expect(req.request.body).toEqual({
      display_name: 'CRM',
      url: 'https://crm.example.com/hook',
      events: ['pbx.call.hangup', 'pbx.cdr.created'],
    });
    req.flush(
      { data: created, secret: 'S3cr3tS3cr3tS3cr3tS3cr3tS3cr3t12' },
      { status: 201, statusText: 'Created' },
    );
    await tick();
    expect(q<HTMLInputElement>('secret-value').value).toBe('S3cr3tS3cr3tS3cr3tS3cr3tS3cr3t12');
    expect(q('secret-warning').textContent).toContain('will not be shown again');
    const done = q<HTMLButtonElement>('secret-dialog-done');
    expect(done.disabled).toBe(true);
    q<HTMLButtonElement>('secret-copy').click();
    await tick();
    expect(done.disabled).toBe(false);
    done.click();
    await settle();
    expect(TestBed.inject(Router).url).toBe('/webhooks/w1');
  });

  it('puts the API 422 errors on the fields', async () => {
    await open('/webhooks/new');
    fillRequired('https://10.0.0.1/hook');
    q<HTMLButtonElement>('webhook-form-submit').click();
    await rejectFields(page.http.expectOne('/api/admin/webhooks'), {
      url: ['url must not point to a private address'],
    });
    expect(q('webhook-url-error').textContent).toContain('private address');
  });

  it('edits: loads the webhook and sends only what changed', async () => {
    await openEdit(created);
    expect(q<HTMLInputElement>('webhook-url').value).toBe(created.url);
    type('webhook-display-name', 'CRM v2');
    q<HTMLButtonElement>('webhook-form-submit').click();
    const req = page.http.expectOne({ method: 'PATCH', url: '/api/admin/webhooks/w1' });
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
    fillRequired('https://crm.example.com/hook');
    type('webhook-max-in-flight', '65');
    type('webhook-rate-limit', '0');
    q<HTMLButtonElement>('webhook-form-submit').click();
    await tick();
    page.http.expectNone('/api/admin/webhooks');
    expect(q('webhook-max-in-flight-error').textContent).toContain('1 to 64');
    expect(q('webhook-rate-limit-error').textContent).toContain('1 to 10,000');
  });

  it('creates with max in flight, a rate limit and per-key ordering', async () => {
    await open('/webhooks/new');
    fillRequired('https://crm.example.com/hook');
    type('webhook-max-in-flight', '2');
    type('webhook-rate-limit', '50');
    check('webhook-ordering-per_key');
    await settle();
    q<HTMLButtonElement>('webhook-form-submit').click();
    const req = page.http.expectOne({ method: 'POST', url: '/api/admin/webhooks' });
    expect(req.request.body).toEqual({
      display_name: 'CRM',
      url: 'https://crm.example.com/hook',
      events: ['pbx.call.hangup'],
      max_in_flight: 2,
      rate_limit_per_second: 50,
      ordering: 'per_key',
    });
    await rejectFields(req, { max_in_flight: ['too many, says the server'] });
    expect(q('webhook-max-in-flight-error').textContent).toContain('too many, says the server');
  });

  it('edits the lane settings of a webhook that has them', async () => {
    const laned: Webhook = {
      ...created,
      max_in_flight: 4,
      rate_limit_per_second: 100,
      ordering: 'per_key',
      lane: { in_flight: 0, due: 0, oldest_due_at: null, throttled_until: null },
    };
    await openEdit(laned);
    expect(q<HTMLInputElement>('webhook-max-in-flight').value).toBe('4');
    expect(q<HTMLInputElement>('webhook-rate-limit').value).toBe('100');
    expect(q('webhook-ordering-per_key').querySelector('input')!.checked).toBe(true);
    type('webhook-rate-limit', '');
    check('webhook-ordering-none');
    await settle();
    q<HTMLButtonElement>('webhook-form-submit').click();
    const req = page.http.expectOne({ method: 'PATCH', url: '/api/admin/webhooks/w1' });
    expect(req.request.body).toEqual({ rate_limit_per_second: null, ordering: 'none' });
    req.flush({ data: { ...laned, rate_limit_per_second: null, ordering: 'none' } });
    await settle();
    expect(TestBed.inject(Router).url).toBe('/webhooks/w1');
  });
});
