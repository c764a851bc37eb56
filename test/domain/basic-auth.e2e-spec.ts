import { randomUUID } from 'node:crypto';
import { SYSTEM_ACTOR } from '../../src/common/actor';
import { ApiTokensService } from '../../src/modules/auth/api-tokens.service';
import { TestApp, useApp } from '../support/app';

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
    const doc = {
      variables: {
        uuid: randomUUID(),
        caller_id_number: '84912345678',
        destination_number: '1001',
        start_epoch: '1782703780',
        answer_epoch: '1782703786',
        end_epoch: '1782703812',
        duration: '32',
        billsec: '26',
        hangup_cause: 'NORMAL_CLEARING',
      },
    };
    const ok = await t
      .http()
      .post('/api/pbx/cdr')
      .set('Authorization', basic(id, secret))
      .send(doc);
    expect(ok.status).toBe(201);
    expect(ok.headers['x-ratelimit-limit']).toBe('60');
    await t
      .http()
      .post('/api/pbx/cdr')
      .set('Authorization', basic(id, 'x'.repeat(48)))
      .send(doc)
      .expect(401);
    await t.http().post('/api/pbx/cdr').set('Authorization', 'Basic !!!').send(doc).expect(401);
    await t
      .http()
      .get('/api/telesales/campaigns/1')
      .set('Authorization', basic(id, secret))
      .expect(403);
    await t.http().get('/api/admin/webhooks').set('Authorization', basic(id, secret)).expect(401);
    await t.app.get(ApiTokensService).revoke(SYSTEM_ACTOR, token.id);
    await t
      .http()
      .post('/api/pbx/cdr')
      .set('Authorization', basic(id, secret))
      .send(doc)
      .expect(401);
  });
});
