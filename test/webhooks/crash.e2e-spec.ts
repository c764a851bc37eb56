import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { Client } from 'pg';
import { QueueName } from '../../src/platform/queues';
import type { TestApp } from '../support/app';
import { useWorkerChildren } from '../support/child-worker';
import type { Receiver } from '../support/https-receiver';
import { getTestPki } from '../../tools/pki/test-ca';
import { waitFor } from '../support/wait';
import { WebhookFixture, deliveriesOfEvent, publish } from '../support/webhooks';

/**
 * The API runs in this process (role api: it publishes, nothing relays or sends); workers run as
 * real child processes that the tests kill with SIGKILL at chosen points.
 */
describe('crash safety: every delivery arrives exactly once per delivery id', () => {
  const env = { WEBHOOK_CA_FILE: getTestPki().caFile, LOG_LEVEL: 'silent' };
  const worker = useWorkerChildren(env).start;
  let t: TestApp;
  let r: Receiver;
  let queue: Queue;
  let webhookIds: string[];
  // Declared before the fixture's hooks, so it runs while the app is still up.
  afterAll(async () => {
    await queue?.resume();
  });
  const f = new WebhookFixture({ ...env, ZORIO_ROLE: 'api' });

  beforeAll(async () => {
    t = f.t;
    r = await f.receiver();
    for (let i = 0; i < 2; i++) await f.hook(r.url, ['telesales.lead.created']);
    webhookIds = f.webhookIds;
    queue = t.app.get<Queue>(getQueueToken(QueueName.Lanes));
  });

  /** Waits until every delivery of the events (to every webhook) has succeeded; returns them. */
  function allSucceeded(eventIds: string[], timeoutMs: number, after = '') {
    const expected = eventIds.length * webhookIds.length;
    return waitFor(
      async () => {
        const all = (
          await Promise.all(eventIds.map((e) => deliveriesOfEvent(t, e, webhookIds)))
        ).flat();
        return all.length === expected && all.every((d) => d.status === 'succeeded') ? all : null;
      },
      { timeoutMs, what: `${expected} deliveries to succeed${after}` },
    );
  }

  async function expectExactlyOnce(eventIds: string[]): Promise<void> {
    const expected = eventIds.length * webhookIds.length;
    const rows = await allSucceeded(eventIds, 45_000);
    // Then both lanes go idle: their drain jobs complete and leave the queue.
    await waitFor(
      async () => {
        const states = await Promise.all(webhookIds.map((id) => queue.getJobState(`lane-${id}`)));
        if (states.some((s) => s !== 'unknown')) throw new Error(states.join(', '));
        return true;
      },
      { timeoutMs: 30_000, what: 'the lanes to go idle' },
    );
    const ids = rows.map((d) => d.id);
    const arrivals = r.received.filter((q) => ids.includes(String(q.headers['x-zorio-delivery'])));
    expect(arrivals).toHaveLength(expected);
    expect(new Set(arrivals.map((q) => q.headers['x-zorio-delivery'])).size).toBe(expected);
    const pairs = new Set(rows.map((d) => `${d.webhook_id}`));
    expect(pairs.size).toBe(webhookIds.length);
  }

  it('a worker killed in the middle of fan-out (event committed, fan-out not) loses and doubles nothing', async () => {
    const events: string[] = [];
    for (let i = 0; i < 5; i++) events.push(await publish(t, 'telesales.lead.created'));
    // Block the relay inside its transaction: it has claimed the events and waits on webhooks.
    // The lock is released whatever happens (and cannot outlive a minute), so a failure here
    // never blocks the files that run after this one.
    const blocker = new Client({ connectionString: t.config.DATABASE_URL });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query(`SET LOCAL idle_in_transaction_session_timeout = '60s'`);
      await blocker.query('LOCK TABLE webhooks IN ACCESS EXCLUSIVE MODE');
      const first = await worker();
      await waitFor(
        async () => {
          // Inside a transaction pg_stat_activity is a snapshot: take a fresh one every time.
          await blocker.query('SELECT pg_stat_clear_snapshot()');
          const waiting: unknown[] = (
            await blocker.query(
              `SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%FROM webhooks%'`,
            )
          ).rows;
          return waiting.length > 0;
        },
        { what: 'the relay to wait inside its fan-out transaction' },
      );
      await first.kill('SIGKILL');
    } finally {
      await blocker.query('ROLLBACK').catch(() => undefined);
      await blocker.end();
    }
    for (const e of events) expect(await deliveriesOfEvent(t, e, webhookIds)).toHaveLength(0);

    const second = await worker();
    await expectExactlyOnce(events);
    // The worker answers health and metrics on its own port.
    const port = await second.ready;
    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ok',
      checks: { database: { status: 'up' }, redis: { status: 'up' }, queue: { status: 'up' } },
    });
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toMatch(
      /zorio_delivery_attempts_total\{event="telesales.lead.created",outcome="succeeded"\} 10/,
    );
    await second.kill('SIGTERM');
  });

  it('a worker killed after fan-out committed but before sending (a lane signal lost) loses and doubles nothing', async () => {
    await queue.pause();
    const first = await worker();
    const events: string[] = [];
    for (let i = 0; i < 4; i++) events.push(await publish(t, 'telesales.lead.created'));
    await waitFor(
      async () => {
        const all = (
          await Promise.all(events.map((e) => deliveriesOfEvent(t, e, webhookIds)))
        ).flat();
        const counts = await queue.getJobCounts('paused', 'waiting');
        return all.length === 8 && counts.paused + counts.waiting >= 2 ? all : null;
      },
      { what: 'fan-out to commit and signal both lanes' },
    );
    await first.kill('SIGKILL');
    // As if the crash had come between the commit and the signal of one lane.
    await (await queue.getJob(`lane-${webhookIds[0]}`))?.remove();
    await queue?.resume();
    const second = await worker();
    await expectExactlyOnce(events);
    await second.kill('SIGTERM');
  });

  it('a worker killed in the middle of a lane’s batch loses nothing, and what it had in flight is resent under the same delivery ids', async () => {
    let held = 0;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    r.respondWith(() => {
      held++;
      return gate.then(() => ({ status: 200 }));
    });
    const first = await worker();
    const events: string[] = [];
    for (let i = 0; i < 20; i++) events.push(await publish(t, 'telesales.lead.created'));
    // Both lanes have their whole window (max_in_flight) open at the receiver, unanswered.
    await waitFor(() => Promise.resolve(held >= 16 ? true : null), {
      what: 'both lanes to have their requests in flight',
    });
    const inFlight = new Set(r.received.map((q) => String(q.headers['x-zorio-delivery'])));
    await first.kill('SIGKILL');
    release();
    r.respondWith({ status: 200 });
    const second = await worker();
    const expected = events.length * webhookIds.length;
    const rows = await allSucceeded(events, 60_000, ' after the kill');
    const ids = new Set(rows.map((d) => d.id));
    expect(ids.size).toBe(expected);
    const arrivals = r.received.filter((q) => ids.has(String(q.headers['x-zorio-delivery'])));
    const perId = new Map<string, number>();
    for (const q of arrivals) {
      const id = String(q.headers['x-zorio-delivery']);
      perId.set(id, (perId.get(id) ?? 0) + 1);
    }
    // Every delivery arrived; only those the killed worker had in flight arrived twice.
    expect(perId.size).toBe(expected);
    for (const [id, n] of perId) {
      expect(n).toBeLessThanOrEqual(inFlight.has(id) ? 2 : 1);
    }
    await second.kill('SIGTERM');
  });

  it('two workers at once share relay and sending, and send each delivery exactly once', async () => {
    const [a, b] = await Promise.all([worker(), worker()]);
    const events: string[] = [];
    for (let i = 0; i < 60; i++) events.push(await publish(t, 'telesales.lead.created'));
    await expectExactlyOnce(events);
    const attempts: { n: number }[] = await t.db.query(
      `SELECT count(*)::int AS n FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
        WHERE d.event_id = ANY($1::bigint[])`,
      [events],
    );
    expect(attempts[0].n).toBe(events.length * webhookIds.length);
    await Promise.all([a.kill('SIGTERM'), b.kill('SIGTERM')]);
  });
});
