import { pageTest } from '../../../testing/page-test';
import { ApiToken } from '../../core/api/api.types';
import { ApiTokensPage, tokenState } from './api-tokens-page';

const token: ApiToken = {
  id: 't1',
  name: 'CRM sync',
  scopes: ['telesales_api_access'],
  ip_allowlist: null,
  expires_at: null,
  revoked_at: null,
  last_used_at: null,
  created_at: '2026-01-01T00:00:00Z',
};

describe('ApiTokensPage', () => {
  const page = pageTest([{ path: 'api-tokens', component: ApiTokensPage }], '/api-tokens');
  const { q, type, tick } = page;

  beforeEach(async () => {
    page.http.expectOne('/api/admin/api-tokens').flush({ data: [token] });
    await tick();
  });

  it('creates a token and shows it once', async () => {
    q<HTMLButtonElement>('token-create-button').click();
    await tick();
    type('token-name', 'PBX pipeline');
    q('token-scope-pbx_api_access').querySelector('input')!.click();
    type('token-ip-allowlist', '203.0.113.7\n10.0.0.0/8');
    await tick();
    q<HTMLButtonElement>('token-form-submit').click();
    const req = page.http.expectOne({ method: 'POST', url: '/api/admin/api-tokens' });
    expect(req.request.body).toEqual({
      name: 'PBX pipeline',
      scopes: ['pbx_api_access'],
      ip_allowlist: ['203.0.113.7', '10.0.0.0/8'],
    });
    req.flush(
      {
        data: { ...token, id: 't2', name: 'PBX pipeline', scopes: ['pbx_api_access'] },
        token: 't2|r4nd0m',
      },
      { status: 201, statusText: 'Created' },
    );
    await tick();
    await tick();
    expect(q<HTMLInputElement>('secret-value').value).toBe('t2|r4nd0m');
    expect(document.querySelectorAll('[data-testid="token-row"]')).toHaveLength(2);
  });

  it('revokes after confirming', async () => {
    q<HTMLButtonElement>('token-revoke').click();
    await tick();
    q<HTMLButtonElement>('confirm-ok').click();
    await tick();
    page.http
      .expectOne({ method: 'DELETE', url: '/api/admin/api-tokens/t1' })
      .flush(null, { status: 204, statusText: 'No Content' });
    await tick();
    expect(q('token-row-status').getAttribute('data-status')).toBe('revoked');
    expect(q('token-revoke')).toBeNull();
  });
});

describe('tokenState', () => {
  it('tells active, expired and revoked apart', () => {
    const now = Date.parse('2026-06-01T00:00:00Z');
    expect(tokenState(token, now)).toBe('active');
    expect(tokenState({ ...token, expires_at: '2026-05-01T00:00:00Z' }, now)).toBe('expired');
    expect(tokenState({ ...token, revoked_at: '2026-05-01T00:00:00Z' }, now)).toBe('revoked');
  });
});
