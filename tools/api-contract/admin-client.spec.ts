import { clientMethodName, clientOperations, renderAdminClient } from './admin-client';

const ok = { '200': { description: '', content: { 'application/json': {} } } };

describe('the generated admin client (tools/api-contract/admin-client.ts)', () => {
  it('names each method from its operationId, in camel case', () => {
    expect(clientMethodName('Webhooks_get')).toBe('webhooksGet');
    expect(clientMethodName('WebhookDeliveries_replayDeadLetters')).toBe(
      'webhookDeliveriesReplayDeadLetters',
    );
    expect(clientMethodName('webhook-id')).toBe('webhookId');
  });

  it('reads path parameters in path order, the body, the query and the success response', () => {
    const [op] = clientOperations({
      paths: {
        '/api/admin/webhooks/{webhook_id}/deliveries/{id}': {
          post: {
            operationId: 'Deliveries_move',
            parameters: [{ name: 'dry_run', in: 'query' }],
            requestBody: { content: { 'application/json': {} } },
            responses: { '400': { description: 'bad' }, '202': { description: 'Queued' } },
          },
        },
      },
    });
    expect(op).toMatchObject({
      name: 'deliveriesMove',
      pathParams: ['webhook_id', 'id'],
      hasQuery: true,
      body: 'optional',
      status: '202',
      response: 'none',
      doc: 'Queued',
    });
  });

  it('renders a typed call per operation and a link for a non-JSON download', () => {
    const source = renderAdminClient({
      paths: {
        '/api/admin/users/{id}': { patch: { operationId: 'Users_update', responses: ok } },
        '/api/admin/audit-log/export': {
          get: {
            operationId: 'Audit_export',
            parameters: [{ name: 'from', in: 'query' }],
            responses: { '200': { content: { 'text/csv': {} } } },
          },
        },
      },
    });
    expect(source).toContain(
      "usersUpdate(id: AdminPathParam<'Users_update', 'id'>): Observable<AdminResponse<'Users_update', 200>>",
    );
    expect(source).toContain(
      "this.http.patch<AdminResponse<'Users_update', 200>>(`/api/admin/users/${segment(id)}`, null)",
    );
    expect(source).toContain("responseType: 'text'");
    expect(source).toContain("auditExportUrl(query: AdminQuery<'Audit_export'> = {}): string");
  });

  it('refuses an operation without an operationId, or two that give one method name', () => {
    expect(() => clientOperations({ paths: { '/a': { get: { responses: ok } } } })).toThrow(
      'GET /a has no operationId',
    );
    const twice = {
      '/a': { get: { operationId: 'A_list', responses: ok } },
      '/b': { get: { operationId: 'A-list', responses: ok } },
    };
    expect(() => clientOperations({ paths: twice })).toThrow('aList');
  });
});
