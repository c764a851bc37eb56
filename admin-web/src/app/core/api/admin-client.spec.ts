import { apiServiceTest } from '../../../testing/providers';
import { AdminClient } from './generated/admin-client';

describe('AdminClient (generated from the /api/admin OpenAPI document)', () => {
  const t = apiServiceTest(AdminClient);

  it("builds the operation's URL from the document's path, encoding each path parameter", () => {
    t.api.webhooksUpdate('a/b', { display_name: 'New' }).subscribe();
    const req = t.http.expectOne({ method: 'PATCH', url: '/api/admin/webhooks/a%2Fb' });
    expect(req.request.body).toEqual({ display_name: 'New' });
    req.flush({ data: {} });
  });

  it('sends the query without its empty values', () => {
    t.api.deliveriesList({ webhook_id: 'w1', event: '', limit: 20 }).subscribe();
    const req = t.http.expectOne((r) => r.url === '/api/admin/deliveries');
    expect(req.request.params.keys()).toEqual(['webhook_id', 'limit']);
    expect(req.request.params.get('limit')).toBe('20');
    req.flush({ data: [], next_cursor: null });
  });

  it('sends POST without a body as null, and reads a 204 as completion', () => {
    let done = false;
    t.api.webhooksPause('w1').subscribe();
    const pause = t.http.expectOne({ method: 'POST', url: '/api/admin/webhooks/w1/pause' });
    expect(pause.request.body).toBeNull();
    pause.flush({ data: {} });
    t.api.apiTokensRevoke('t1').subscribe({ complete: () => (done = true) });
    t.http
      .expectOne({ method: 'DELETE', url: '/api/admin/api-tokens/t1' })
      .flush(null, { status: 204, statusText: 'No Content' });
    expect(done).toBe(true);
  });

  it('links a non-JSON download (the audit CSV) instead of fetching it', () => {
    expect(t.api.auditExportUrl()).toBe('/api/admin/audit-log/export');
    expect(t.api.auditExportUrl({ action: 'user.created', actor_id: '' })).toBe(
      '/api/admin/audit-log/export?action=user.created',
    );
  });

  /**
   * The point of generating the client: a console call that the document does not allow does
   * not compile. Each line below must be rejected by the type checker (`npm run typecheck` checks
   * the specs, and the test build compiles them): were one accepted, its `@ts-expect-error`
   * would be unused, which is itself an error. These calls are never made.
   */
  it('rejects at compile time an operation, a body, a query or a response the document lacks', () => {
    const c = t.api;
    /* eslint-disable @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return --
       what does not type-check has no type for the linter either: that is the point here */
    const neverCalled = (): unknown[] => [
      // @ts-expect-error there is no operation `Webhooks_archive` (POST /webhooks/{id}/archive)
      c.webhooksArchive('w1'),
      // @ts-expect-error the path parameter `id` is missing
      c.webhooksGet(),
      // @ts-expect-error CreateWebhookDto requires `url`
      c.webhooksCreate({ display_name: 'CRM', events: ['pbx.call.hangup'] }),
      // @ts-expect-error UpdateUserDto's `role` is 'admin' | 'auditor'
      c.usersUpdate('u1', { role: 'root' }),
      // @ts-expect-error Deliveries_list has no `webhook` query parameter (it is `webhook_id`)
      c.deliveriesList({ webhook: 'w1' }),
      // @ts-expect-error WebhookResponse has no `name` (it is `display_name`)
      c.webhooksGet('w1').subscribe((r) => r.data.name),
    ];
    /* eslint-enable @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return */
    expect(neverCalled).toBeInstanceOf(Function);
  });
});
