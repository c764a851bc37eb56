import { apiServiceTest } from '../../../testing/providers';
import { AuditVerifyResult } from './api.types';
import { AuditApi } from './audit-api';

describe('AuditApi', () => {
  const t = apiServiceTest(AuditApi);

  it('lists entries with filters and a cursor', () => {
    let next: string | null | undefined;
    t.api
      .list({ action: 'webhook.created', target_id: '', limit: 50, cursor: 'c1' })
      .subscribe((p) => (next = p.next_cursor));
    const req = t.http.expectOne((r) => r.url === '/api/admin/audit-log');
    expect(req.request.params.get('action')).toBe('webhook.created');
    expect(req.request.params.has('target_id')).toBe(false);
    expect(req.request.params.get('cursor')).toBe('c1');
    req.flush({ data: [], next_cursor: null });
    expect(next).toBeNull();
  });

  it('verifies the chain', () => {
    let result: AuditVerifyResult | undefined;
    t.api.verify().subscribe((r) => (result = r));
    t.http
      .expectOne({ method: 'GET', url: '/api/admin/audit-log/verify' })
      .flush({ data: { ok: false, checked: 10, first_broken_id: 'e7' } });
    expect(result).toEqual({ ok: false, checked: 10, first_broken_id: 'e7' });
  });

  it('builds a relative, encoded CSV export link without paging fields', () => {
    expect(t.api.exportUrl({})).toBe('/api/admin/audit-log/export');
    expect(
      t.api.exportUrl({
        action: 'webhook.deleted',
        from: '2026-01-01T00:00:00.000Z',
        cursor: 'x',
        limit: 5,
      }),
    ).toBe('/api/admin/audit-log/export?action=webhook.deleted&from=2026-01-01T00:00:00.000Z');
  });
});
