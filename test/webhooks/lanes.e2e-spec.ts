import { EVENT_TYPES } from '../../src/events/catalogue';
import { EventBus } from '../../src/events/event-bus';
import type { Session, TestApp } from '../support/app';
import { replyAfter, type ReceivedRequest } from '../support/https-receiver';
import { waitFor } from '../support/wait';
import { WebhookFixture, deliveriesOfEvent, publish } from '../support/webhooks';

/** The delivery id of each request, in arrival order. */
const ids = (reqs: ReceivedRequest[]) => reqs.map((q) => String(q.headers['x-zorio-delivery']));

describe('delivery lanes: one endpoint never delays another', () => {
  const f = new WebhookFixture({ WEBHOOK_TIMEOUT_MS: '2000', WEBHOOK_RETRY_SCHEDULE: '30,30,30' });
  let t: TestApp;
  let admin: Session;
  beforeAll(() => {
    ({ t, admin } = f);
  });

  it('a hanging endpoint and a healthy one on the same events: the healthy one gets every event within a second while the hanging one times out', async () => {
    const hanging = await f.receiver({ respond: 'hang' });
    const healthy = await f.receiver();
    const h = await f.hook(hanging.url, ['autocall.lead.dtmf_pressed'], 'hanging', {
      max_in_flight: 4,
    });
    await f.hook(healthy.url, ['autocall.lead.dtmf_pressed'], 'healthy');
    const published: { id: string; at: number }[] = [];
    for (let i = 0; i < 30; i++) {
      const at = Date.now();
      published.push({ id: await publish(t, 'autocall.lead.dtmf_pressed'), at });
    }
    const arrived = await healthy.waitFor(30, 20_000);
    for (const p of published) {
      const rows = await f.deliveries(p.id);
      const mine = rows.find((d) => d.webhook_id !== h.id);
      const req = arrived.find((q) => q.headers['x-zorio-delivery'] === mine?.id);
      expect(req).toBeDefined();
      expect((req as ReceivedRequest).arrivedAt - p.at).toBeLessThan(1000);
    }
    // The hanging lane had at most its own window open, and its attempts time out.
    expect(hanging.maxOpen).toBeLessThanOrEqual(4);
    await waitFor(async () => {
      const rows: { n: number }[] = await t.db.query(
        `SELECT count(*)::int AS n FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
          WHERE d.webhook_id = $1 AND a.error_code = 'timeout'`,
        [h.id],
      );
      return rows[0].n >= 4;
    });
    await admin.del(`/api/admin/webhooks/${h.id}`).expect(204);
  });

  it('a lane with a backlog of thousands and a lane with one both make progress', async () => {
    const busy = await f.receiver({ respond: replyAfter(2) });
    const quiet = await f.receiver();
    const b = await f.hook(busy.url, ['autocall.lead.answered'], 'backlog', { max_in_flight: 2 });
    await f.hook(quiet.url, ['autocall.lead.dialed'], 'one');
    await admin.post(`/api/admin/webhooks/${b.id}/pause`).expect(200);
    const bus = t.app.get(EventBus);
    const sample = EVENT_TYPES['autocall.lead.answered'].sample;
    for (let i = 0; i < 40; i++) {
      const batch = Array.from({ length: 100 }, () => ({
        name: 'autocall.lead.answered' as const,
        data: sample,
      }));
      await t.db.transaction((tx) => bus.publishMany(tx, batch));
    }
    await waitFor(async () => {
      const res = await admin.get(`/api/admin/webhooks/${b.id}`).expect(200);
      return res.body.data.lane.due === 4000 ? true : null;
    });
    await admin.post(`/api/admin/webhooks/${b.id}/resume`).expect(200);
    await busy.waitFor(200, 10_000);
    const at = Date.now();
    await publish(t, 'autocall.lead.dialed');
    const [one] = await quiet.waitFor(1, 10_000);
    expect(one.arrivedAt - at).toBeLessThan(1000);
    // The backlog was still draining meanwhile, and kept going.
    const during = busy.received.length;
    expect(during).toBeLessThan(4000);
    await busy.waitFor(during + 100, 10_000);
    await admin.del(`/api/admin/webhooks/${b.id}`).expect(204);
  });

  it('never has more than max_in_flight requests open at the receiver', async () => {
    const r = await f.receiver({ respond: replyAfter(40) });
    await f.hook(r.url, ['telesales.lead.updated'], 'window of 3', { max_in_flight: 3 });
    for (let i = 0; i < 24; i++) await publish(t, 'telesales.lead.updated');
    await r.waitFor(24, 20_000);
    expect(r.maxOpen).toBe(3);
  });

  it('a 429 with Retry-After: 2 holds the whole lane for at least 2 s, then it resumes', async () => {
    const r = await f.receiver({ respond: { status: 429, headers: { 'retry-after': '2' } } });
    const w = await f.hook(r.url, ['telesales.call.disposed'], 'throttled', { max_in_flight: 1 });
    await publish(t, 'telesales.call.disposed');
    const [first] = await r.waitFor(1, 10_000);
    r.respondWith({ status: 200 });
    for (let i = 0; i < 3; i++) await publish(t, 'telesales.call.disposed');
    const state = await waitFor(async () => {
      const res = await admin.get(`/api/admin/webhooks/${w.id}`).expect(200);
      const lane = res.body.data.lane as { due: number; throttled_until: string | null };
      return lane.due >= 3 && lane.throttled_until ? lane : null;
    });
    expect(Date.parse(state.throttled_until as string)).toBeGreaterThanOrEqual(
      first.arrivedAt + 1900,
    );
    const all = await r.waitFor(4, 15_000);
    for (const q of all.slice(1))
      expect(q.arrivedAt - first.arrivedAt).toBeGreaterThanOrEqual(2000);
    // The attempt that got the 429 counted, and waits for its own retry (30 s here).
    const [throttled]: { attempt_count: number; status: string; next_attempt_at: Date }[] =
      await t.db.query(
        `SELECT attempt_count, status, next_attempt_at FROM deliveries WHERE id = $1`,
        ids([first]),
      );
    expect(throttled).toMatchObject({ attempt_count: 1, status: 'retrying' });
    expect(throttled.next_attempt_at.getTime()).toBeGreaterThan(first.arrivedAt + 25_000);
  });

  it('releases a paused webhook’s backlog on resume, oldest first', async () => {
    const r = await f.receiver();
    const w = await f.hook(r.url, ['autocall.campaign.resumed'], 'paused backlog', {
      max_in_flight: 1,
    });
    await admin.post(`/api/admin/webhooks/${w.id}/pause`).expect(200);
    const events: string[] = [];
    for (let i = 0; i < 12; i++) events.push(await publish(t, 'autocall.campaign.resumed'));
    const created = await waitFor(async () => {
      const rows: { id: string }[] = await t.db.query(
        `SELECT id FROM deliveries WHERE webhook_id = $1 ORDER BY created_at, event_id`,
        [w.id],
      );
      return rows.length === 12 ? rows.map((d) => d.id) : null;
    });
    const paused = await admin.get(`/api/admin/webhooks/${w.id}`).expect(200);
    expect(paused.body.data.lane).toMatchObject({ due: 12, in_flight: 0 });
    expect(paused.body.data.lane.oldest_due_at).toEqual(expect.any(String));
    expect(r.received).toHaveLength(0);
    await admin.post(`/api/admin/webhooks/${w.id}/resume`).expect(200);
    expect(ids(await r.waitFor(12, 10_000))).toEqual(created);
  });

  it('deleting a webhook with a backlog cancels it', async () => {
    const r = await f.receiver();
    const w = await f.hook(r.url, ['autocall.campaign.finished'], 'deleted backlog');
    await admin.post(`/api/admin/webhooks/${w.id}/pause`).expect(200);
    const events: string[] = [];
    for (let i = 0; i < 5; i++) events.push(await publish(t, 'autocall.campaign.finished'));
    const rows = await waitFor(async () => {
      const d = (await Promise.all(events.map((e) => deliveriesOfEvent(t, e, [w.id])))).flat();
      return d.length === 5 ? d : null;
    });
    await admin.del(`/api/admin/webhooks/${w.id}`).expect(204);
    const after: { status: string }[] = await t.db.query(
      `SELECT status FROM deliveries WHERE id = ANY($1::uuid[])`,
      [rows.map((d) => d.id)],
    );
    expect(after.map((d) => d.status)).toEqual(Array(5).fill('cancelled'));
    expect(r.received).toHaveLength(0);
  });

  it('refuses bad lane settings with a 422 naming the field, and changes nothing', async () => {
    const r = await f.receiver();
    const w = await f.hook(r.url, ['pbx.call.ringing'], 'settings');
    const before = (await admin.get(`/api/admin/webhooks/${w.id}`).expect(200)).body.data;
    expect(before).toMatchObject({
      max_in_flight: 8,
      rate_limit_per_second: null,
      ordering: 'none',
    });
    const bad: [string, unknown][] = [
      ['max_in_flight', 0],
      ['max_in_flight', 65],
      ['max_in_flight', -1],
      ['max_in_flight', '8'],
      ['max_in_flight', 1e9],
      ['max_in_flight', 2.5],
      ['max_in_flight', null],
      ['rate_limit_per_second', 0],
      ['rate_limit_per_second', 10_001],
      ['rate_limit_per_second', '5'],
      ['rate_limit_per_second', 1e9],
      ['ordering', 'fifo'],
      ['ordering', 1],
      ['ordering', null],
    ];
    const count = async () =>
      (await t.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM webhooks`))[0].n;
    const webhooks = await count();
    for (const [field, value] of bad) {
      const body = { display_name: 'x', url: r.url, events: ['pbx.call.ringing'], [field]: value };
      const created = await admin.post('/api/admin/webhooks').send(body).expect(422);
      expect(Object.keys(created.body.errors)).toEqual([field]);
      const patched = await admin
        .patch(`/api/admin/webhooks/${w.id}`)
        .send({ [field]: value })
        .expect(422);
      expect(Object.keys(patched.body.errors)).toEqual([field]);
    }
    expect(await count()).toBe(webhooks);
    const after = (await admin.get(`/api/admin/webhooks/${w.id}`).expect(200)).body.data;
    expect(after.updated_at).toBe(before.updated_at);

    const ok = await admin
      .patch(`/api/admin/webhooks/${w.id}`)
      .send({ max_in_flight: 64, rate_limit_per_second: 10_000, ordering: 'per_key' })
      .expect(200);
    expect(ok.body.data).toMatchObject({
      max_in_flight: 64,
      rate_limit_per_second: 10_000,
      ordering: 'per_key',
      lane: { in_flight: 0, due: 0, oldest_due_at: null, throttled_until: null },
    });
    const cleared = await admin
      .patch(`/api/admin/webhooks/${w.id}`)
      .send({ rate_limit_per_second: null })
      .expect(200);
    expect(cleared.body.data.rate_limit_per_second).toBeNull();
  });
});
