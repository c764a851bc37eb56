import { randomUUID } from 'node:crypto';
import { expectEvent, payloadProblems } from './support';
import { useDomainApp } from './suite';

describe('Telesales', () => {
  const api = useDomainApp('telesales', 'autocall');
  const { get, post, patch } = api;

  async function campaign(name = 'Khuyến mãi hè 2026'): Promise<number> {
    const res = await post('/api/telesales/campaigns', { name, dialer_mode: 'progressive' }).expect(
      201,
    );
    return res.body.data.id as number;
  }

  const postLead = (campaignId: number, body: object) =>
    post(`/api/telesales/campaigns/${campaignId}/leads`, body);
  /** A disposition of a call to the lead: a new call by agent 1001 unless `body` says otherwise. */
  const dispose = (leadId: number, body: object) =>
    post(`/api/telesales/leads/${leadId}/dispositions`, {
      call_uuid: randomUUID(),
      agent_extension: '1001',
      ...body,
    });

  async function lead(campaignId: number, phone: string, extra: object = {}): Promise<number> {
    const res = await postLead(campaignId, {
      full_name: 'Nguyễn Văn An',
      phone,
      ...extra,
    }).expect(201);
    return res.body.data.id as number;
  }

  const leadCount = async (campaignId: number): Promise<number> =>
    (
      await api.t.db.query(
        `SELECT count(*)::int AS n FROM telesales_leads WHERE campaign_id = $1`,
        [campaignId],
      )
    )[0].n as number;

  describe('campaigns', () => {
    it('creates and gets a campaign with its lead counts', async () => {
      const res = await post('/api/telesales/campaigns', {
        name: 'Gói Premium Q3',
        dialer_mode: 'predictive',
        description: 'Upsell',
      }).expect(201);
      expect(res.headers['x-ratelimit-limit']).toBe('120');
      expect(res.body.data).toEqual({
        id: expect.any(Number),
        name: 'Gói Premium Q3',
        dialer_mode: 'predictive',
        description: 'Upsell',
        status: 'active',
        total_leads: 0,
        dialed_leads: 0,
        completed_at: null,
        created_at: expect.any(String),
        updated_at: expect.any(String),
      });
      const id = res.body.data.id as number;
      await lead(id, '0912345678');
      const got = await get(`/api/telesales/campaigns/${id}`).expect(200);
      expect(got.body.data).toMatchObject({ id, total_leads: 1, dialed_leads: 0 });
      const list = await get('/api/telesales/campaigns?per_page=1').expect(200);
      expect(list.body.meta).toEqual({ page: 1, per_page: 1, total: expect.any(Number) });
      expect(list.body.data).toHaveLength(1);
    });

    it('validates campaigns (422 naming the field) and answers 404 for unknown ids', async () => {
      const bad = await post('/api/telesales/campaigns', {
        name: 'x',
        dialer_mode: 'robot',
      }).expect(422);
      expect(bad.body).toEqual({
        message: 'The given data was invalid.',
        errors: {
          dialer_mode: ['dialer_mode must be one of manual, preview, progressive, predictive'],
        },
      });
      const extra = await post('/api/telesales/campaigns', {
        name: 'x',
        dialer_mode: 'manual',
        owner: 'me',
      }).expect(422);
      expect(extra.body.errors).toEqual({ owner: ['is not an allowed field'] });
      await get('/api/telesales/campaigns/999999').expect(404, { message: 'Resource not found' });
      await get('/api/telesales/campaigns/abc').expect(404);
    });
  });

  describe('leads', () => {
    it('creates a lead: telesales.lead.created with the documented fields, phone normalised', async () => {
      const id = await campaign();
      const mark = await api.mark();
      const res = await postLead(id, {
        full_name: 'Nguyễn Văn An',
        phone: '+84 912.345-678',
        email: 'an.nguyen@example.com',
        custom_fields: { province: 'Hà Nội' },
      }).expect(201);
      const rows = await api.since(mark);
      expect(rows).toHaveLength(1);
      const data = expectEvent(rows[0], 'telesales.lead.created');
      expect(data).toEqual(res.body.data);
      expect(data).toMatchObject({
        campaign_id: id,
        full_name: 'Nguyễn Văn An',
        phone: '84912345678',
        email: 'an.nguyen@example.com',
        custom_fields: { province: 'Hà Nội' },
        status: 'new',
        disposition_code: null,
      });
      const minimal = await postLead(id, {
        full_name: 'Trần Thị Bình',
        phone: '0987654321',
      }).expect(201);
      expect(minimal.body.data).toMatchObject({ email: null, custom_fields: {} });
      expect(payloadProblems('telesales.lead.created', minimal.body.data)).toEqual([]);
    });

    it('answers 409 when the phone is already in the campaign (in any notation), publishing nothing', async () => {
      const id = await campaign();
      await lead(id, '0912345678');
      const mark = await api.mark();
      const dup = await postLead(id, {
        full_name: 'Someone else',
        phone: '84 912 345 678',
      }).expect(409);
      expect(dup.body).toEqual({ message: 'A lead with this phone is already in the campaign.' });
      expect(await api.since(mark)).toEqual([]);
      // The same phone in another campaign is fine.
      await lead(await campaign(), '0912345678');
    });

    it('rejects invalid leads with 422 and unknown campaigns with 404', async () => {
      const id = await campaign();
      const mark = await api.mark();
      const valid = { full_name: 'A', phone: '0912345678' };
      // Each change makes the lead invalid; the 422 names exactly its field.
      const invalid: [object, Record<string, unknown>][] = [
        [{ phone: '12345' }, { phone: expect.any(Array) }],
        [{ email: 'not-an-email' }, { email: ['email must be an email address'] }],
        [{ custom_fields: ['not', 'an', 'object'] }, { custom_fields: expect.any(Array) }],
      ];
      for (const [change, errors] of invalid) {
        const res = await postLead(id, { ...valid, ...change }).expect(422);
        expect(res.body.errors).toEqual(errors);
      }
      await postLead(999999, valid).expect(404);
      expect(await api.since(mark)).toEqual([]);
      expect(await leadCount(id)).toBe(0);
    });

    it('bulk-imports with per-row errors and duplicates, one telesales.lead.created per lead', async () => {
      const id = await campaign();
      await lead(id, '0900000001');
      const mark = await api.mark();
      const res = await post(`/api/telesales/campaigns/${id}/leads/bulk-import`, {
        leads: [
          { full_name: 'Lê Văn C', phone: '0900000002', custom_fields: { tier: 'gold' } },
          { full_name: 'Bad phone', phone: '0900' },
          { full_name: 'Existing', phone: '+84 900 000 001' },
          { full_name: 'Phạm D', phone: '84900000003', email: 'd@example.com' },
          { full_name: 'Repeat of row 0', phone: '090.000.0002' },
          { phone: '0900000004' },
          'not an object',
          { full_name: 'Extra', phone: '0900000005', vip: true },
          { full_name: 'Hoàng E', phone: '+65 6123 4567' },
        ],
      }).expect(200);
      expect(res.body).toEqual({
        data: {
          created: 3,
          duplicates: 2,
          invalid: [
            {
              index: 1,
              errors: { phone: [expect.stringMatching(/^phone must be a phone number/)] },
            },
            { index: 5, errors: { full_name: ['full_name must be a string'] } },
            { index: 6, errors: { row: ['each lead must be an object'] } },
            { index: 7, errors: { vip: ['is not an allowed field'] } },
          ],
        },
      });
      const rows = await api.since(mark);
      expect(rows).toHaveLength(3);
      for (const row of rows) expectEvent(row, 'telesales.lead.created');
      expect(rows.map((r) => r.payload.phone).sort()).toEqual([
        '6561234567',
        '84900000002',
        '84900000003',
      ]);
      expect(await leadCount(id)).toBe(4);
    });

    it('imports 5000 leads in one request (10 MiB body limit) and refuses 5001', async () => {
      const id = await campaign();
      const leads = Array.from({ length: 5000 }, (_, i) => ({
        full_name: `Khách hàng số ${i}`,
        phone: `09${String(10_000_000 + i).padStart(8, '0')}`,
        custom_fields: { note: 'y'.repeat(200), segment: 'retail' },
      }));
      expect(Buffer.byteLength(JSON.stringify({ leads }))).toBeGreaterThan(1024 * 1024);
      const res = await post(`/api/telesales/campaigns/${id}/leads/bulk-import`, { leads }).expect(
        200,
      );
      expect(res.body.data).toEqual({ created: 5000, duplicates: 0, invalid: [] });
      const [{ n }] = await api.t.db.query(
        `SELECT count(*)::int AS n FROM outbox_events
          WHERE event_name = 'telesales.lead.created' AND (payload->>'campaign_id')::int = $1`,
        [id],
      );
      expect(n).toBe(5000);

      const tooMany = await post(`/api/telesales/campaigns/${id}/leads/bulk-import`, {
        leads: [...leads, leads[0]],
      }).expect(422);
      expect(tooMany.body.errors).toEqual({ leads: ['leads must contain at most 5000 rows'] });
    });

    it('a bulk import that fails after publishing publishes nothing and creates nothing', async () => {
      const id = await campaign();
      // A deferred constraint trigger fails the transaction at COMMIT, i.e. after every row was
      // inserted and every telesales.lead.created was written to the outbox, the way a unique
      // violation on a deferred constraint would.
      await api.t.db.query(`
        CREATE OR REPLACE FUNCTION e2e_refuse_lead() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.full_name = 'refused at commit' THEN
            RAISE EXCEPTION 'duplicate lead at commit' USING ERRCODE = 'unique_violation';
          END IF;
          RETURN NULL;
        END $$`);
      await api.t.db.query(`
        CREATE CONSTRAINT TRIGGER e2e_refuse_lead AFTER INSERT ON telesales_leads
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION e2e_refuse_lead()`);
      try {
        const mark = await api.mark();
        const leads = Array.from({ length: 1500 }, (_, i) => ({
          full_name: i === 1499 ? 'refused at commit' : `Lead ${i}`,
          phone: `03${String(20_000_000 + i).padStart(8, '0')}`,
        }));
        const res = await post(`/api/telesales/campaigns/${id}/leads/bulk-import`, {
          leads,
        }).expect(500);
        expect(res.body).toEqual({ message: 'Server Error' });
        expect(await api.since(mark)).toEqual([]);
        // Since the mark only: other files publish catalogue samples whose campaign_id (17, 9)
        // may equal this campaign's id.
        const [{ n }] = await api.t.db.query(
          `SELECT count(*)::int AS n FROM outbox_events
            WHERE (payload->>'campaign_id')::int = $1 AND id > $2::bigint`,
          [id, mark],
        );
        expect(n).toBe(0);
        expect(await leadCount(id)).toBe(0);
      } finally {
        await api.t.db.query(`DROP TRIGGER e2e_refuse_lead ON telesales_leads`);
        await api.t.db.query(`DROP FUNCTION e2e_refuse_lead()`);
      }
    });

    it('PATCH publishes telesales.lead.updated with changed_fields only when something changed', async () => {
      const id = await campaign();
      const leadId = await lead(id, '0912000001', { custom_fields: { province: 'Hà Nội', a: 1 } });
      const mark = await api.mark();
      const res = await patch(`/api/telesales/leads/${leadId}`, {
        full_name: 'Nguyễn Văn Bình',
        custom_fields: { province: 'Đà Nẵng', a: null, product: 'Gói Gold' },
        email: 'binh@example.com',
      }).expect(200);
      expect(res.body.data).toMatchObject({
        full_name: 'Nguyễn Văn Bình',
        email: 'binh@example.com',
        custom_fields: { province: 'Đà Nẵng', product: 'Gói Gold' },
      });
      const rows = await api.since(mark);
      expect(rows).toHaveLength(1);
      const data = expectEvent(rows[0], 'telesales.lead.updated');
      expect(data.changed_fields).toEqual(['full_name', 'email', 'custom_fields']);
      const { changed_fields: _changed, ...rest } = data;
      expect(rest).toEqual(res.body.data);

      // The same values again (custom_fields in another key order): nothing changes, no event.
      const mark2 = await api.mark();
      const same = await patch(`/api/telesales/leads/${leadId}`, {
        full_name: 'Nguyễn Văn Bình',
        custom_fields: { product: 'Gói Gold', province: 'Đà Nẵng' },
      }).expect(200);
      expect(same.body.data.updated_at).toBe(res.body.data.updated_at);
      await patch(`/api/telesales/leads/${leadId}`, {}).expect(200);
      expect(await api.since(mark2)).toEqual([]);

      const code = await patch(`/api/telesales/leads/${leadId}`, {
        disposition_code: 'INTERESTED',
      }).expect(200);
      expect(code.body.data.disposition_code).toBe('INTERESTED');
      const [updated] = await api.since(mark2);
      expect(expectEvent(updated, 'telesales.lead.updated').changed_fields).toEqual([
        'disposition_code',
      ]);
    });

    it('PATCH validates (422) and answers 404 for unknown leads', async () => {
      const id = await campaign();
      const leadId = await lead(id, '0912000002');
      const mark = await api.mark();
      expect(
        (await patch(`/api/telesales/leads/${leadId}`, { full_name: null }).expect(422)).body
          .errors,
      ).toEqual({ full_name: ['full_name must be a string'] });
      expect(
        (await patch(`/api/telesales/leads/${leadId}`, { phone: '0912000003' }).expect(422)).body
          .errors,
      ).toEqual({ phone: ['is not an allowed field'] });
      await patch('/api/telesales/leads/999999', { full_name: 'x' }).expect(404);
      expect(await api.since(mark)).toEqual([]);
    });
  });

  describe('dispositions', () => {
    it('publishes telesales.call.disposed and telesales.lead.updated; a repeat for the call is 409', async () => {
      const id = await campaign();
      const leadId = await lead(id, '0912000010');
      await lead(id, '0912000011');
      const callUuid = randomUUID();
      const mark = await api.mark();
      const res = await dispose(leadId, {
        call_uuid: callUuid,
        disposition_code: 'CALLBACK',
        note: 'Gọi lại sau 9h',
        callback_at: '2026-06-30T02:00:00Z',
      }).expect(201);
      const rows = await api.expectPublished(mark, [
        'telesales.call.disposed',
        'telesales.lead.updated',
      ]);
      expect(expectEvent(rows[0], 'telesales.call.disposed')).toEqual({
        call_uuid: callUuid,
        lead_id: leadId,
        campaign_id: id,
        agent_extension: '1001',
        disposition_code: 'CALLBACK',
        note: 'Gọi lại sau 9h',
        callback_at: '2026-06-30T02:00:00.000Z',
        disposed_at: expect.any(String),
      });
      const updated = expectEvent(rows[1], 'telesales.lead.updated');
      expect(updated).toMatchObject({
        id: leadId,
        status: 'callback',
        disposition_code: 'CALLBACK',
        changed_fields: ['status', 'disposition_code'],
      });
      expect(res.body.data).toMatchObject({ call_uuid: callUuid, lead: { status: 'callback' } });

      const mark2 = await api.mark();
      await dispose(leadId, { call_uuid: callUuid, disposition_code: 'INTERESTED' }).expect(409);
      // The second call of the lead, same outcome fields unchanged except status: no completion
      // yet (the other lead has not been dialed).
      await dispose(leadId, {
        agent_extension: '1002',
        disposition_code: 'CALLBACK',
        callback_at: '2026-07-01T02:00:00Z',
      }).expect(201);
      await api.expectPublished(mark2, ['telesales.call.disposed']);
    });

    it('validates dispositions (422) and answers 404 for unknown leads', async () => {
      const id = await campaign();
      const leadId = await lead(id, '0912000020');
      const bad = await dispose(leadId, { call_uuid: 'nope', disposition_code: 'X' }).expect(422);
      expect(bad.body.errors).toEqual({ call_uuid: ['call_uuid must be a UUID'] });
      await dispose(leadId, { disposition_code: 'X', callback_at: 'tomorrow' }).expect(422);
      await dispose(999999, { disposition_code: 'X' }).expect(404);
    });

    it('publishes telesales.campaign.completed exactly once when the last leads are disposed concurrently', async () => {
      const id = await campaign('Chiến dịch hoàn tất');
      const leadIds: number[] = [];
      for (let i = 0; i < 8; i++)
        leadIds.push(await lead(id, `09120001${String(i).padStart(2, '0')}`));
      const mark = await api.mark();
      const results = await Promise.all(
        leadIds.map((leadId, i) =>
          dispose(leadId, {
            agent_extension: `10${String(i).padStart(2, '0')}`,
            disposition_code: 'NOT_INTERESTED',
          }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(leadIds.map(() => 201));
      const completed = await api.since(mark, ['telesales.campaign.completed']);
      expect(completed).toHaveLength(1);
      expect(expectEvent(completed[0], 'telesales.campaign.completed')).toEqual({
        campaign_id: id,
        name: 'Chiến dịch hoàn tất',
        total_leads: 8,
        dialed_leads: 8,
        completed_at: expect.any(String),
      });
      expect(await api.since(mark, ['telesales.call.disposed'])).toHaveLength(8);

      const got = await get(`/api/telesales/campaigns/${id}`).expect(200);
      expect(got.body.data).toMatchObject({ status: 'completed', total_leads: 8, dialed_leads: 8 });
      // Another call to a lead of the completed campaign: no second completion.
      const mark2 = await api.mark();
      await dispose(leadIds[0], { disposition_code: 'INTERESTED' }).expect(201);
      expect(await api.since(mark2, ['telesales.campaign.completed'])).toEqual([]);
      // And no new leads in a completed campaign.
      await postLead(id, {
        full_name: 'Late',
        phone: '0912999999',
      }).expect(409);
    });

    it('lists a campaign’s leads, paged', async () => {
      const id = await campaign();
      for (let i = 0; i < 3; i++) await lead(id, `09130000${String(i).padStart(2, '0')}`);
      const res = await get(`/api/telesales/campaigns/${id}/leads?page=2&per_page=2`).expect(200);
      expect(res.body.meta).toEqual({ page: 2, per_page: 2, total: 3 });
      expect(res.body.data).toHaveLength(1);
      expect(payloadProblems('telesales.lead.created', res.body.data[0])).toEqual([]);
      await get(`/api/telesales/campaigns/${id}/leads?per_page=0`).expect(400);
    });
  });

  it('needs a token with telesales_api_access: 401 without, 403 with another scope', async () => {
    const id = await campaign();
    await api.expectScopeRequired([
      {
        method: 'post',
        path: `/api/telesales/campaigns/${id}/leads`,
        body: { full_name: 'A', phone: '0912345678' },
      },
      { method: 'get', path: `/api/telesales/campaigns/${id}` },
    ]);
  });
});
