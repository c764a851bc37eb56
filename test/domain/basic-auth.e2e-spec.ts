import { SYSTEM_ACTOR } from '../../src/common/actor';
import { ApiTokensService } from '../../src/modules/auth/api-tokens.service';
import { TestApp, useApp } from '../support/app';
import { minimalCdr } from '../support/cdr';

/** FreeSWITCH's mod_json_cdr can only send HTTP Basic (`cred=user:pass`): tokens work that way too. */
describe('machine tokens over HTTP Basic', () => {
  let t: TestApp;
  useApp((app) => (t = app));

  it('accepts Basic base64(<id>:<secret>) like the bearer token, with the same checks', async () => {
    const { plain, token } = await t.app
      .get(ApiTokensService)
      .create(SYSTEM_ACTOR, { name: 'freeswitch cdr', scopes: ['pbx_api_access'] });
    const [id, secret] = plain.split('|');
    const basic = (user: string, pass: string) =>
      `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    const doc = minimalCdr({ duration: '32', billsec: '26' });
    const postCdr = (authorization: string) =>
      t.http().post('/api/pbx/cdr').set('Authorization', authorization).send(doc);
    const ok = await postCdr(basic(id, secret));
    expect(ok.status).toBe(201);
    expect(ok.headers['x-ratelimit-limit']).toBe('60');
    await postCdr(basic(id, 'x'.repeat(48))).expect(401);
    await postCdr('Basic !!!').expect(401);
    await t
      .http()
      .get('/api/telesales/campaigns/1')
      .set('Authorization', basic(id, secret))
      .expect(403);
    await t.http().get('/api/admin/webhooks').set('Authorization', basic(id, secret)).expect(401);
    await t.app.get(ApiTokensService).revoke(SYSTEM_ACTOR, token.id);
    await postCdr(basic(id, secret)).expect(401);
  });
});
