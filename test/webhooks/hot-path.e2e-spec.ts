import { EVENT_TYPES } from '../../src/events/catalogue';
import { EventBus, type PublishedEvent } from '../../src/events/event-bus';
import type { TestApp } from '../support/app';
import { waitFor } from '../support/wait';
import { WebhookFixture, publish, verifiesWith } from '../support/webhooks';

/**
 * The batched hot path of sending (claims and attempt records shared by concurrent attempts, the
 * decrypted-secret cache) keeps every guarantee of the one-by-one path.
 */
describe('webhook hot path: batched claims and records, cached secrets', () => {
  const f = new WebhookFixture({
    WEBHOOK_RETRY_SCHEDULE: '0.1,0.1,0.1',
    WEBHOOK_SUSPEND_AFTER: '1000',
  });
  let t: TestApp;
  beforeAll(() => {
    ({ t } = f);
  });

  interface Row {
    id: string;
    webhook_id: string;
    status: string;
    attempt_count: number;
    attempts: number;
    numbers: number[];
  }

  function rowsOf(webhookIds: string[]): Promise<Row[]> {
    return t.db.query(
      `SELECT d.id, d.webhook_id, d.status, d.attempt_count,
              count(a.id)::int AS attempts,
              coalesce(array_agg(a.number ORDER BY a.number) FILTER (WHERE a.id IS NOT NULL), '{}')
                AS numbers
         FROM deliveries d LEFT JOIN delivery_attempts a ON a.delivery_id = d.id
        WHERE d.webhook_id = ANY($1::uuid[])
        GROUP BY d.id, d.created_at`,
      [webhookIds],
    );
  }

  it('a burst to healthy and failing webhooks: one delivery per event and webhook, every attempt recorded, dead letters audited and counted', async () => {
    const events = 40;
    const [ok1, ok2, bad] = await Promise.all([
      f.receiver(),
      f.receiver(),
      f.receiver({ respond: { status: 500 } }),
    ]);
    const name = 'autocall.lead.dialed';
    const w1 = await f.hook(ok1.url, [name]);
    const w2 = await f.hook(ok2.url, [name]);
    const wf = await f.hook(bad.url, [name]);
    const ids = [w1.id, w2.id, wf.id];
    const sample = EVENT_TYPES[name].sample;
    const burst: PublishedEvent[] = Array.from({ length: events }, (_, i) => ({
      name,
      data: { ...sample, lead_id: 1000 + i },
    }));
    await t.db.transaction((tx) => t.app.get(EventBus).publishMany(tx, burst));

    const rows = await waitFor(
      async () => {
        const all = await rowsOf(ids);
        const final = all.filter((r) => r.status === 'succeeded' || r.status === 'dead_letter');
        return all.length === events * 3 && final.length === all.length ? all : null;
      },
      { timeoutMs: 30_000, what: 'every delivery of the burst to be final' },
    );
    const healthy = rows.filter((r) => r.webhook_id !== wf.id);
    const failing = rows.filter((r) => r.webhook_id === wf.id);
    expect(healthy).toHaveLength(events * 2);
    for (const r of healthy) {
      expect(r).toMatchObject({ status: 'succeeded', attempt_count: 1, attempts: 1, numbers: [1] });
    }
    expect(failing).toHaveLength(events);
    for (const r of failing) {
      expect(r).toMatchObject({ status: 'dead_letter', attempt_count: 4, attempts: 4 });
      expect(r.numbers).toEqual([1, 2, 3, 4]);
    }

    // The receivers saw each delivery once (the failing one four times), correctly signed.
    for (const [rec, w] of [
      [ok1, w1],
      [ok2, w2],
    ] as const) {
      expect(rec.received).toHaveLength(events);
      expect(new Set(rec.received.map((q) => q.headers['x-zorio-delivery'])).size).toBe(events);
      for (const q of rec.received) expect(verifiesWith(q, w.secret)).toBe(true);
    }
    expect(bad.received).toHaveLength(events * 4);

    const audited: { n: number }[] = await t.db.query(
      `SELECT count(*)::int AS n FROM audit_log
        WHERE action = 'delivery.dead_lettered' AND target_id = ANY($1::text[])`,
      [failing.map((r) => r.id)],
    );
    expect(audited[0].n).toBe(events);
    const state = await f.admin.get(`/api/admin/webhooks/${wf.id}`).expect(200);
    expect(state.body.data).toMatchObject({ status: 'active', consecutive_failures: events });
    const healthyState = await f.admin.get(`/api/admin/webhooks/${w1.id}`).expect(200);
    expect(healthyState.body.data.consecutive_failures).toBe(0);
  });

  it('signs with the new secret right after a rotation, while the old one is cached', async () => {
    const r = await f.receiver();
    const name = 'autocall.lead.answered';
    const w = await f.hook(r.url, [name]);
    // Warm the cache with the first secret.
    await publish(t, name);
    const [first] = await r.waitFor(1, 10_000);
    expect(verifiesWith(first, w.secret)).toBe(true);

    const rotated = await f.admin.post(`/api/admin/webhooks/${w.id}/rotate-secret`).expect(200);
    const secret = rotated.body.secret as string;
    f.secrets.push(secret);
    await publish(t, name);
    const got = await r.waitFor(2, 10_000);
    expect(verifiesWith(got[1], secret)).toBe(true);
    expect(verifiesWith(got[1], w.secret)).toBe(false);

    // And the URL is the current one too: a change reaches the next attempt.
    const moved = await f.receiver();
    await f.admin.patch(`/api/admin/webhooks/${w.id}`).send({ url: moved.url }).expect(200);
    await publish(t, name);
    const [third] = await moved.waitFor(1, 10_000);
    expect(verifiesWith(third, secret)).toBe(true);
    expect(r.received).toHaveLength(2);
  });

  it('a relay batch fanned out to more deliveries than one INSERT takes: every one created once and sent once', async () => {
    const r = await f.receiver();
    const name = 'autocall.lead.transferred';
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push((await f.hook(r.url, [name])).id);
    const sample = EVENT_TYPES[name].sample;
    // 200 events (one relay batch) × 30 webhooks = 6,000 deliveries: two INSERT chunks.
    const burst: PublishedEvent[] = Array.from({ length: 200 }, (_, i) => ({
      name,
      data: { ...sample, lead_id: 5000 + i },
    }));
    await t.db.transaction((tx) => t.app.get(EventBus).publishMany(tx, burst));
    const expected = 200 * 30;
    await waitFor(
      async () => {
        const rows: { n: number; done: number; pairs: number }[] = await t.db.query(
          `SELECT count(*)::int AS n, count(*) FILTER (WHERE status = 'succeeded')::int AS done,
                  count(DISTINCT (event_id, webhook_id))::int AS pairs
             FROM deliveries WHERE webhook_id = ANY($1::uuid[])`,
          [ids],
        );
        return rows[0].done === expected && rows[0].n === expected && rows[0].pairs === expected;
      },
      { timeoutMs: 60_000, what: `${expected} deliveries to succeed` },
    );
    expect(r.received).toHaveLength(expected);
    expect(new Set(r.received.map((q) => q.headers['x-zorio-delivery'])).size).toBe(expected);
  });
});
