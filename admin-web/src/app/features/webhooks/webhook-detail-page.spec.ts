import { TestBed } from '@angular/core/testing';
import { Router } from '@angular/router';
import { settle } from '../../../testing/providers';
import { StubPage, pageTest } from '../../../testing/page-test';
import { Webhook } from '../../core/api/api.types';
import { WebhookDetailPage } from './webhook-detail-page';
import { aWebhook } from '../../../testing/fixtures';

const base: Webhook = aWebhook({
  id: 'w1',
  display_name: 'CRM prod',
  events: ['pbx.call.hangup', 'telesales.lead.updated'],
});

describe('WebhookDetailPage', () => {
  const page = pageTest([
    { path: 'webhooks', component: StubPage },
    { path: 'webhooks/:id', component: WebhookDetailPage },
  ]);
  const { q, tick } = page;
  async function open(w: Webhook): Promise<void> {
    await page.harness.navigateByUrl(`/webhooks/${w.id}`);
    page.http.expectOne('/api/admin/webhooks/w1').flush({ data: w });
    await settle();
    page.http
      .expectOne((r) => r.url === '/api/admin/deliveries' && r.params.get('webhook_id') === 'w1')
      .flush({ data: [], next_cursor: null });
    await tick();
  }

  it('shows the webhook with its status chip and a copyable id', async () => {
    await open(base);
    expect(q('webhook-name').textContent).toContain('CRM prod');
    expect(q('webhook-status').getAttribute('data-status')).toBe('active');
    expect(q('webhook-status').textContent).toContain('Active');
    expect(q('webhook-id').textContent).toContain('w1');
    expect(q('webhook-id-copy').getAttribute('aria-label')).toBe('Copy webhook id');
    expect(q('webhook-recent-empty')).not.toBeNull();
  });

  it('pauses and then offers resume', async () => {
    await open(base);
    q<HTMLButtonElement>('webhook-pause').click();
    page.http
      .expectOne({ method: 'POST', url: '/api/admin/webhooks/w1/pause' })
      .flush({ data: { ...base, status: 'paused' } });
    await tick();
    expect(q('webhook-status').getAttribute('data-status')).toBe('paused');
    expect(q('webhook-resume')).not.toBeNull();
    expect(q('webhook-pause')).toBeNull();
  });

  it('shows why a webhook was suspended and re-enables it', async () => {
    await open({
      ...base,
      status: 'suspended',
      consecutive_failures: 50,
      suspended_at: '2026-01-02T00:00:00Z',
    });
    expect(q('webhook-suspension-reason').textContent).toContain('50 deliveries in a row');
    q<HTMLButtonElement>('webhook-reenable').click();
    page.http
      .expectOne({ method: 'POST', url: '/api/admin/webhooks/w1/resume' })
      .flush({ data: base });
    await tick();
    expect(q('webhook-suspension')).toBeNull();
  });

  it('rotates the secret after confirming and shows the new one once', async () => {
    await open(base);
    q<HTMLButtonElement>('webhook-rotate').click();
    await tick();
    q<HTMLButtonElement>('confirm-ok').click();
    await tick();
    page.http.expectOne({ method: 'POST', url: '/api/admin/webhooks/w1/rotate-secret' }).flush({
      data: { ...base, secret_rotated_at: '2026-01-03T00:00:00Z' },
      secret: 'N'.repeat(32),
    });
    await tick();
    expect(q<HTMLInputElement>('secret-value').value).toBe('N'.repeat(32));
  });

  it('deletes only once the name has been typed', async () => {
    await open(base);
    q<HTMLButtonElement>('webhook-delete').click();
    await tick();
    const ok = q<HTMLButtonElement>('confirm-ok');
    expect(ok.disabled).toBe(true);
    const input = q<HTMLInputElement>('confirm-input');
    input.value = 'CRM';
    input.dispatchEvent(new Event('input'));
    await tick();
    expect(ok.disabled).toBe(true);
    input.value = 'CRM prod';
    input.dispatchEvent(new Event('input'));
    await tick();
    expect(ok.disabled).toBe(false);
    ok.click();
    await tick();
    page.http
      .expectOne({ method: 'DELETE', url: '/api/admin/webhooks/w1' })
      .flush(null, { status: 204, statusText: 'No Content' });
    await tick();
    expect(TestBed.inject(Router).url).toBe('/webhooks');
  });

  it('sends a test event of the chosen type and shows the receiver response', async () => {
    await open(base);
    q<HTMLButtonElement>('webhook-send-test').click();
    await tick();
    q<HTMLButtonElement>('test-event-send').click();
    const req = page.http.expectOne({ method: 'POST', url: '/api/admin/webhooks/w1/test' });
    expect(req.request.body).toEqual({ event: 'pbx.call.hangup' });
    req.flush({
      data: {
        id: 'd1',
        status: 'succeeded',
        attempts: [
          {
            number: 1,
            trigger: 'test',
            started_at: '2026-01-01T00:00:00Z',
            duration_ms: 87,
            request_headers: {},
            response_status: 200,
            response_headers: {},
            response_body: '{"ok":true}',
            response_body_truncated: false,
            error: null,
          },
        ],
      },
    });
    await tick();
    expect(q('test-result').getAttribute('data-status')).toBe('succeeded');
    expect(q('test-result-response-status').textContent).toContain('HTTP 200');
    expect(q('test-result-duration').textContent).toContain('87 ms');
    expect(q('test-result-body').textContent).toContain('"ok": true');
  });

  it('shows the live lane, its limits and ordering, "—" for what the backend lacks', async () => {
    const unread = { lane: undefined, max_in_flight: undefined, ordering: undefined };
    await open(aWebhook({ ...base, ...unread, rate_limit_per_second: undefined }));
    expect(q('webhook-lane').getAttribute('data-lane-state')).toBe('unknown');
    expect(q('webhook-lane-in-flight').textContent).toContain('—');
    expect(q('webhook-lane-rate-limit').textContent).toContain('—');
    expect(q('webhook-lane-ordering').textContent).toContain('—');
  });

  it('shows a backed-up lane with why, and re-reads it while open', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      const now = Date.now();
      const laned: Webhook = {
        ...base,
        max_in_flight: 2,
        rate_limit_per_second: 50,
        ordering: 'per_key',
        lane: {
          in_flight: 2,
          due: 800,
          oldest_due_at: new Date(now - 125_000).toISOString(),
          throttled_until: null,
        },
      };
      await open(laned);
      expect(q('webhook-lane').getAttribute('data-lane-state')).toBe('backed_up');
      expect(q('webhook-lane-reason').textContent).toContain('not keeping up');
      expect(q('webhook-lane-in-flight').textContent).toContain('2');
      expect(q('webhook-lane').textContent).toContain('of 2 allowed');
      expect(q('webhook-lane-due').textContent).toContain('800');
      expect(q('webhook-lane-oldest').textContent).toContain('2 min');
      expect(q('webhook-lane-throttled').textContent).toContain('Not throttled');
      expect(q('webhook-lane-rate-limit').textContent).toContain('50 requests per second');
      expect(q('webhook-lane-ordering').getAttribute('data-ordering')).toBe('per_key');

      await vi.advanceTimersByTimeAsync(5000);
      const until = new Date(Date.now() + 10_000).toISOString();
      page.http.expectOne('/api/admin/webhooks/w1').flush({
        data: { ...laned, lane: { ...laned.lane, throttled_until: until } },
      });
      await tick();
      expect(q('webhook-lane').getAttribute('data-lane-state')).toBe('throttled');
      expect(q('webhook-lane-throttled').textContent).toContain('s more');
    } finally {
      vi.useRealTimers();
    }
  });
});
