import { pageTest } from '../../../testing/page-test';
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

/** A lane as the API reads it: requests open, deliveries due, the oldest due, throttled until. */
function lane(
  in_flight: number,
  due: number,
  oldest_due_at: string | null,
  throttled_until: string | null,
): Webhook['lane'] {
  return { in_flight, due, oldest_due_at, throttled_until };
}

describe('WebhookListPage: live lanes', () => {
  beforeEach(() => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
  });
  const page = pageTest([{ path: 'webhooks', component: WebhookListPage }]);
  const { tick } = page;

  afterEach(() => {
    vi.useRealTimers();
  });

  const row = (id: string): HTMLElement =>
    document.querySelector(`[data-testid="webhook-row"][data-webhook-id="${id}"]`) as HTMLElement;
  const cell = (id: string, testid: string): HTMLElement | null =>
    row(id).querySelector(`[data-testid="${testid}"]`);

  it('shows in flight, backlog and oldest waiting, flags a throttled lane and refreshes every 5 s', async () => {
    const now = Date.now();
    const at = (ms: number) => new Date(now + ms).toISOString();
    const healthy = hook('a', { max_in_flight: 8, lane: lane(2, 3, at(-1000), null) });
    const throttled = hook('b', {
      max_in_flight: 4,
      lane: lane(0, 1500, at(-300_000), at(30_000)),
    });
    const older = hook('c', { lane: undefined, max_in_flight: undefined }); // no lane read
    await page.harness.navigateByUrl('/webhooks');
    page.http.expectOne('/api/admin/webhooks').flush({ data: [healthy, throttled, older] });
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
    const drained = { ...throttled, lane: lane(0, 0, null, null) };
    page.http.expectOne('/api/admin/webhooks').flush({ data: [healthy, drained, older] });
    await tick();
    expect(cell('b', 'webhook-row-lane')!.getAttribute('data-lane-state')).toBe('idle');
    expect(row('b').classList).not.toContain('flagged');
    page.http.expectNone((r) => r.url === '/api/admin/deliveries'); // stats came with the webhooks
  });

  it('keeps the rows on a failed refresh, and does not poll a hidden page', async () => {
    await page.harness.navigateByUrl('/webhooks');
    page.http.expectOne('/api/admin/webhooks').flush({ data: [hook('a')] });
    await tick();
    await vi.advanceTimersByTimeAsync(LANE_REFRESH_MS);
    page.http
      .expectOne('/api/admin/webhooks')
      .flush({ message: 'Down' }, { status: 503, statusText: 'x' });
    await tick();
    expect(row('a')).not.toBeNull();
    expect(page.q('webhooks-error')).toBeNull();

    const hidden = vi.spyOn(document, 'hidden', 'get').mockReturnValue(true);
    try {
      await vi.advanceTimersByTimeAsync(LANE_REFRESH_MS * 2);
      page.http.expectNone('/api/admin/webhooks');
    } finally {
      hidden.mockRestore();
    }
  });
});
