import { EVENT_TYPES } from '../../src/events/catalogue';
import { EventBus } from '../../src/events/event-bus';
import { SYSTEM_ACTOR } from '../../src/common/actor';
import { RedisService } from '../../src/common/redis.module';
import { WebhooksService } from '../../src/modules/webhooks/webhooks.service';
import { login, type TestApp } from '../support/app';
import { replyAfter, type Receiver } from '../support/https-receiver';
import { deletePrefix } from '../support/redis-keys';
import { waitFor } from '../support/wait';
import { WebhookFixture } from '../support/webhooks';

/**
 * Redis restarted without persistence: every key of the platform's prefix is gone (lane jobs,
 * schedules, sessions, rate limits). PostgreSQL holds the work, so every delivery still arrives.
 */
describe('losing every Redis key loses no delivery', () => {
  const f = new WebhookFixture({});
  let t: TestApp;
  beforeAll(() => {
    ({ t } = f);
  });

  /** Deletes every key of this run's prefix, as a Redis restarted empty would have none. */
  async function loseRedis(): Promise<number> {
    const deleted = await deletePrefix(t.app.get(RedisService).client, t.config.REDIS_PREFIX);
    // Console sessions were in Redis too: sign in again.
    f.admin = await login(t);
    return deleted;
  }

  async function publishLeads(count: number): Promise<void> {
    const bus = t.app.get(EventBus);
    for (let done = 0; done < count; done += 100) {
      const batch = Array.from({ length: Math.min(100, count - done) }, (_, i) => ({
        name: 'telesales.lead.created' as const,
        data: { ...EVENT_TYPES['telesales.lead.created'].sample, id: 1_000_000 + done + i },
      }));
      await t.db.transaction((tx) => bus.publishMany(tx, batch));
    }
  }

  /** Every delivery of the webhook succeeded, each sent under one id (retries reuse it). */
  async function expectAllDelivered(webhookId: string, r: Receiver, count: number): Promise<void> {
    const rows = await waitFor(
      async () => {
        const d: { id: string; status: string }[] = await t.db.query(
          `SELECT id, status FROM deliveries WHERE webhook_id = $1`,
          [webhookId],
        );
        return d.length === count && d.every((x) => x.status === 'succeeded') ? d : null;
      },
      { timeoutMs: 60_000, what: `${count} deliveries to succeed after Redis lost its keys` },
    );
    const ids = new Set(rows.map((d) => d.id));
    const arrived = new Set(
      r.received.map((q) => String(q.headers['x-zorio-delivery'])).filter((id) => ids.has(id)),
    );
    expect(arrived.size).toBe(count);
  }

  it('keys lost before enqueueing', async () => {
    const r = await f.receiver();
    const w = await f.hook(r.url, ['telesales.lead.created'], 'before');
    expect(await loseRedis()).toBeGreaterThan(0);
    await publishLeads(200);
    await expectAllDelivered(w.id, r, 200);
    await t.app.get(WebhooksService).remove(SYSTEM_ACTOR, w.id);
  });

  it('keys lost while a backlog drains, twice', async () => {
    const r = await f.receiver({ respond: replyAfter(5) });
    const w = await f.hook(r.url, ['telesales.lead.created'], 'during', { max_in_flight: 4 });
    await publishLeads(1500);
    await waitFor(() => (r.received.length >= 300 ? true : null), {
      timeoutMs: 30_000,
      what: '300 deliveries to arrive',
    });
    await loseRedis();
    await waitFor(() => (r.received.length >= 900 ? true : null), {
      timeoutMs: 30_000,
      what: '900 deliveries to arrive',
    });
    await loseRedis();
    await expectAllDelivered(w.id, r, 1500);
    await t.app.get(WebhooksService).remove(SYSTEM_ACTOR, w.id);
  });

  it('keys lost after the lane was signalled, before it was drained', async () => {
    const r = await f.receiver();
    const w = await f.hook(r.url, ['telesales.lead.created'], 'after');
    const webhooks = t.app.get(WebhooksService);
    await webhooks.pause(SYSTEM_ACTOR, w.id);
    await publishLeads(300);
    await waitFor(async () => {
      const rows: { n: number }[] = await t.db.query(
        `SELECT count(*)::int AS n FROM deliveries WHERE webhook_id = $1`,
        [w.id],
      );
      return rows[0].n === 300 ? true : null;
    });
    // The resume signals the lane; the keys go before (or while) a worker takes it.
    await webhooks.resume(SYSTEM_ACTOR, w.id);
    await loseRedis();
    await expectAllDelivered(w.id, r, 300);
  });
});
