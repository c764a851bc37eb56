import { randomUUID } from 'node:crypto';
import type request from 'supertest';
import { MAX_STRING_LENGTH } from '../../src/common/input-policy';
import { Session, TestApp, login, useApp } from '../support/app';
import { minimalCdr } from '../support/cdr';
import { bearer } from '../domain/support';

/**
 * The input policy (docs/http-api.md: every string capped, NUL and unpaired surrogates refused with
 * a 422 naming the field) on representative routes of every kind: console bodies, the login,
 * machine API bodies, nested JSON objects, query filters, and the bulk imports where one poisoned
 * row is reported while the others are imported.
 */

const POISONS: [string, string][] = [
  ['a NUL', 'bad\u0000name'],
  ['an unpaired high surrogate', 'bad\ud800name'],
  ['an unpaired low surrogate', '\udc00bad'],
  ['an over-long string', 'x'.repeat(MAX_STRING_LENGTH + 1)],
];

const cdr = (vars: Record<string, string>, uuid = randomUUID()) => minimalCdr(vars, uuid);

describe('hostile strings', () => {
  let t: TestApp;
  let admin: Session;
  let telesales: string;
  let autocall: string;
  let pbx: string;
  let campaignId: number;
  let leadId: number;

  useApp(async (app) => {
    t = app;
    admin = await login(t);
    telesales = await bearer(t, ['telesales_api_access']);
    autocall = await bearer(t, ['autocall_api_access']);
    pbx = await bearer(t, ['pbx_api_access']);
    const campaign = await t
      .http()
      .post('/api/telesales/campaigns')
      .set('Authorization', telesales)
      .send({ name: 'Poison', dialer_mode: 'manual' })
      .expect(201);
    campaignId = campaign.body.data.id as number;
    const lead = await t
      .http()
      .post(`/api/telesales/campaigns/${campaignId}/leads`)
      .set('Authorization', telesales)
      .send({ full_name: 'Clean', phone: '0912000001' })
      .expect(201);
    leadId = lead.body.data.id as number;
  });

  /** Row counts of the tables these routes write, to prove a refused request changed nothing. */
  async function counts(): Promise<Record<string, number>> {
    const tables = [
      'users',
      'api_tokens',
      'webhooks',
      'telesales_leads',
      'telesales_campaigns',
      'autocall_campaigns',
      'autocall_leads',
      'pbx_cdrs',
      'outbox_events',
      'audit_log',
    ];
    const rows = await t.db.query<{ t: string; n: number }[]>(
      tables
        .map((name) => `SELECT '${name}' AS t, count(*)::int AS n FROM ${name}`)
        .join(' UNION ALL '),
    );
    return Object.fromEntries(rows.map((r) => [r.t, r.n]));
  }

  const routes: {
    name: string;
    field: string;
    send: (value: string) => request.Test;
  }[] = [
    {
      name: 'POST /api/admin/webhooks display_name',
      field: 'display_name',
      send: (v) =>
        admin.post('/api/admin/webhooks').send({
          display_name: v,
          url: 'https://receiver.example.com/hook',
          events: ['pbx.call.ringing'],
        }),
    },
    {
      name: 'POST /api/admin/auth/login email',
      field: 'email',
      send: (v) => t.http().post('/api/admin/auth/login').send({ email: v, password: 'x' }),
    },
    {
      name: 'POST /api/admin/users name',
      field: 'name',
      send: (v) =>
        admin.post('/api/admin/users').send({
          email: `${randomUUID()}@example.test`,
          name: v,
          role: 'auditor',
          password: 'correct horse battery staple',
        }),
    },
    {
      name: 'POST /api/admin/api-tokens ip_allowlist item',
      field: 'ip_allowlist.0',
      send: (v) =>
        admin
          .post('/api/admin/api-tokens')
          .send({ name: 'p', scopes: ['pbx_api_access'], ip_allowlist: [v] }),
    },
    {
      name: 'POST /api/telesales/campaigns/:id/leads full_name',
      field: 'full_name',
      send: (v) =>
        t
          .http()
          .post(`/api/telesales/campaigns/${campaignId}/leads`)
          .set('Authorization', telesales)
          .send({ full_name: v, phone: '0912000002' }),
    },
    {
      name: 'PATCH /api/telesales/leads/:id custom_fields value',
      field: 'custom_fields.province',
      send: (v) =>
        t
          .http()
          .patch(`/api/telesales/leads/${leadId}`)
          .set('Authorization', telesales)
          .send({ custom_fields: { province: v } }),
    },
    {
      name: 'POST /api/autocall/campaigns name',
      field: 'name',
      send: (v) =>
        t.http().post('/api/autocall/campaigns').set('Authorization', autocall).send({ name: v }),
    },
    {
      name: 'GET /api/admin/audit-log?target_id',
      field: 'target_id',
      send: (v) => admin.get(`/api/admin/audit-log?target_id=${encodeURIComponent(v)}`),
    },
    {
      name: 'GET /api/admin/audit-log/export?actor_id',
      field: 'actor_id',
      send: (v) => admin.get(`/api/admin/audit-log/export?actor_id=${encodeURIComponent(v)}`),
    },
  ];

  // Query strings cannot carry a lone surrogate (URL-decoding turns one into U+FFFD).
  const cases = POISONS.flatMap(([label, poison]) =>
    routes
      .filter((r) => !(r.name.startsWith('GET ') && /[\ud800-\udfff]/.test(poison)))
      .map((r) => [`${r.name} with ${label}`, r, poison] as const),
  );

  it.each(cases)('%s: 422 naming the field, nothing changed', async (_name, r, poison) => {
    const before = await counts();
    const res = await r.send(poison);
    expect({ status: res.status, fields: Object.keys(res.body.errors ?? {}) }).toEqual({
      status: 422,
      fields: [r.field],
    });
    expect(res.body.message).toBe('The given data was invalid.');
    expect(await counts()).toEqual(before);
  });

  it('names a poisoned key inside a JSON object by its parent field', async () => {
    const res = await t
      .http()
      .patch(`/api/telesales/leads/${leadId}`)
      .set('Authorization', telesales)
      .send({ custom_fields: { ['pro\u0000vince']: 'Hà Nội' } })
      .expect(422);
    expect(res.body.errors).toEqual({
      custom_fields: ['custom_fields has a key that must not contain NUL characters'],
    });
  });

  it('a telesales bulk import with one poisoned row imports the others and reports that one', async () => {
    const res = await t
      .http()
      .post(`/api/telesales/campaigns/${campaignId}/leads/bulk-import`)
      .set('Authorization', telesales)
      .send({
        leads: [
          { full_name: 'Row zero', phone: '0912000010' },
          { full_name: 'Row \u0000one', phone: '0912000011' },
          { full_name: 'Row two', phone: '0912000012', custom_fields: { note: 'bad\ud800' } },
          { full_name: 'Row three', phone: '0912000013' },
        ],
      })
      .expect(200);
    expect(res.body.data).toEqual({
      created: 2,
      duplicates: 0,
      invalid: [
        { index: 1, errors: { full_name: ['full_name must not contain NUL characters'] } },
        {
          index: 2,
          errors: {
            'custom_fields.note': [
              'custom_fields.note must not contain unpaired surrogates (invalid Unicode)',
            ],
          },
        },
      ],
    });
    const names = await t.db.query<{ full_name: string }[]>(
      `SELECT full_name FROM telesales_leads WHERE campaign_id = $1 ORDER BY id`,
      [campaignId],
    );
    expect(names.map((n) => n.full_name)).toEqual(['Clean', 'Row zero', 'Row three']);
  });

  it('an autocall import with one poisoned row imports the others and reports that one', async () => {
    const campaign = await t
      .http()
      .post('/api/autocall/campaigns')
      .set('Authorization', autocall)
      .send({ name: 'Poison import' })
      .expect(201);
    const id = campaign.body.data.id as number;
    const res = await t
      .http()
      .post(`/api/autocall/campaigns/${id}/leads/import`)
      .set('Authorization', autocall)
      .send({
        leads: [
          { phone: '0987000001', payload: { name: 'ok' } },
          { phone: '0987000002', payload: { name: 'x'.repeat(MAX_STRING_LENGTH + 1) } },
          { phone: '0987000003' },
        ],
      })
      .expect(200);
    expect(res.body.data.created).toBe(2);
    expect(res.body.data.invalid).toEqual([
      {
        index: 1,
        errors: {
          'payload.name': [`payload.name must be at most ${MAX_STRING_LENGTH} characters`],
        },
      },
    ]);
  });

  it('a poisoned field outside the rows of a bulk import still refuses the whole request', async () => {
    const before = await counts();
    const res = await t
      .http()
      .post(`/api/telesales/campaigns/${campaignId}/leads/bulk-import`)
      .set('Authorization', telesales)
      .send({ leads: [{ full_name: 'Fine', phone: '0912000020' }], ['x\u0000']: 1 })
      .expect(422);
    expect(Object.keys(res.body.errors)).toEqual(['x\\u0000']);
    expect(await counts()).toEqual(before);
  });

  it('a CDR (a foreign document) is stored with NUL and lone surrogates escaped visibly', async () => {
    const uuid = randomUUID();
    await t
      .http()
      .post('/api/pbx/cdr')
      .set('Authorization', pbx)
      .send(cdr({ sip_user_agent: 'Phone\u0000X', note: 'a\ud800b', encoded: 'c%00d' }, uuid))
      .expect(201);
    const [row] = await t.db.query<{ variables: Record<string, string> }[]>(
      'SELECT variables FROM pbx_cdrs WHERE uuid = $1',
      [uuid],
    );
    expect(row.variables).toMatchObject({
      sip_user_agent: 'Phone\\u0000X',
      note: 'a\\ud800b',
      encoded: 'c\\u0000d',
    });
  });

  it('a CDR variable over its cap is a 422 naming it', async () => {
    const res = await t
      .http()
      .post('/api/pbx/cdr')
      .set('Authorization', pbx)
      .send(cdr({ switch_r_sdp: 'v'.repeat(200 * 1024) }))
      .expect(422);
    expect(Object.keys(res.body.errors)).toEqual(['variables.switch_r_sdp']);
  });

  it('accepts the form encoding of mod_json_cdr (encode=true): cdr=<json>', async () => {
    const uuid = randomUUID();
    const doc = cdr({ record_path: '/var/rec', record_name: `${uuid}.wav` }, uuid);
    const res = await t
      .http()
      .post('/api/pbx/cdr')
      .set('Authorization', pbx)
      .type('form')
      .send(`cdr=${encodeURIComponent(JSON.stringify(doc))}`)
      .expect(201);
    expect(res.body.data).toMatchObject({
      call_uuid: uuid,
      recording_url: `file://pbx01/var/rec/${uuid}.wav`,
    });
    const malformed = await t
      .http()
      .post('/api/pbx/cdr')
      .set('Authorization', pbx)
      .type('form')
      .send('cdr=%7B%22variables')
      .expect(422);
    expect(Object.keys(malformed.body.errors)).toEqual(['cdr']);
  });
});
