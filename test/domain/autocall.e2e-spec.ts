import { randomUUID } from 'node:crypto';
import { expectEvent, OutboxRow } from './support';
import { useDomainApp } from './suite';

describe('AutoCall', () => {
  const api = useDomainApp('autocall', 'telesales');
  const { get, post } = api;

  async function campaign(name = 'Nhắc lịch hẹn tháng 7'): Promise<number> {
    const res = await post('/api/autocall/campaigns', { name, max_concurrent: 5 }).expect(201);
    return res.body.data.id as number;
  }

  async function leadIds(campaignId: number): Promise<{ id: number; phone: string }[]> {
    return api.t.db.query(
      `SELECT id, phone FROM autocall_leads WHERE campaign_id = $1 ORDER BY id`,
      [campaignId],
    );
  }

  /** A running campaign with the given phones imported. */
  async function running(phones: string[], name?: string) {
    const id = await campaign(name);
    await post(`/api/autocall/campaigns/${id}/leads/import`, {
      leads: phones.map((phone, i) => ({ phone, external_ref: `CRM-${i}` })),
    }).expect(200);
    await post(`/api/autocall/campaigns/${id}/start`).expect(200);
    return { id, leads: await leadIds(id) };
  }

  const report = (body: object) => post('/api/autocall/calls/events', body);
  /** The dialer's report that it dialed a lead (call `uuid`) from the usual caller id. */
  const dial = (uuid: string, leadId: number) =>
    report({ type: 'dialed', uuid, lead_id: leadId, caller_id: '842873001234' });

  /**
   * A finished campaign: its autocall.campaign.finished event (`row`) and the campaign as the API
   * shows it afterwards agree on why it finished and on its lead counts. Returns the campaign.
   */
  async function expectFinished(
    row: OutboxRow | undefined,
    campaign: { id: number; name: string; total_leads: number; completed_leads: number },
    reason: 'manual' | 'all_leads_done',
  ): Promise<Record<string, unknown>> {
    const { id, name, ...counts } = campaign;
    expect(expectEvent(row, 'autocall.campaign.finished')).toEqual({
      campaign_id: id,
      name,
      status: 'finished',
      occurred_at: expect.any(String),
      ...counts,
      finished_reason: reason,
    });
    const got = await get(`/api/autocall/campaigns/${id}`).expect(200);
    expect(got.body.data).toMatchObject({
      status: 'finished',
      finished_reason: reason,
      started_at: expect.any(String),
      finished_at: expect.any(String),
      ...counts,
    });
    return got.body.data as Record<string, unknown>;
  }

  describe('campaign lifecycle', () => {
    it('creates a draft campaign', async () => {
      const res = await post('/api/autocall/campaigns', {
        name: 'Khảo sát',
        description: 'CSAT survey',
      }).expect(201);
      expect(res.headers['x-ratelimit-limit']).toBe('120');
      expect(res.body.data).toEqual({
        id: expect.any(Number),
        name: 'Khảo sát',
        description: 'CSAT survey',
        max_concurrent: 10,
        status: 'draft',
        finished_reason: null,
        total_leads: 0,
        pending_leads: 0,
        completed_leads: 0,
        started_at: null,
        finished_at: null,
        created_at: expect.any(String),
        updated_at: expect.any(String),
      });
      const bad = await post('/api/autocall/campaigns', { name: '', max_concurrent: 0 }).expect(
        422,
      );
      expect(Object.keys(bad.body.errors).sort()).toEqual(['max_concurrent', 'name']);
    });

    it('start → pause → resume → finish publish started/paused/resumed/finished (manual)', async () => {
      const id = await campaign('Vòng đời');
      await post(`/api/autocall/campaigns/${id}/leads/import`, {
        leads: [{ phone: '0912345678' }, { phone: '0987654321' }],
      }).expect(200);
      const mark = await api.mark();
      const steps: [string, string][] = [
        ['start', 'running'],
        ['pause', 'paused'],
        ['resume', 'running'],
        ['finish', 'finished'],
      ];
      for (const [action, status] of steps) {
        const res = await post(`/api/autocall/campaigns/${id}/${action}`).expect(200);
        expect(res.body.data.status).toBe(status);
      }
      const rows = await api.expectPublished(mark, [
        'autocall.campaign.started',
        'autocall.campaign.paused',
        'autocall.campaign.resumed',
        'autocall.campaign.finished',
      ]);
      expect(expectEvent(rows[0], 'autocall.campaign.started')).toEqual({
        campaign_id: id,
        name: 'Vòng đời',
        status: 'running',
        occurred_at: expect.any(String),
      });
      expect(expectEvent(rows[1], 'autocall.campaign.paused').status).toBe('paused');
      expect(expectEvent(rows[2], 'autocall.campaign.resumed').status).toBe('running');
      const lifecycle = { id, name: 'Vòng đời', total_leads: 2, completed_leads: 0 };
      await expectFinished(rows[3], lifecycle, 'manual');
    });

    it('answers 409 on an illegal transition, publishing nothing', async () => {
      const id = await campaign();
      const mark = await api.mark();
      const illegal = async (action: string, status: string) => {
        const res = await post(`/api/autocall/campaigns/${id}/${action}`).expect(409);
        expect(res.body.message).toMatch(new RegExp(`^A ${status} campaign cannot be`));
      };
      await illegal('pause', 'draft');
      await illegal('resume', 'draft');
      await illegal('finish', 'draft');
      await post(`/api/autocall/campaigns/${id}/start`).expect(200);
      await illegal('start', 'running');
      await illegal('resume', 'running');
      await post(`/api/autocall/campaigns/${id}/pause`).expect(200);
      await illegal('pause', 'paused');
      await illegal('start', 'paused');
      await post(`/api/autocall/campaigns/${id}/finish`).expect(200);
      for (const action of ['start', 'pause', 'resume', 'finish'])
        await illegal(action, 'finished');
      await api.expectPublished(mark, [
        'autocall.campaign.started',
        'autocall.campaign.paused',
        'autocall.campaign.finished',
      ]);
      await post('/api/autocall/campaigns/999999/start').expect(404);
      await post(`/api/autocall/campaigns/${id}/leads/import`, {
        leads: [{ phone: '0912345678' }],
      }).expect(409);
    });

    it('concurrent starts: one wins, the others get 409, one started event', async () => {
      const id = await campaign();
      const mark = await api.mark();
      const results = await Promise.all(
        Array.from({ length: 5 }, () => post(`/api/autocall/campaigns/${id}/start`)),
      );
      expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409]);
      expect(await api.since(mark)).toHaveLength(1);
    });
  });

  describe('lead import', () => {
    it('normalises Vietnamese numbers to 84…, dedupes per campaign and reports invalid rows', async () => {
      const id = await campaign();
      await post(`/api/autocall/campaigns/${id}/leads/import`, {
        leads: [{ phone: '0911000001' }],
      }).expect(200);
      const mark = await api.mark();
      const res = await post(`/api/autocall/campaigns/${id}/leads/import`, {
        leads: [
          { phone: '0912 345 678', external_ref: 'CRM-1', payload: { name: 'An' } },
          { phone: '+84 987.654.321' },
          { phone: '84-35-123-4567' },
          { phone: '(028) 7300 1234' },
          { phone: '84912345678' },
          { phone: '+84911000001' },
          { phone: '12345' },
          { phone: '+65 6123 4567' },
          { phone: '0912345678', extra: 1 },
          { external_ref: 'no phone' },
          { phone: '0913000000', payload: 'text' },
          42,
        ],
      }).expect(200);
      expect(res.body.data.created).toBe(4);
      expect(res.body.data.duplicates).toBe(2);
      expect(res.body.data.invalid.map((r: { index: number }) => r.index)).toEqual([
        6, 7, 8, 9, 10, 11,
      ]);
      expect(res.body.data.invalid[0].errors).toEqual({
        phone: [
          'phone must be a Vietnamese phone number (0912345678, +84 912 345 678, 84912345678)',
        ],
      });
      expect(res.body.data.invalid[2].errors).toEqual({ extra: ['is not an allowed field'] });
      expect(res.body.data.invalid[3].errors).toEqual({ phone: ['phone must be a string'] });
      expect((await leadIds(id)).map((l) => l.phone)).toEqual([
        '84911000001',
        '84912345678',
        '84987654321',
        '84351234567',
        '842873001234',
      ]);
      // Lead imports publish no event (the receiver guide has none for AutoCall leads).
      expect(await api.since(mark)).toEqual([]);
      const list = await get(`/api/autocall/campaigns/${id}/leads?per_page=2`).expect(200);
      expect(list.body.meta).toEqual({ page: 1, per_page: 2, total: 5 });
      expect(list.body.data[1]).toMatchObject({
        phone: '84912345678',
        external_ref: 'CRM-1',
        payload: { name: 'An' },
        status: 'pending',
        attempts: 0,
      });
    });

    it('refuses more than 5000 rows (422) and unknown campaigns (404)', async () => {
      const id = await campaign();
      const leads = Array.from({ length: 5001 }, () => ({ phone: '0912345678' }));
      const res = await post(`/api/autocall/campaigns/${id}/leads/import`, { leads }).expect(422);
      expect(res.body.errors).toEqual({ leads: ['leads must contain at most 5000 rows'] });
      await post('/api/autocall/campaigns/999999/leads/import', { leads: [] }).expect(404);
    });
  });

  describe('dialer call events', () => {
    /**
     * The dialer's reports of one call to the lead, from the dial to a transfer to the support
     * queue: dialed, answered, two key presses (one with an action), transferred.
     */
    async function reportCallToTransfer(uuid: string, leadId: number) {
      const call = { uuid, lead_id: leadId };
      const dialed = await report({
        type: 'dialed',
        ...call,
        caller_id: '842873001234',
        occurred_at: '2026-06-29T03:05:00Z',
      }).expect(200);
      await report({ type: 'answered', ...call, occurred_at: '2026-06-29T03:05:07Z' }).expect(200);
      await report({ type: 'dtmf', ...call, digit: '1', action_type: 'confirm' }).expect(200);
      await report({ type: 'dtmf', ...call, digit: '#' }).expect(200);
      await report({ type: 'transferred', ...call, digit: '9', queue_name: 'support' }).expect(200);
      return dialed;
    }

    it('dialed, answered, dtmf, transferred publish the autocall.lead.* events with the documented fields', async () => {
      const { id, leads } = await running(['0912345678', '0987654321'], 'Dialer');
      const lead = leads[0];
      const uuid = randomUUID();
      const mark = await api.mark();
      const dialed = await reportCallToTransfer(uuid, lead.id);
      expect(dialed.body.data).toMatchObject({ uuid, status: 'dialing', attempt_number: 1 });
      const rows = await api.expectPublished(mark, [
        'autocall.lead.dialed',
        'autocall.lead.answered',
        'autocall.lead.dtmf_pressed',
        'autocall.lead.dtmf_pressed',
        'autocall.lead.transferred',
      ]);
      // The fields of the dial attempt both events carry.
      const attempt = {
        uuid,
        campaign_id: id,
        lead_id: lead.id,
        phone: '84912345678',
        external_ref: 'CRM-0',
        attempt_number: 1,
      };
      expect(expectEvent(rows[0], 'autocall.lead.dialed')).toEqual({
        ...attempt,
        caller_id: '842873001234',
        started_at: '2026-06-29T03:05:00.000Z',
      });
      expect(expectEvent(rows[1], 'autocall.lead.answered')).toEqual({
        ...attempt,
        answered_at: '2026-06-29T03:05:07.000Z',
      });
      expect(expectEvent(rows[2], 'autocall.lead.dtmf_pressed')).toMatchObject({
        digit: '1',
        action_type: 'confirm',
      });
      expect(expectEvent(rows[3], 'autocall.lead.dtmf_pressed')).toMatchObject({
        digit: '#',
        action_type: null,
      });
      expect(expectEvent(rows[4], 'autocall.lead.transferred')).toMatchObject({
        uuid,
        campaign_id: id,
        lead_id: lead.id,
        digit: '9',
        queue_name: 'support',
      });
    });

    it('repeated dialed, answered and transferred reports are no-ops; a transfer without a digit has digit null', async () => {
      const { leads } = await running(['0912345678', '0987654321'], 'Dialer repeats');
      const [lead, other] = leads;
      const uuid = randomUUID();
      await reportCallToTransfer(uuid, lead.id);

      const mark = await api.mark();
      await dial(uuid, lead.id).expect(200);
      await report({ type: 'answered', uuid, lead_id: lead.id }).expect(200);
      await report({ type: 'transferred', uuid, lead_id: lead.id, queue_name: 'x' }).expect(200);
      expect(await api.since(mark)).toEqual([]);

      await report({ type: 'completed', uuid, lead_id: lead.id, result: 'no_answer' }).expect(200);
      const first = randomUUID();
      await report({ type: 'dialed', uuid: first, lead_id: other.id, caller_id: '1900' }).expect(
        200,
      );
      await report({
        type: 'transferred',
        uuid: first,
        lead_id: other.id,
        queue_name: 'sales',
      }).expect(200);
      const [transferred] = await api.since(mark, ['autocall.lead.transferred']);
      expect(expectEvent(transferred, 'autocall.lead.transferred').digit).toBeNull();
    });

    it('completing the last pending lead finishes the campaign (all_leads_done), once', async () => {
      const { id, leads } = await running(['0911000001', '0911000002', '0911000003'], 'Hết lead');
      const calls = leads.map((l) => ({ uuid: randomUUID(), lead_id: l.id }));
      for (const c of calls) {
        await dial(c.uuid, c.lead_id).expect(200);
      }
      const mark = await api.mark();
      const results = await Promise.all(
        calls.map((c) => report({ type: 'completed', ...c, result: 'answered' })),
      );
      expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
      const finished = await api.since(mark, ['autocall.campaign.finished']);
      expect(finished).toHaveLength(1);
      const done = { id, name: 'Hết lead', total_leads: 3, completed_leads: 3 };
      expect(await expectFinished(finished[0], done, 'all_leads_done')).toMatchObject({
        pending_leads: 0,
      });
      // A repeated completed is a no-op; nothing is dialed in a finished campaign.
      const mark2 = await api.mark();
      await report({ type: 'completed', ...calls[0] }).expect(200);
      await dial(randomUUID(), leads[0].id).expect(409);
      expect(await api.since(mark2)).toEqual([]);
    });

    it('a campaign with leads still pending does not finish', async () => {
      const { id, leads } = await running(['0911000011', '0911000012']);
      const uuid = randomUUID();
      await dial(uuid, leads[0].id).expect(200);
      const mark = await api.mark();
      await report({ type: 'completed', uuid, lead_id: leads[0].id }).expect(200);
      expect(await api.since(mark)).toEqual([]);
      expect((await get(`/api/autocall/campaigns/${id}`).expect(200)).body.data).toMatchObject({
        status: 'running',
        pending_leads: 1,
        completed_leads: 1,
      });
    });

    it('rejects reports that do not fit: 409 (not dialed, ended, not running) and 422 (invalid)', async () => {
      const { id, leads } = await running(['0911000021', '0911000022']);
      const lead = leads[0];
      const mark = await api.mark();
      const notDialed = await report({ type: 'answered', uuid: randomUUID(), lead_id: lead.id });
      expect(notDialed.status).toBe(409);
      expect(notDialed.body.message).toMatch(/has not been dialed/);

      const invalid: [object, string][] = [
        [{ type: 'hungup', uuid: randomUUID(), lead_id: lead.id }, 'type'],
        [{ type: 'dialed', uuid: 'x', lead_id: lead.id, caller_id: '1900' }, 'uuid'],
        [{ type: 'dialed', uuid: randomUUID(), lead_id: lead.id }, 'caller_id'],
        [{ type: 'dtmf', uuid: randomUUID(), lead_id: lead.id }, 'digit'],
        [{ type: 'dtmf', uuid: randomUUID(), lead_id: lead.id, digit: '12' }, 'digit'],
        [{ type: 'transferred', uuid: randomUUID(), lead_id: lead.id }, 'queue_name'],
        [{ type: 'answered', uuid: randomUUID(), lead_id: 'one' }, 'lead_id'],
        [{ type: 'answered', uuid: randomUUID(), lead_id: 999999 }, 'lead_id'],
        [
          { type: 'answered', uuid: randomUUID(), lead_id: lead.id, occurred_at: 'now' },
          'occurred_at',
        ],
      ];
      for (const [body, field] of invalid) {
        const res = await report(body).expect(422);
        expect(Object.keys(res.body.errors)).toEqual([field]);
      }

      const uuid = randomUUID();
      await dial(uuid, lead.id).expect(200);
      const wrongLead = await report({ type: 'answered', uuid, lead_id: leads[1].id }).expect(422);
      expect(wrongLead.body.errors).toEqual({ lead_id: ['lead_id is not the lead of this call'] });
      await dial(uuid, leads[1].id).expect(409);
      await report({ type: 'completed', uuid, lead_id: lead.id }).expect(200);
      await report({ type: 'dtmf', uuid, lead_id: lead.id, digit: '1' }).expect(409);
      await report({ type: 'answered', uuid, lead_id: lead.id }).expect(409);
      await report({
        type: 'dialed',
        uuid: randomUUID(),
        lead_id: lead.id,
        caller_id: '1900',
      }).expect(409); // the lead is done

      await post(`/api/autocall/campaigns/${id}/pause`).expect(200);
      const paused = await dial(randomUUID(), leads[1].id).expect(409);
      expect(paused.body.message).toMatch(/paused/);
      // Only the one dialed/completed pair and the pause were published.
      await api.expectPublished(mark, ['autocall.lead.dialed', 'autocall.campaign.paused']);
    });
  });

  it('needs a token with autocall_api_access: 401 without, 403 with another scope', async () => {
    const id = await campaign();
    await api.expectScopeRequired([
      { method: 'post', path: `/api/autocall/campaigns/${id}/start` },
      { method: 'post', path: '/api/autocall/calls/events', body: {} },
    ]);
  });
});
