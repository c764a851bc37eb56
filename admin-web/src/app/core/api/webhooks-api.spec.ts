import { apiServiceTest } from '../../../testing/providers';
import { Webhook } from './api.types';
import { WebhooksApi } from './webhooks-api';
import { aWebhook } from '../../../testing/fixtures';

const webhook: Webhook = aWebhook({
  id: 'b3c1e9c2-5a4f-4f0e-9a11-1c2d3e4f5a6b',
  display_name: 'CRM',
  events: ['pbx.call.hangup'],
});

describe('WebhooksApi', () => {
  const t = apiServiceTest(WebhooksApi);

  it('lists webhooks from GET /api/admin/webhooks, unwrapping data', () => {
    let result: Webhook[] | undefined;
    t.api.list().subscribe((r) => (result = r));
    const req = t.http.expectOne('/api/admin/webhooks');
    expect(req.request.method).toBe('GET');
    req.flush({ data: [webhook] });
    expect(result).toEqual([webhook]);
  });

  it('gets one webhook, encoding the id', () => {
    let result: Webhook | undefined;
    t.api.get('a/b').subscribe((r) => (result = r));
    t.http.expectOne('/api/admin/webhooks/a%2Fb').flush({ data: webhook });
    expect(result?.id).toBe(webhook.id);
  });

  it('creates a webhook and returns the one-time secret with it', () => {
    let secret: string | undefined;
    const input = {
      display_name: 'CRM',
      url: 'https://crm.example.com/hook',
      events: ['pbx.call.hangup'],
    };
    t.api.create(input).subscribe((r) => (secret = r.secret));
    const req = t.http.expectOne({ method: 'POST', url: '/api/admin/webhooks' });
    expect(req.request.body).toEqual(input);
    req.flush({ data: webhook, secret: 'A'.repeat(32) }, { status: 201, statusText: 'Created' });
    expect(secret).toBe('A'.repeat(32));
  });

  it('patches only the given fields', () => {
    t.api.update(webhook.id, { display_name: 'New' }).subscribe();
    const req = t.http.expectOne({ method: 'PATCH', url: `/api/admin/webhooks/${webhook.id}` });
    expect(req.request.body).toEqual({ display_name: 'New' });
    req.flush({ data: { ...webhook, display_name: 'New' } });
  });

  it('rotates the secret with POST …/rotate-secret', () => {
    let secret: string | undefined;
    t.api.rotateSecret(webhook.id).subscribe((r) => (secret = r.secret));
    t.http
      .expectOne({ method: 'POST', url: `/api/admin/webhooks/${webhook.id}/rotate-secret` })
      .flush({ data: webhook, secret: 'B'.repeat(32) });
    expect(secret).toBe('B'.repeat(32));
  });

  it('pauses and resumes', () => {
    const statuses: string[] = [];
    t.api.pause(webhook.id).subscribe((w) => statuses.push(w.status));
    t.http
      .expectOne({ method: 'POST', url: `/api/admin/webhooks/${webhook.id}/pause` })
      .flush({ data: { ...webhook, status: 'paused' } });
    t.api.resume(webhook.id).subscribe((w) => statuses.push(w.status));
    t.http
      .expectOne({ method: 'POST', url: `/api/admin/webhooks/${webhook.id}/resume` })
      .flush({ data: webhook });
    expect(statuses).toEqual(['paused', 'active']);
  });

  it('deletes with DELETE and completes on 204', () => {
    let done = false;
    t.api.delete(webhook.id).subscribe({ complete: () => (done = true) });
    t.http
      .expectOne({ method: 'DELETE', url: `/api/admin/webhooks/${webhook.id}` })
      .flush(null, { status: 204, statusText: 'No Content' });
    expect(done).toBe(true);
  });

  it('sends a test event naming the event, or an empty body for the default', () => {
    t.api.sendTest(webhook.id, 'pbx.call.hangup').subscribe();
    const req = t.http.expectOne({ method: 'POST', url: `/api/admin/webhooks/${webhook.id}/test` });
    expect(req.request.body).toEqual({ event: 'pbx.call.hangup' });
    req.flush({ data: {} });
    t.api.sendTest(webhook.id).subscribe();
    const req2 = t.http.expectOne(`/api/admin/webhooks/${webhook.id}/test`);
    expect(req2.request.body).toEqual({});
    req2.flush({ data: {} });
  });

  it('replays dead letters since a time and returns the count', () => {
    let count: number | undefined;
    t.api
      .replayDeadLetters(webhook.id, '2026-01-01T00:00:00.000Z')
      .subscribe((r) => (count = r.count));
    const req = t.http.expectOne(`/api/admin/webhooks/${webhook.id}/replay-dead-letters`);
    expect(req.request.method).toBe('POST');
    expect(req.request.body).toEqual({ since: '2026-01-01T00:00:00.000Z' });
    req.flush({ data: { count: 7 } }, { status: 202, statusText: 'Accepted' });
    expect(count).toBe(7);
  });
});
