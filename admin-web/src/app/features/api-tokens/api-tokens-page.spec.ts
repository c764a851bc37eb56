import { TestBed } from '@angular/core/testing';
import { HttpTestingController } from '@angular/common/http/testing';
import { RouterTestingHarness } from '@angular/router/testing';
import { settle, testProviders } from '../../../testing/providers';
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
  let harness: RouterTestingHarness;
  let http: HttpTestingController;

  beforeEach(async () => {
    TestBed.configureTestingModule({
      providers: testProviders([{ path: 'api-tokens', component: ApiTokensPage }]),
    });
    http = TestBed.inject(HttpTestingController);
    harness = await RouterTestingHarness.create('/api-tokens');
    http.expectOne('/api/admin/api-tokens').flush({ data: [token] });
    await tick();
  });

  afterEach(() => http.verify());

  const q = <T extends HTMLElement>(testid: string): T =>
    document.querySelector(`[data-testid="${testid}"]`) as T;
  async function tick(): Promise<void> {
    await settle();
    harness.detectChanges();
  }

  it('creates a token and shows it once', async () => {
    q<HTMLButtonElement>('token-create-button').click();
    await tick();
    const name = q<HTMLInputElement>('token-name');
    name.value = 'PBX pipeline';
    name.dispatchEvent(new Event('input'));
    q('token-scope-pbx_api_access').querySelector('input')!.click();
    const ips = q<HTMLTextAreaElement>('token-ip-allowlist');
    ips.value = '203.0.113.7\n10.0.0.0/8';
    ips.dispatchEvent(new Event('input'));
    await tick();
    q<HTMLButtonElement>('token-form-submit').click();
    const req = http.expectOne({ method: 'POST', url: '/api/admin/api-tokens' });
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
    http
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
