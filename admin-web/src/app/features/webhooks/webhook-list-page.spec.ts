import { TestBed } from '@angular/core/testing';
import { HttpTestingController } from '@angular/common/http/testing';
import { RouterTestingHarness } from '@angular/router/testing';
import { settle, testProviders } from '../../../testing/providers';
import { Webhook } from '../../core/api/api.types';
import { LANE_REFRESH_MS } from './lane';
import { WebhookListPage } from './webhook-list-page';
import { aWebhook } from '../../../testing/fixtures';

const hook = (id: string, over: Partial<Webhook> = {}): Webhook =>
  aWebhook({
    id,
    display_name: `Hook ${id}`,
    url: `https://${id}.example.com/h`,
    events: ['pbx.call.hangup'],
    ...over,
  });

describe('WebhookListPage: live lanes', () => {
  let harness: RouterTestingHarness;
  let http: HttpTestingController;

  beforeEach(async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    TestBed.configureTestingModule({
      providers: testProviders([{ path: 'webhooks', component: WebhookListPage }]),
    });
    http = TestBed.inject(HttpTestingController);
    harness = await RouterTestingHarness.create();
  });

  afterEach(() => {
    http.verify();
    vi.useRealTimers();
  });

  const row = (id: string): HTMLElement =>
    document.querySelector(`[data-testid="webhook-row"][data-webhook-id="${id}"]`) as HTMLElement;
  const cell = (id: string, testid: string): HTMLElement | null =>
    row(id).querySelector(`[data-testid="${testid}"]`);
  async function tick(): Promise<void> {
    await settle();
    harness.detectChanges();
  }

  it('shows in flight, backlog and oldest waiting, flags a throttled lane and refreshes every 5 s', async () => {
    const now = Date.now();
    const healthy = hook('a', {
      max_in_flight: 8,
      lane: {
        in_flight: 2,
        due: 3,
        oldest_due_at: new Date(now - 1000).toISOString(),
        throttled_until: null,
      },
    });
    const throttled = hook('b', {
      max_in_flight: 4,
      lane: {
        in_flight: 0,
        due: 1500,
        oldest_due_at: new Date(now - 300_000).toISOString(),
        throttled_until: new Date(now + 30_000).toISOString(),
      },
    });
    const older = hook('c', { lane: undefined, max_in_flight: undefined }); // no lane read
    await harness.navigateByUrl('/webhooks');
    http.expectOne('/api/admin/webhooks').flush({ data: [healthy, throttled, older] });
    await tick();

    expect(cell('a', 'webhook-row-lane')!.getAttribute('data-lane-state')).toBe('sending');
    expect(cell('a', 'webhook-row-lane-in-flight')!.textContent).toBe('2');
    expect(cell('a', 'webhook-row-lane')!.textContent).toContain('/ 8 in flight');
    expect(cell('a', 'webhook-row-lane-due')!.textContent).toBe('3');
    expect(row('a').classList).not.toContain('flagged');

    expect(cell('b', 'webhook-row-lane')!.getAttribute('data-lane-state')).toBe('throttled');
    expect(cell('b', 'webhook-row-lane')!.textContent).toContain('Throttled');
    expect(cell('b', 'webhook-row-lane-due')!.textContent).toBe('1,500');
    expect(cell('b', 'webhook-row-lane-oldest')!.textContent).toContain('5 min');
    expect(cell('b', 'webhook-row-lane-throttled')!.textContent).toContain('30 s more');
    expect(row('b').classList).toContain('flagged');

    expect(cell('c', 'webhook-row-lane')!.getAttribute('data-lane-state')).toBe('unknown');
    expect(cell('c', 'webhook-row-lane')!.textContent).toContain('—');

    await vi.advanceTimersByTimeAsync(LANE_REFRESH_MS);
    const drained = {
      ...throttled,
      lane: { in_flight: 0, due: 0, oldest_due_at: null, throttled_until: null },
    };
    http.expectOne('/api/admin/webhooks').flush({ data: [healthy, drained, older] });
    await tick();
    expect(cell('b', 'webhook-row-lane')!.getAttribute('data-lane-state')).toBe('idle');
    expect(row('b').classList).not.toContain('flagged');
    http.expectNone((r) => r.url === '/api/admin/deliveries'); // stats came with the webhooks
  });

  it('keeps the rows on a failed refresh, and does not poll a hidden page', async () => {
    await harness.navigateByUrl('/webhooks');
    http.expectOne('/api/admin/webhooks').flush({ data: [hook('a')] });
    await tick();
    await vi.advanceTimersByTimeAsync(LANE_REFRESH_MS);
    http
      .expectOne('/api/admin/webhooks')
      .flush({ message: 'Down' }, { status: 503, statusText: 'x' });
    await tick();
    expect(row('a')).not.toBeNull();
    expect(document.querySelector('[data-testid="webhooks-error"]')).toBeNull();

    const hidden = vi.spyOn(document, 'hidden', 'get').mockReturnValue(true);
    try {
      await vi.advanceTimersByTimeAsync(LANE_REFRESH_MS * 2);
      http.expectNone('/api/admin/webhooks');
    } finally {
      hidden.mockRestore();
    }
  });
});
