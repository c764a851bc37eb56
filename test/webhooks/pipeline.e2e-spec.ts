import { randomUUID } from 'node:crypto';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { EVENT_TYPES } from '../../src/events/catalogue';
import { Retention } from '../../src/modules/deliveries/retention';
import type { Session, TestApp } from '../support/app';
import { waitFor } from '../support/wait';
import {
  WebhookFixture,
  deliveriesOfEvent,
  publish,
  verifiesWith,
  waitForDeliveryStatus,
  waitForRelayed,
} from '../support/webhooks';

describe('webhook pipeline: publish → outbox → fan-out → signed HTTPS delivery', () => {
  const f = new WebhookFixture({
    WEBHOOK_RETRY_SCHEDULE: '0.3,0.3,0.3',
    WEBHOOK_TIMEOUT_MS: '1500',
  });
  let t: TestApp;
  let admin: Session;
  beforeAll(() => {
    ({ t, admin } = f);
  });

  it('delivers a published event once to every active subscribed webhook and to no other', async () => {
    const [r1, r2, r3, r4] = await Promise.all([
      f.receiver(),
      f.receiver(),
      f.receiver(),
      f.receiver(),
    ]);
    const w1 = await f.hook(r1.url, ['pbx.call.hangup', 'telesales.lead.created']);
    const w2 = await f.hook(r2.localhostUrl, ['pbx.call.hangup']);
    await f.hook(r3.url, ['telesales.lead.created']);
    const w4 = await f.hook(r4.url, ['pbx.call.hangup']);
    await admin.post(`/api/admin/webhooks/${w4.id}/pause`).expect(200);

    const before = Math.floor(Date.now() / 1000);
    const eventId = await publish(t, 'pbx.call.hangup');
    const [a] = await r1.waitFor(1, 10_000);
    const [b] = await r2.waitFor(1, 10_000);
    const all = await waitFor(async () => {
      const d = await deliveriesOfEvent(t, eventId, f.webhookIds);
      const sent = d.filter((x) => x.webhook_id !== w4.id);
      return sent.length >= 2 && sent.every((x) => x.status === 'succeeded') ? d : null;
    });
    // The paused webhook's delivery waits in its lane, unsent.
    const rows = all.filter((d) => d.webhook_id !== w4.id);
    expect(rows.map((d) => d.webhook_id).sort()).toEqual([w1.id, w2.id].sort());
    expect(all.filter((d) => d.webhook_id === w4.id)).toMatchObject([{ status: 'pending' }]);
    expect(r3.received).toHaveLength(0);
    expect(r4.received).toHaveLength(0);

    for (const [req, secret] of [
      [a, w1.secret],
      [b, w2.secret],
    ] as const) {
      expect(req.method).toBe('POST');
      expect(req.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(req.headers['user-agent']).toMatch(/^Zorio-Webhooks\/\d/);
      expect(req.headers['x-zorio-event']).toBe('pbx.call.hangup');
      const id = req.headers['x-zorio-delivery'];
      expect(rows.map((d) => d.id)).toContain(id);
      expect(req.headers['webhook-id']).toBe(id);
      const ts = Number(req.headers['x-zorio-timestamp']);
      expect(req.headers['webhook-timestamp']).toBe(String(ts));
      expect(ts).toBeGreaterThanOrEqual(before - 1);
      expect(Math.abs(ts - req.arrivedAt / 1000)).toBeLessThan(5);
      expect(req.headers['x-zorio-test']).toBeUndefined();
      expect(req.headers['x-zorio-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
      expect(verifiesWith(req, secret)).toBe(true);
      expect(verifiesWith(req, 'x'.repeat(32))).toBe(false);
      const payload = new StandardWebhook(secret, { format: 'raw' }).verify(req.text(), {
        'webhook-id': String(req.headers['webhook-id']),
        'webhook-timestamp': String(req.headers['webhook-timestamp']),
        'webhook-signature': String(req.headers['webhook-signature']),
      });
      const envelope = req.json<Record<string, unknown>>();
      expect(payload).toEqual(envelope);
      expect(Object.keys(envelope)).toEqual(['event', 'timestamp', 'tenant_id', 'data']);
      expect(envelope.event).toBe('pbx.call.hangup');
      expect(envelope.tenant_id).toBe(1);
      expect(new Date(envelope.timestamp as string).toISOString()).toBe(envelope.timestamp);
      expect(envelope.data).toEqual(EVENT_TYPES['pbx.call.hangup'].sample);
    }
    // The same bytes for every webhook of the event.
    expect(a.body.equals(b.body)).toBe(true);
  });

  it('fails each kind of receiver problem with its error code, retries with the same id and bytes, then dead-letters', async () => {
    const cases = [
      {
        code: 'http_status',
        status: 500,
        r: await f.receiver({ respond: { status: 500, body: 'boom' } }),
      },
      { code: 'http_status', status: 404, r: await f.receiver({ respond: { status: 404 } }) },
      {
        code: 'http_status',
        status: 302,
        r: await f.receiver({
          respond: { status: 302, headers: { location: 'https://127.0.0.1:1/' } },
        }),
      },
      { code: 'timeout', status: null, r: await f.receiver({ respond: 'hang' }) },
      { code: 'connection', status: null, r: await f.receiver({ respond: 'reset' }) },
      { code: 'tls', status: null, r: await f.receiver({ cert: 'untrusted' }) },
    ];
    const hooks = [];
    for (const c of cases) hooks.push({ ...c, w: await f.hook(c.r.url, ['autocall.lead.dialed']) });
    const dns = await f.hook('https://no-such-host.invalid/hook', ['autocall.lead.dialed']);

    const eventId = await publish(t, 'autocall.lead.dialed');
    const deliveries = await waitFor(
      async () => {
        const d = await deliveriesOfEvent(t, eventId, f.webhookIds);
        return d.length === hooks.length + 1 && d.every((x) => x.status === 'dead_letter')
          ? d
          : null;
      },
      { timeoutMs: 40_000, what: 'every delivery to be dead-lettered' },
    );
    const byWebhook = new Map(deliveries.map((d) => [d.webhook_id, d]));
    for (const h of [...hooks, { code: 'dns', status: null, w: dns, r: null }]) {
      const d = byWebhook.get(h.w.id)!;
      expect(d.attempt_count).toBe(4);
      const detail = await admin.get(`/api/admin/deliveries/${d.id}`).expect(200);
      const attempts = detail.body.data.attempts as {
        number: number;
        trigger: string;
        response_status: number | null;
        error: { code: string };
      }[];
      expect(attempts.map((x) => x.number)).toEqual([1, 2, 3, 4]);
      expect(attempts.every((x) => x.trigger === 'auto')).toBe(true);
      expect(attempts.every((x) => x.error?.code === h.code)).toBe(true);
      expect(attempts.every((x) => x.response_status === h.status)).toBe(true);
      expect(detail.body.data.status).toBe('dead_letter');
      expect(detail.body.data.retry_count).toBe(3);
      if (h.r && h.code !== 'tls') {
        const got = h.r.received;
        expect(got.length).toBe(4);
        expect(new Set(got.map((g) => g.headers['x-zorio-delivery']))).toEqual(new Set([d.id]));
        expect(got.every((g) => g.body.equals(got[0].body))).toBe(true);
        expect(got.every((g) => g.body.toString('utf8') === d.body)).toBe(true);
        for (const g of got)
          expect(
            Math.abs(Number(g.headers['x-zorio-timestamp']) - g.arrivedAt / 1000),
          ).toBeLessThan(3);
      }
      const audit = await admin
        .get(`/api/admin/audit-log?action=delivery.dead_lettered&target_id=${d.id}`)
        .expect(200);
      expect(audit.body.data).toHaveLength(1);
    }
  });

  it('honours Retry-After: 2 by waiting at least 2 s before the next attempt', async () => {
    const r = await f.receiver({ respond: { status: 503, headers: { 'retry-after': '2' } } });
    const w = await f.hook(r.url, ['telesales.call.disposed']);
    const eventId = await publish(t, 'telesales.call.disposed');
    await r.waitFor(1, 10_000);
    r.respondWith({ status: 200 });
    const got = await r.waitFor(2, 10_000);
    expect(got[1].arrivedAt - got[0].arrivedAt).toBeGreaterThanOrEqual(2000);
    const [d] = await deliveriesOfEvent(t, eventId, f.webhookIds);
    await waitForDeliveryStatus(t, d.id, 'succeeded');
    expect(d.webhook_id).toBe(w.id);
  });

  it('signs the next attempt with the new secret after a rotation, never the old one', async () => {
    const r = await f.receiver({ respond: { status: 500 } });
    const w = await f.hook(r.url, ['telesales.lead.updated']);
    await publish(t, 'telesales.lead.updated');
    const [first] = await r.waitFor(1, 10_000);
    expect(verifiesWith(first, w.secret)).toBe(true);
    await admin.post(`/api/admin/webhooks/${w.id}/pause`).expect(200);
    const rotated = await admin.post(`/api/admin/webhooks/${w.id}/rotate-secret`).expect(200);
    const secret = rotated.body.secret as string;
    expect(secret).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(secret).not.toBe(w.secret);
    expect(rotated.body.data.secret_rotated_at).toEqual(expect.any(String));
    r.respondWith({ status: 200 });
    const seen = r.received.length;
    await admin.post(`/api/admin/webhooks/${w.id}/resume`).expect(200);
    const after = await r.waitFor(seen + 1, 10_000);
    const next = after[seen];
    expect(next.headers['x-zorio-delivery']).toBe(first.headers['x-zorio-delivery']);
    expect(verifiesWith(next, secret)).toBe(true);
    expect(verifiesWith(next, w.secret)).toBe(false);
  });

  it('holds a paused webhook’s events, sends them on resume, and sends nothing once deleted', async () => {
    const r = await f.receiver();
    const w = await f.hook(r.url, ['autocall.campaign.started']);
    await admin.post(`/api/admin/webhooks/${w.id}/pause`).expect(200);
    const paused = await admin.post(`/api/admin/webhooks/${w.id}/pause`).expect(200);
    expect(paused.body.data.status).toBe('paused');
    const whilePaused = await publish(t, 'autocall.campaign.started');
    await waitForRelayed(t, whilePaused);
    const [held] = await deliveriesOfEvent(t, whilePaused, f.webhookIds);
    expect(held).toMatchObject({ status: 'pending', attempt_count: 0 });
    expect(r.received).toHaveLength(0);

    await admin.post(`/api/admin/webhooks/${w.id}/resume`).expect(200);
    const [first] = await r.waitFor(1, 10_000);
    expect(first.headers['x-zorio-delivery']).toBe(held.id);
    const afterResume = await publish(t, 'autocall.campaign.started');
    const [, got] = await r.waitFor(2, 10_000);
    const [d] = await deliveriesOfEvent(t, afterResume, f.webhookIds);
    expect(got.headers['x-zorio-delivery']).toBe(d.id);
    expect(r.received).toHaveLength(2);

    await admin.del(`/api/admin/webhooks/${w.id}`).expect(204);
    await admin.get(`/api/admin/webhooks/${w.id}`).expect(404);
    const afterDelete = await publish(t, 'autocall.campaign.started');
    await waitForRelayed(t, afterDelete);
    expect(await deliveriesOfEvent(t, afterDelete, f.webhookIds)).toHaveLength(0);
    expect(r.received).toHaveLength(2);
    // History stays, detached from the deleted webhook.
    const history = await admin.get(`/api/admin/deliveries/${d.id}`).expect(200);
    expect(history.body.data.webhook_id).toBeNull();
    expect(history.body.data.status).toBe('succeeded');
  });

  it('sends a test event through the real path, marked as a test, and keeps it in history', async () => {
    const r = await f.receiver({ respond: { status: 200, body: '{"ok":true}' } });
    const w = await f.hook(r.url, ['pbx.call.ringing', 'pbx.cdr.created']);
    const res = await admin
      .post(`/api/admin/webhooks/${w.id}/test`)
      .send({ event: 'pbx.cdr.created' })
      .expect(200);
    const d = res.body.data;
    expect(d).toMatchObject({
      is_test: true,
      status: 'succeeded',
      event: 'pbx.cdr.created',
      webhook_id: w.id,
    });
    expect(d.attempts).toHaveLength(1);
    expect(d.attempts[0]).toMatchObject({
      trigger: 'test',
      response_status: 200,
      response_body: '{"ok":true}',
      error: null,
    });
    const [req] = r.received;
    expect(req.headers['x-zorio-test']).toBe('true');
    expect(req.headers['x-zorio-delivery']).toBe(d.id);
    expect(verifiesWith(req, w.secret)).toBe(true);
    expect(req.json<{ data: unknown }>().data).toEqual(EVENT_TYPES['pbx.cdr.created'].sample);

    const byDefault = await admin.post(`/api/admin/webhooks/${w.id}/test`).send({}).expect(200);
    expect(byDefault.body.data.event).toBe('pbx.call.ringing');
    await admin
      .post(`/api/admin/webhooks/${w.id}/test`)
      .send({ event: 'telesales.lead.created' })
      .expect(422);
    await admin.post(`/api/admin/webhooks/${randomUUID()}/test`).send({}).expect(404);
    const audit = await admin
      .get(`/api/admin/audit-log?action=webhook.test_sent&target_id=${w.id}`)
      .expect(200);
    expect(audit.body.data).toHaveLength(2);
  });

  it('counts the 24-hour success rate by the hour deliveries finished, kept for two days', async () => {
    const r = await f.receiver();
    const w = await f.hook(r.url, ['telesales.lead.updated']);
    const ok = await publish(t, 'telesales.lead.updated');
    await waitFor(
      async () => (await deliveriesOfEvent(t, ok, f.webhookIds))[0]?.status === 'succeeded',
    );
    await admin.post(`/api/admin/webhooks/${w.id}/test`).send({}).expect(200);
    const hours = () =>
      t.db.query<{ succeeded: number; dead_lettered: number }[]>(
        `SELECT succeeded, dead_lettered FROM delivery_outcome_hours
          WHERE webhook_id = $1 ORDER BY hour DESC`,
        [w.id],
      );
    // The event's delivery counts; the test delivery does not.
    expect(await hours()).toEqual([{ succeeded: 1, dead_lettered: 0 }]);
    // Earlier hours: 23 hours back is in the window; 24 hours and three days back are not.
    await t.db.query(
      `INSERT INTO delivery_outcome_hours (webhook_id, hour, succeeded, dead_lettered)
       VALUES ($1, date_trunc('hour', now()) - interval '23 hours', 0, 3),
              ($1, date_trunc('hour', now()) - interval '24 hours', 50, 0),
              ($1, date_trunc('hour', now()) - interval '3 days', 50, 0)`,
      [w.id],
    );
    const one = await admin.get(`/api/admin/webhooks/${w.id}`).expect(200);
    expect(one.body.data.success_rate_24h).toBe(0.25);
    await t.app.get(Retention).purgeExpired();
    expect(await hours()).toEqual([
      { succeeded: 1, dead_lettered: 0 },
      { succeeded: 0, dead_lettered: 3 },
      { succeeded: 50, dead_lettered: 0 },
    ]);
  });

  it('shows delivery figures with each webhook and exposes pipeline metrics', async () => {
    const r = await f.receiver({ respond: { status: 500 } });
    const w = await f.hook(r.url, ['autocall.lead.transferred']);
    const fresh = await admin.get(`/api/admin/webhooks/${w.id}`).expect(200);
    expect(fresh.body.data).toMatchObject({
      last_delivery_at: null,
      last_delivery_status: null,
      success_rate_24h: null,
    });
    const failing = await publish(t, 'autocall.lead.transferred');
    await waitFor(
      async () => (await deliveriesOfEvent(t, failing, f.webhookIds))[0]?.status === 'dead_letter',
      {
        timeoutMs: 20_000,
      },
    );
    r.respondWith({ status: 200 });
    const ok = await publish(t, 'autocall.lead.transferred');
    await waitFor(
      async () => (await deliveriesOfEvent(t, ok, f.webhookIds))[0]?.status === 'succeeded',
    );
    const list = await admin.get('/api/admin/webhooks').expect(200);
    const mine = list.body.data.find((x: { id: string }) => x.id === w.id);
    expect(mine).toMatchObject({ last_delivery_status: 'succeeded', success_rate_24h: 0.5 });
    expect(Date.parse(mine.last_delivery_at)).toBeGreaterThan(Date.now() - 60_000);

    const metrics = await t.http().get('/metrics').expect(200);
    expect(metrics.text).toMatch(
      /zorio_delivery_attempts_total\{event="autocall.lead.transferred",outcome="succeeded"\} 1/,
    );
    expect(metrics.text).toMatch(
      /zorio_delivery_attempts_total\{event="autocall.lead.transferred",outcome="dead_letter"\} 1/,
    );
    expect(metrics.text).toMatch(
      /zorio_delivery_attempts_total\{event="autocall.lead.transferred",outcome="failed"\} 3/,
    );
    expect(metrics.text).toMatch(/zorio_delivery_attempt_duration_seconds_bucket/);
    expect(metrics.text).toMatch(/zorio_delivery_queue_depth\{state="waiting"\} \d+/);
    expect(metrics.text).toMatch(/zorio_outbox_lag_seconds \d/);
  });
});
