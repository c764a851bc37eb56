import { pageTest } from '../../../testing/page-test';
import { AuditEntry } from '../../core/api/api.types';
import { AuditLogPage } from './audit-log-page';

const entry: AuditEntry = {
  id: 'e1',
  occurred_at: '2026-01-01T00:00:00Z',
  actor_type: 'user',
  actor_id: 'u1',
  actor_name: 'Ada',
  action: 'webhook.paused',
  target_type: 'webhook',
  target_id: 'w1',
  ip: '127.0.0.1',
  user_agent: 'test',
  changes: { before: { status: 'active' }, after: { status: 'paused' } },
  hash: 'abc',
};

describe('AuditLogPage', () => {
  const page = pageTest([{ path: 'audit-log', component: AuditLogPage }]);
  const { q, tick } = page;

  it('filters from the URL, links the CSV export with the same filters, and expands changes', async () => {
    await page.harness.navigateByUrl('/audit-log?action=webhook.paused');
    const req = page.http.expectOne((r) => r.url === '/api/admin/audit-log');
    expect(req.request.params.get('action')).toBe('webhook.paused');
    req.flush({ data: [entry], next_cursor: null });
    await tick();
    expect(q('audit-export').getAttribute('href')).toBe(
      '/api/admin/audit-log/export?action=webhook.paused',
    );
    expect(q('audit-row').getAttribute('data-action')).toBe('webhook.paused');
    q<HTMLButtonElement>('audit-row-toggle').click();
    await tick();
    expect(q('audit-row-detail').textContent).toContain('"status": "paused"');
  });

  it('verifies the chain and shows a broken link', async () => {
    await page.harness.navigateByUrl('/audit-log');
    page.http
      .expectOne((r) => r.url === '/api/admin/audit-log')
      .flush({ data: [], next_cursor: null });
    await tick();
    expect(q('audit-empty')).not.toBeNull();
    q<HTMLButtonElement>('audit-verify').click();
    page.http
      .expectOne('/api/admin/audit-log/verify')
      .flush({ data: { ok: false, checked: 12, first_broken_id: 'e9' } });
    await tick();
    expect(q('audit-verify-result').getAttribute('data-ok')).toBe('false');
    expect(q('audit-verify-broken-id').textContent).toContain('e9');
  });
});
