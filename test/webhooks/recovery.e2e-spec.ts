import { randomUUID } from 'node:crypto';
import { DeliveryPartitions } from '../../src/modules/deliveries/partitions';
import { Retention } from '../../src/modules/deliveries/retention';
import type { Session, TestApp } from '../support/app';
import { waitFor } from '../support/wait';
import {
  WebhookFixture,
  publish,
  verifiesWith,
  waitForDeliveryStatus,
  waitForRelayed,
} from '../support/webhooks';

describe('webhook recovery: replay, bulk replay, suspension, retention, secrets', () => {
  const f = new WebhookFixture({
    WEBHOOK_RETRY_SCHEDULE: '0.1,0.1,0.1',
    WEBHOOK_SUSPEND_AFTER: '2',
    LOG_LEVEL: 'debug',
  });
  let t: TestApp;
  let admin: Session;
  beforeAll(() => {
    ({ t, admin } = f);
  });

  it('replays a dead letter with the same id and body, a fresh signature, and audits it; 409 while pending', async () => {
    const r = await f.receiver({ respond: { status: 500 } });
    const w = await f.hook(r.url, ['telesales.lead.created']);
    const eventId = await publish(t, 'telesales.lead.created');
    const d = await f.delivered(eventId, 'dead_letter');
    expect(r.received).toHaveLength(4);
    r.respondWith((req) => ({ status: req.headers['x-zorio-delivery'] === d.id ? 200 : 500 }));
    // Hold the replay's attempt on the webhook being paused, to see the 409 while it is pending.
    await admin.post(`/api/admin/webhooks/${w.id}/pause`).expect(200);
    const replay = await admin.post(`/api/admin/deliveries/${d.id}/replay`).expect(202);
    expect(replay.body.data).toMatchObject({ id: d.id, status: 'pending' });
    const conflict = await admin.post(`/api/admin/deliveries/${d.id}/replay`).expect(409);
    expect(conflict.body.message).toMatch(/pending/);
    await admin.post(`/api/admin/webhooks/${w.id}/resume`).expect(200);
    await waitForDeliveryStatus(t, d.id, 'succeeded');
    const replayed = r.received[4];
    expect(replayed.headers['x-zorio-delivery']).toBe(d.id);
    expect(replayed.body.equals(r.received[0].body)).toBe(true);
    expect(replayed.headers['x-zorio-signature']).toBe(r.received[0].headers['x-zorio-signature']);
    expect(Number(replayed.headers['x-zorio-timestamp'])).toBeGreaterThanOrEqual(
      Number(r.received[0].headers['x-zorio-timestamp']),
    );
    expect(verifiesWith(replayed, w.secret)).toBe(true);
    const detail = await admin.get(`/api/admin/deliveries/${d.id}`).expect(200);
    expect(detail.body.data.attempts.map((a: { trigger: string }) => a.trigger)).toEqual([
      'auto',
      'auto',
      'auto',
      'auto',
      'replay',
    ]);
    const audit = await admin
      .get(`/api/admin/audit-log?action=delivery.replayed&target_id=${d.id}`)
      .expect(200);
    expect(audit.body.data).toHaveLength(1);
    expect(audit.body.data[0].actor_type).toBe('user');
    await admin.post(`/api/admin/deliveries/${randomUUID()}/replay`).expect(404);
    await admin.post(`/api/admin/deliveries/not-a-uuid/replay`).expect(404);
  });

  it('bulk-replays a webhook’s dead letters since a time in the background and returns the count', async () => {
    const r = await f.receiver({ respond: { status: 500 } });
    const w = await f.hook(r.url, ['autocall.lead.answered']);
    const since = new Date(Date.now() - 1000).toISOString();
    const events = [
      await publish(t, 'autocall.lead.answered'),
      await publish(t, 'autocall.lead.answered'),
    ];
    const ids = await waitFor(async () => {
      const rows = (await Promise.all(events.map((e) => f.deliveries(e)))).flat();
      return rows.length === 2 && rows.every((x) => x.status === 'dead_letter')
        ? rows.map((x) => x.id)
        : null;
    });
    // Two dead letters suspend this webhook (WEBHOOK_SUSPEND_AFTER=2): resume it first.
    await admin.post(`/api/admin/webhooks/${w.id}/resume`).expect(200);
    r.respondWith({ status: 204 });
    const res = await admin
      .post(`/api/admin/webhooks/${w.id}/replay-dead-letters`)
      .send({ since })
      .expect(202);
    expect(res.body.data).toEqual({ count: 2 });
    for (const id of ids) await waitForDeliveryStatus(t, id, 'succeeded');
    const audit = await admin
      .get(`/api/admin/audit-log?action=delivery.replayed&target_id=${w.id}`)
      .expect(200);
    expect(audit.body.data[0].changes.after).toMatchObject({ bulk: true, count: 2 });
    const none = await admin
      .post(`/api/admin/webhooks/${w.id}/replay-dead-letters`)
      .send({ since })
      .expect(202);
    expect(none.body.data).toEqual({ count: 0 });
    await admin
      .post(`/api/admin/webhooks/${w.id}/replay-dead-letters`)
      .send({ since: 'yesterday' })
      .expect(422);
    await admin
      .post(`/api/admin/webhooks/${randomUUID()}/replay-dead-letters`)
      .send({ since })
      .expect(404);
  });

  it('suspends a webhook after the configured run of dead letters, audits it, and resume lifts it', async () => {
    const r = await f.receiver({ respond: { status: 500 } });
    const w = await f.hook(r.url, ['autocall.campaign.paused']);
    const first = await publish(t, 'autocall.campaign.paused');
    await f.delivered(first, 'dead_letter');
    let state = await admin.get(`/api/admin/webhooks/${w.id}`).expect(200);
    expect(state.body.data).toMatchObject({ status: 'active', consecutive_failures: 1 });
    const second = await publish(t, 'autocall.campaign.paused');
    await f.delivered(second, 'dead_letter');
    state = await admin.get(`/api/admin/webhooks/${w.id}`).expect(200);
    expect(state.body.data).toMatchObject({ status: 'suspended', consecutive_failures: 2 });
    expect(state.body.data.suspended_at).toEqual(expect.any(String));
    expect(state.body.data.suspended_reason).toMatch(/dead-lettered/);
    const audit = await admin
      .get(`/api/admin/audit-log?action=webhook.suspended&target_id=${w.id}`)
      .expect(200);
    expect(audit.body.data).toHaveLength(1);
    expect(audit.body.data[0].actor_type).toBe('system');

    // Suspended: new events create no delivery for it.
    const whileSuspended = await publish(t, 'autocall.campaign.paused');
    await waitForRelayed(t, whileSuspended);
    expect(await f.deliveries(whileSuspended)).toHaveLength(0);

    r.respondWith({ status: 200 });
    const resumed = await admin.post(`/api/admin/webhooks/${w.id}/resume`).expect(200);
    expect(resumed.body.data).toMatchObject({
      status: 'active',
      consecutive_failures: 0,
      suspended_at: null,
    });
    const after = await publish(t, 'autocall.campaign.paused');
    await f.delivered(after, 'succeeded');
  });

  it('a success resets the run of dead letters', async () => {
    const r = await f.receiver({ respond: { status: 500 } });
    const w = await f.hook(r.url, ['autocall.campaign.resumed']);
    const first = await publish(t, 'autocall.campaign.resumed');
    await f.delivered(first, 'dead_letter');
    r.respondWith({ status: 200 });
    const ok = await publish(t, 'autocall.campaign.resumed');
    await f.delivered(ok, 'succeeded');
    const state = await admin.get(`/api/admin/webhooks/${w.id}`).expect(200);
    expect(state.body.data).toMatchObject({ status: 'active', consecutive_failures: 0 });
  });

  it('retention drops only the days of deliveries and attempts, and the published events, older than the window', async () => {
    const r = await f.receiver();
    await f.hook(r.url, ['pbx.call.answered']);
    const recent = await publish(t, 'pbx.call.answered');
    const fresh = await f.delivered(recent, 'succeeded');
    const old = await publish(t, 'pbx.call.answered');
    const aged = await f.delivered(old, 'succeeded');
    // Its whole day falls out: the delivery and its attempts move to a day before the window.
    const agedAt = new Date(Date.now() - 31 * 86_400_000);
    await t.app.get(DeliveryPartitions).ensure(agedAt, agedAt);
    await t.db.query(`UPDATE deliveries SET created_at = $2 WHERE id = $1`, [aged.id, agedAt]);
    await t.db.query(
      `UPDATE delivery_attempts SET delivery_created_at = $2 WHERE delivery_id = $1`,
      [aged.id, agedAt],
    );
    await t.db.query(
      `UPDATE outbox_events SET occurred_at = now() - interval '31 days' WHERE id = $1`,
      [old],
    );
    const unpublishedOld: { id: string }[] = await t.db.query(
      `INSERT INTO outbox_events (event_name, payload, occurred_at, published_at, ordering_key, sequence)
       VALUES ('pbx.call.answered', '{}', now() - interval '40 days', NULL, 'test:retention', 1)
       RETURNING id::text`,
    );
    // Keep the relay away from this one row while we look.
    await t.db.query(`UPDATE outbox_events SET published_at = NULL WHERE id = $1`, [
      unpublishedOld[0].id,
    ]);
    const auditBefore: { n: number }[] = await t.db.query(
      `SELECT count(*)::int AS n FROM audit_log`,
    );

    const purged = await t.app.get(Retention).purgeExpired();
    expect(purged.droppedDays).toContain(agedAt.toISOString().slice(0, 10));
    const left: { id: string }[] = await t.db.query(
      `SELECT id FROM deliveries WHERE id = ANY($1)`,
      [[fresh.id, aged.id]],
    );
    expect(left.map((x) => x.id)).toEqual([fresh.id]);
    const attempts: { n: number }[] = await t.db.query(
      `SELECT count(*)::int AS n FROM delivery_attempts WHERE delivery_id = $1`,
      [aged.id],
    );
    expect(attempts[0].n).toBe(0);
    const events: { id: string }[] = await t.db.query(
      `SELECT id::text FROM outbox_events WHERE id = ANY($1::bigint[])`,
      [[recent, old]],
    );
    expect(events.map((e) => e.id)).toEqual([recent]);
    const auditAfter: { n: number }[] = await t.db.query(
      `SELECT count(*)::int AS n FROM audit_log`,
    );
    expect(auditAfter[0].n).toBeGreaterThanOrEqual(auditBefore[0].n);
    await t.db.query(`DELETE FROM outbox_events WHERE id = $1`, [unpublishedOld[0].id]);
  });

  describe('input validation', () => {
    const webhookCount = async () =>
      ((await admin.get('/api/admin/webhooks').expect(200)).body.data as unknown[]).length;
    /** A valid webhook body; each case below changes one field of it. */
    const VALID = { display_name: 'x', url: 'https://example.com/h', events: ['pbx.call.hangup'] };

    it.each<[string, Record<string, unknown>, string]>([
      ['an http URL', { url: 'http://example.com/h' }, 'url'],
      ['a URL with credentials', { url: 'https://u:p@example.com/h' }, 'url'],
      ['a URL over 2048 characters', { url: `https://example.com/${'a'.repeat(2048)}` }, 'url'],
      ['a URL that is not one', { url: 'not a url' }, 'url'],
      ['an empty display name', { display_name: '' }, 'display_name'],
      ['a display name over 100 characters', { display_name: 'x'.repeat(101) }, 'display_name'],
      ['a display name that is a number', { display_name: 7 }, 'display_name'],
      ['no events', { events: [] }, 'events'],
      ['an event twice', { events: ['pbx.call.hangup', 'pbx.call.hangup'] }, 'events'],
      ['an unknown event', { events: ['pbx.call.exploded'] }, 'events'],
      ['events that are not a list', { events: 'pbx.call.hangup' }, 'events'],
      ['a secret of its own', { secret: 'mine' }, 'secret'],
    ])('refuses %s with a 422 naming the field, creating nothing', async (_case, change, field) => {
      const before = await webhookCount();
      const res = await admin
        .post('/api/admin/webhooks')
        .send({ ...VALID, ...change })
        .expect(422);
      expect(res.body.message).toBe('The given data was invalid.');
      expect(res.body.errors[field]).toEqual(expect.any(Array));
      expect(await webhookCount()).toBe(before);
    });

    it('answers 400 to a malformed body, creating nothing', async () => {
      const before = await webhookCount();
      await admin
        .post('/api/admin/webhooks')
        .set('Content-Type', 'application/json')
        .send('{"url":')
        .expect(400);
      expect(await webhookCount()).toBe(before);
    });

    it('validates a PATCH (422) and applies a valid one', async () => {
      const r = await f.receiver();
      const w = await f.hook(r.url, ['pbx.call.hangup']);
      await admin
        .patch(`/api/admin/webhooks/${w.id}`)
        .send({ url: 'http://example.com' })
        .expect(422);
      await admin.patch(`/api/admin/webhooks/${w.id}`).send({ status: 'active' }).expect(422);
      const patched = await admin
        .patch(`/api/admin/webhooks/${w.id}`)
        .send({ display_name: 'Renamed', events: ['pbx.call.hangup', 'pbx.cdr.created'] })
        .expect(200);
      expect(patched.body.data).toMatchObject({
        display_name: 'Renamed',
        events: ['pbx.call.hangup', 'pbx.cdr.created'],
      });
    });

    it('answers 404 to unknown or malformed webhook ids and 400 to bad delivery filters', async () => {
      for (const path of ['', '/pause', '/resume', '/rotate-secret', '/test']) {
        const method = path ? 'post' : 'get';
        await admin[method](`/api/admin/webhooks/${randomUUID()}${path}`).send({}).expect(404);
        await admin[method](`/api/admin/webhooks/123${path}`).send({}).expect(404);
      }
      await admin.del(`/api/admin/webhooks/${randomUUID()}`).expect(404);
      await admin.get(`/api/admin/deliveries?status=exploded`).expect(400);
      await admin.get(`/api/admin/deliveries?limit=500`).expect(400);
      await admin.get(`/api/admin/deliveries?cursor=garbage`).expect(400);
      await admin.get(`/api/admin/deliveries?webhook_id=nope`).expect(400);
    });
  });

  it('pages deliveries newest first with a keyset cursor and filters', async () => {
    const r = await f.receiver();
    const w = await f.hook(r.url, ['telesales.campaign.completed']);
    for (let i = 0; i < 5; i++) await publish(t, 'telesales.campaign.completed');
    await r.waitFor(5, 15_000);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = `/api/admin/deliveries?webhook_id=${w.id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await admin.get(q).expect(200);
      seen.push(...page.body.data.map((d: { id: string }) => d.id));
      cursor = page.body.next_cursor as string | null;
    } while (cursor);
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
    const all = await admin.get(`/api/admin/deliveries?webhook_id=${w.id}&limit=200`).expect(200);
    expect(all.body.data.map((d: { id: string }) => d.id)).toEqual(seen);
    const times = all.body.data.map((d: { created_at: string }) => d.created_at);
    expect([...times].sort().reverse()).toEqual(times);
    const filtered = await admin
      .get(
        `/api/admin/deliveries?event=telesales.campaign.completed&status=succeeded&webhook_id=${w.id}`,
      )
      .expect(200);
    expect(filtered.body.data).toHaveLength(5);
    const empty = await admin
      .get(
        `/api/admin/deliveries?webhook_id=${w.id}&from=${new Date(Date.now() + 60_000).toISOString()}`,
      )
      .expect(200);
    expect(empty.body.data).toHaveLength(0);
  });

  it('never reveals a webhook secret after the response that created it', async () => {
    const r = await f.receiver();
    const w = await f.hook(r.url, ['pbx.call.hangup']);
    const rotated = await admin.post(`/api/admin/webhooks/${w.id}/rotate-secret`).expect(200);
    f.secrets.push(rotated.body.secret as string);
    await admin.post(`/api/admin/webhooks/${w.id}/test`).send({}).expect(200);
    const responses = [
      await admin.get('/api/admin/webhooks'),
      await admin.get(`/api/admin/webhooks/${w.id}`),
      await admin.patch(`/api/admin/webhooks/${w.id}`).send({ display_name: 'again' }),
      await admin.post(`/api/admin/webhooks/${w.id}/pause`),
      await admin.post(`/api/admin/webhooks/${w.id}/resume`),
      await admin.get('/api/admin/deliveries?limit=200'),
      await admin.get('/api/admin/audit-log?limit=200'),
      await admin.get('/api/admin/audit-log/export'),
    ];
    const stored: { secret_encrypted: string }[] = await t.db.query(
      `SELECT secret_encrypted FROM webhooks WHERE id = $1`,
      [w.id],
    );
    const auditDump: { d: string }[] = await t.db.query(
      `SELECT string_agg(row_to_json(a)::text, ' ') AS d FROM audit_log a`,
    );
    for (const secret of f.secrets) {
      for (const res of responses) expect(res.text).not.toContain(secret);
      expect(t.logs.join('')).not.toContain(secret);
      expect(auditDump[0].d).not.toContain(secret);
      expect(stored[0].secret_encrypted).not.toContain(secret);
    }
    expect(t.logs.length).toBeGreaterThan(0);
    expect(auditDump[0].d).not.toMatch(/secret_encrypted/);
    await admin.del(`/api/admin/webhooks/${w.id}`).expect(204);
    const trail = await admin
      .get(`/api/admin/audit-log?target_type=webhook&target_id=${w.id}&limit=200`)
      .expect(200);
    const actions = (trail.body.data as { action: string; actor_type: string }[])
      .map((e) => e.action)
      .reverse();
    expect(actions).toEqual([
      'webhook.created',
      'webhook.secret_rotated',
      'webhook.test_sent',
      'webhook.updated',
      'webhook.paused',
      'webhook.resumed',
      'webhook.deleted',
    ]);
    expect(trail.body.data.every((e: { actor_type: string }) => e.actor_type === 'user')).toBe(
      true,
    );
  });
});
