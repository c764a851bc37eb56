import { TestBed } from '@angular/core/testing';
import { TestRequest } from '@angular/common/http/testing';
import { Router } from '@angular/router';
import { pageTest } from '../../../testing/page-test';
import { Delivery, DeliveryDetail } from '../../core/api/api.types';
import { DeliveryDetailPage } from './delivery-detail-page';
import { DeliveryListPage } from './delivery-list-page';
import { aDelivery } from '../../../testing/fixtures';

function delivery(id: string, status: Delivery['status'] = 'succeeded'): Delivery {
  return aDelivery({
    id,
    webhook_id: 'w1',
    event: 'pbx.call.hangup',
    status,
    last_response_status: 200,
  });
}

const noStaleCalls = { count: 0, older_than_seconds: 21600, oldest: [] };

describe('delivery pages', () => {
  const page = pageTest([
    { path: 'deliveries', component: DeliveryListPage },
    { path: 'deliveries/:id', component: DeliveryDetailPage },
  ]);
  const { q, qa, tick } = page;

  function listRequest(): TestRequest {
    return page.http.expectOne((r) => r.url === '/api/admin/deliveries');
  }

  describe('list', () => {
    async function open(url: string): Promise<TestRequest> {
      await page.harness.navigateByUrl(url);
      page.http
        .expectOne('/api/admin/webhooks')
        .flush({ data: [{ id: 'w1', display_name: 'CRM' }] });
      page.http.expectOne('/api/admin/event-types').flush({ data: [] });
      page.http.expectOne('/api/admin/pbx/stale-calls').flush({ data: noStaleCalls });
      return listRequest();
    }

    it('applies the filters from the URL to the API query', async () => {
      const req = await open('/deliveries?webhook_id=w1&status=dead_letter&range=24h');
      expect(req.request.params.get('webhook_id')).toBe('w1');
      expect(req.request.params.get('status')).toBe('dead_letter');
      expect(req.request.params.get('limit')).toBe('50');
      const from = Date.parse(req.request.params.get('from')!);
      expect(Math.abs(Date.now() - 24 * 3600_000 - from)).toBeLessThan(60_000);
      req.flush({ data: [delivery('d1', 'dead_letter')], next_cursor: null });
      await tick();
      expect(qa('delivery-row')).toHaveLength(1);
      expect(q('delivery-row').getAttribute('data-status')).toBe('dead_letter');
    });

    it('pages with the keyset cursor', async () => {
      (await open('/deliveries')).flush({ data: [delivery('d1')], next_cursor: 'c1' });
      await tick();
      q<HTMLButtonElement>('deliveries-load-more').click();
      const req = listRequest();
      expect(req.request.params.get('cursor')).toBe('c1');
      req.flush({ data: [delivery('d2')], next_cursor: null });
      await tick();
      expect(qa('delivery-row').map((r) => r.getAttribute('data-delivery-id'))).toEqual([
        'd1',
        'd2',
      ]);
      expect(q('deliveries-load-more')).toBeNull();
      expect(q('deliveries-end')).not.toBeNull();
    });

    it('shows an empty state and an error state with retry', async () => {
      (await open('/deliveries')).flush({ data: [], next_cursor: null });
      await tick();
      expect(q('deliveries-empty').textContent).toContain('No deliveries yet');
      q<HTMLButtonElement>('deliveries-refresh').click();
      listRequest().flush({ message: 'Server Error' }, { status: 500, statusText: 'Err' });
      await tick();
      expect(q('deliveries-error').textContent).toContain('Server Error');
    });

    it('shows ordering key and sequence, "—" when the backend has none', async () => {
      (await open('/deliveries')).flush({
        data: [{ ...delivery('d1'), ordering_key: 'call:c-1', sequence: 3 }, delivery('d2')],
        next_cursor: null,
      });
      await tick();
      const [keyed, plain] = qa('delivery-row');
      expect(keyed.getAttribute('data-ordering-key')).toBe('call:c-1');
      const key = keyed.querySelector('[data-testid="delivery-row-key"]')!;
      expect(key.textContent).toContain('call:c-1');
      expect(keyed.querySelector('[data-testid="delivery-row-key-sequence"]')!.textContent).toBe(
        '#3',
      );
      expect(plain.querySelector('[data-testid="delivery-row-key"]')!.textContent).toContain('—');
      expect(plain.querySelector('[data-testid="delivery-row-key-sequence"]')).toBeNull();
    });

    it('filters by a key clicked in the list, keeping the other filters', async () => {
      (await open('/deliveries?webhook_id=w1')).flush({
        data: [{ ...delivery('d1'), ordering_key: 'lead:42', sequence: 1 }],
        next_cursor: null,
      });
      await tick();
      q<HTMLButtonElement>('delivery-row-key').click();
      await tick();
      expect(TestBed.inject(Router).url).toBe('/deliveries?webhook_id=w1&ordering_key=lead:42');
      const req = listRequest();
      expect(req.request.params.get('ordering_key')).toBe('lead:42');
      expect(req.request.params.get('webhook_id')).toBe('w1');
      req.flush({ data: [], next_cursor: null });
      await tick();
      expect(q('deliveries-empty').textContent).toContain('No deliveries match');
      expect(q<HTMLInputElement>('deliveries-filter-ordering-key').value).toBe('lead:42');
    });

    it('sends a typed ordering key to the API', async () => {
      vi.useFakeTimers({ shouldAdvanceTime: true });
      try {
        (await open('/deliveries')).flush({ data: [], next_cursor: null });
        await tick();
        const input = q<HTMLInputElement>('deliveries-filter-ordering-key');
        input.value = 'call:c-9';
        input.dispatchEvent(new Event('input'));
        await vi.advanceTimersByTimeAsync(300);
        await tick();
        const req = listRequest();
        expect(req.request.params.get('ordering_key')).toBe('call:c-9');
        req.flush({ data: [], next_cursor: null });
      } finally {
        vi.useRealTimers();
      }
    });

    it('says what a held delivery waits for, with a link to the head of its key', async () => {
      (await open('/deliveries')).flush({
        data: [
          {
            ...delivery('d2', 'pending'),
            ordering_key: 'call:c-1',
            sequence: 2,
            waiting_for: 'd1',
          },
        ],
        next_cursor: null,
      });
      await tick();
      const link = q<HTMLAnchorElement>('delivery-row-waiting-for');
      expect(link.textContent).toContain('waits for');
      expect(link.getAttribute('href')).toBe('/deliveries/d1');
    });
  });

  describe('detail', () => {
    const detail: DeliveryDetail = {
      ...delivery('d1', 'dead_letter'),
      attempt_count: 2,
      retry_count: 1,
      last_response_status: 500,
      payload: { event: 'pbx.call.hangup', data: { call_uuid: 'c-1' } },
      attempts: [
        {
          number: 1,
          trigger: 'auto',
          started_at: '2026-01-01T00:00:00Z',
          duration_ms: 5001,
          request_headers: { 'x-zorio-delivery': 'd1' },
          response_status: null,
          response_headers: null,
          response_body: null,
          response_body_truncated: false,
          error: { code: 'timeout', message: 'No response within 5000 ms' },
        },
        {
          number: 2,
          trigger: 'auto',
          started_at: '2026-01-01T00:00:30Z',
          duration_ms: 40,
          request_headers: { 'x-zorio-delivery': 'd1' },
          response_status: 500,
          response_headers: { 'content-type': 'text/plain' },
          response_body: 'boom',
          response_body_truncated: false,
          error: { code: 'http_status', message: 'HTTP 500' },
        },
      ],
    };
    async function openDetail(shown: DeliveryDetail = detail): Promise<void> {
      await page.harness.navigateByUrl('/deliveries/d1');
      page.http.expectOne('/api/admin/deliveries/d1').flush({ data: shown });
      await tick();
    }

    it('shows the payload, the retry count and every attempt, newest first', async () => {
      await openDetail();
      expect(q('delivery-retry-count').textContent).toContain('1');
      expect(q('delivery-payload').textContent).toContain('"call_uuid": "c-1"');
      const attempts = qa('delivery-attempt');
      expect(attempts.map((a) => a.getAttribute('data-attempt-number'))).toEqual(['2', '1']);
      expect(attempts[1].textContent).toContain('timeout');
      expect(
        attempts[0].querySelector('[data-testid="attempt-request-headers"]')?.textContent,
      ).toContain('x-zorio-delivery');
    });

    it('replays and follows the new attempt until it is recorded', async () => {
      vi.useFakeTimers({ shouldAdvanceTime: true });
      try {
        await openDetail();
        q<HTMLButtonElement>('delivery-replay').click();
        page.http
          .expectOne({ method: 'POST', url: '/api/admin/deliveries/d1/replay' })
          .flush(
            { data: { ...detail, status: 'pending' } },
            { status: 202, statusText: 'Accepted' },
          );
        await tick();
        expect(q('delivery-polling')).not.toBeNull();
        await vi.advanceTimersByTimeAsync(1600);
        const replayed: DeliveryDetail = {
          ...detail,
          status: 'succeeded',
          attempt_count: 3,
          last_response_status: 200,
          attempts: [
            ...detail.attempts,
            {
              ...detail.attempts[1],
              number: 3,
              trigger: 'replay',
              response_status: 200,
              error: null,
            },
          ],
        };
        page.http.expectOne('/api/admin/deliveries/d1').flush({ data: replayed });
        await tick();
        expect(q('delivery-detail').getAttribute('data-status')).toBe('succeeded');
        expect(qa('delivery-attempt')).toHaveLength(3);
        expect(q('delivery-polling')).toBeNull();
        await vi.advanceTimersByTimeAsync(3000);
        page.http.expectNone('/api/admin/deliveries/d1');
      } finally {
        vi.useRealTimers();
      }
    });

    it.each([
      ['retrying', false],
      ['cancelled', false],
      ['dead_letter', true],
      ['succeeded', true],
    ] as const)(
      'offers replay of a %s delivery: %s (as the API allows)',
      async (status, enabled) => {
        await openDetail({ ...detail, status });
        expect(q('delivery-detail').getAttribute('data-status')).toBe(status);
        expect(q<HTMLButtonElement>('delivery-replay').disabled).toBe(!enabled);
      },
    );

    it('reports a 409 when an attempt is already pending', async () => {
      await openDetail();
      q<HTMLButtonElement>('delivery-replay').click();
      page.http
        .expectOne('/api/admin/deliveries/d1/replay')
        .flush(
          { message: 'An attempt is already pending' },
          { status: 409, statusText: 'Conflict' },
        );
      await tick();
      expect(q('api-error-message').textContent).toContain('already pending');
      expect(TestBed.inject(Router).url).toBe('/deliveries/d1');
    });

    it('shows key, sequence and, when held, the delivery it waits for; follows the link', async () => {
      await page.harness.navigateByUrl('/deliveries/d2');
      page.http.expectOne('/api/admin/deliveries/d2').flush({
        data: {
          ...detail,
          id: 'd2',
          status: 'retrying',
          ordering_key: 'call:c-1',
          sequence: 2,
          waiting_for: 'd1',
        },
      });
      await tick();
      expect(q('delivery-ordering-key').textContent).toContain('call:c-1');
      expect(q('delivery-sequence').textContent).toContain('2');
      expect(q('delivery-held').textContent).toContain('call:c-1');
      const link = q<HTMLAnchorElement>('delivery-waiting-for');
      expect(link.getAttribute('href')).toBe('/deliveries/d1');
      link.click();
      await tick();
      // The same page shows the head now: it loads it instead of keeping the held one.
      page.http.expectOne('/api/admin/deliveries/d1').flush({
        data: { ...detail, ordering_key: 'call:c-1', sequence: 1, waiting_for: null },
      });
      await tick();
      expect(q('delivery-detail').getAttribute('data-delivery-id')).toBe('d1');
      expect(q('delivery-held')).toBeNull();
      q<HTMLButtonElement>('delivery-ordering-key').click();
      await tick();
      expect(TestBed.inject(Router).url).toBe('/deliveries?ordering_key=call:c-1&webhook_id=w1');
      page.http.expectOne('/api/admin/webhooks').flush({ data: [] });
      page.http.expectOne('/api/admin/event-types').flush({ data: [] });
      page.http.expectOne('/api/admin/pbx/stale-calls').flush({ data: noStaleCalls });
      const req = listRequest();
      expect(req.request.params.get('ordering_key')).toBe('call:c-1');
      req.flush({ data: [], next_cursor: null });
    });

    it('shows "—" for key and sequence when the backend has none', async () => {
      await openDetail();
      expect(q('delivery-ordering-key').textContent).toContain('—');
      expect(q('delivery-sequence').textContent).toContain('—');
      expect(q('delivery-held')).toBeNull();
    });
  });
});
