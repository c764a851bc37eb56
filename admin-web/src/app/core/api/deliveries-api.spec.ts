import { apiServiceTest } from '../../../testing/providers';
import { CursorPage, Delivery } from './api.types';
import { DeliveriesApi } from './deliveries-api';

describe('DeliveriesApi', () => {
  const t = apiServiceTest(DeliveriesApi);

  it('lists with only the filters that are set, keeping next_cursor', () => {
    let page: CursorPage<Delivery> | undefined;
    t.api
      .list({ webhook_id: 'w1', event: '', status: 'dead_letter', limit: 50, cursor: 'abc' })
      .subscribe((p) => (page = p));
    const req = t.http.expectOne((r) => r.url === '/api/admin/deliveries');
    expect(req.request.params.keys().sort()).toEqual(['cursor', 'limit', 'status', 'webhook_id']);
    expect(req.request.params.get('status')).toBe('dead_letter');
    expect(req.request.params.get('limit')).toBe('50');
    req.flush({ data: [], next_cursor: 'next' });
    expect(page).toEqual({ data: [], next_cursor: 'next' });
  });

  it('gets a delivery with its attempts', () => {
    let attempts = -1;
    t.api.get('d1').subscribe((d) => (attempts = d.attempts.length));
    t.http.expectOne('/api/admin/deliveries/d1').flush({ data: { id: 'd1', attempts: [{}, {}] } });
    expect(attempts).toBe(2);
  });

  it('replays with POST …/replay (202)', () => {
    let id: string | undefined;
    t.api.replay('d1').subscribe((d) => (id = d.id));
    const req = t.http.expectOne('/api/admin/deliveries/d1/replay');
    expect(req.request.method).toBe('POST');
    req.flush({ data: { id: 'd1' } }, { status: 202, statusText: 'Accepted' });
    expect(id).toBe('d1');
  });
});
