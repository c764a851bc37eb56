import { apiServiceTest } from '../../../testing/providers';
import { ApiTokensApi } from './api-tokens-api';

describe('ApiTokensApi', () => {
  const t = apiServiceTest(ApiTokensApi);

  it('lists tokens', () => {
    let n = -1;
    t.api.list().subscribe((t) => (n = t.length));
    t.http
      .expectOne({ method: 'GET', url: '/api/admin/api-tokens' })
      .flush({ data: [{ id: 't1' }] });
    expect(n).toBe(1);
  });

  it('creates a token and returns the plaintext token once', () => {
    let token: string | undefined;
    t.api
      .create({ name: 'CRM', scopes: ['telesales_api_access'], expires_in_days: 30 })
      .subscribe((r) => (token = r.token));
    const req = t.http.expectOne({ method: 'POST', url: '/api/admin/api-tokens' });
    expect(req.request.body).toEqual({
      name: 'CRM',
      scopes: ['telesales_api_access'],
      expires_in_days: 30,
    });
    req.flush({ data: { id: 't1' }, token: 't1|secret' }, { status: 201, statusText: 'Created' });
    expect(token).toBe('t1|secret');
  });

  it('revokes with DELETE', () => {
    let done = false;
    t.api.revoke('t1').subscribe({ complete: () => (done = true) });
    t.http
      .expectOne({ method: 'DELETE', url: '/api/admin/api-tokens/t1' })
      .flush(null, { status: 204, statusText: 'No Content' });
    expect(done).toBe(true);
  });
});
