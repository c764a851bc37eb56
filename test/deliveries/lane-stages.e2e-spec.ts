import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { SYSTEM_ACTOR } from '../../src/common/actor';
import { RedisService } from '../../src/common/redis.module';
import { decideOutcome } from '../../src/modules/deliveries/lanes/attempt-outcome';
import { AttemptRecorder } from '../../src/modules/deliveries/lanes/attempt-recorder';
import type { ClaimedDelivery } from '../../src/modules/deliveries/lanes/claimed-delivery';
import { LaneClaims } from '../../src/modules/deliveries/lanes/lane-claims';
import { LaneRateLimiter } from '../../src/modules/deliveries/lanes/rate-limiter';
import type { AttemptResult } from '../../src/modules/deliveries/sending/webhook-sender';
import { WebhooksService } from '../../src/modules/webhooks/webhooks.service';
import { startApp, type TestApp } from '../support/app';

/**
 * The lane's stages on the real database, one at a time (role api: no worker drains anything).
 * A factory writes deliveries as fan-out would.
 */
describe('lane stages on PostgreSQL', () => {
  let t: TestApp;
  let claims: LaneClaims;
  let recorder: AttemptRecorder;

  beforeAll(async () => {
    t = await startApp({ ZORIO_ROLE: 'api', LOG_LEVEL: 'silent' });
    claims = t.app.get(LaneClaims);
    recorder = t.app.get(AttemptRecorder);
  });
  afterAll(() => t.close());

  async function webhook(ordering: 'none' | 'per_key' = 'none'): Promise<string> {
    const { webhook } = await t.app.get(WebhooksService).create(SYSTEM_ACTOR, {
      display_name: 'stages',
      url: 'https://receiver.example/hook',
      events: ['pbx.call.ringing'],
      ordering,
    });
    return webhook.id;
  }

  /** A delivery as fan-out writes it, due `dueInMs` from now (negative: overdue). */
  async function delivery(
    webhookId: string,
    over: { key?: string; sequence?: number; dueInMs?: number; status?: string } = {},
  ): Promise<string> {
    const id = randomUUID();
    await t.db.query(
      `INSERT INTO deliveries (id, webhook_id, webhook_name, url, event, body, ordering_key,
                               sequence, status, next_attempt_at, created_at, updated_at)
       VALUES ($1, $2, 'stages', 'https://receiver.example/hook', 'pbx.call.ringing', '{}', $3,
               $4, $5, now() + make_interval(secs => $6::float8 / 1000), clock_timestamp(), now())`,
      [
        id,
        webhookId,
        over.key ?? `call:${randomUUID()}`,
        over.sequence ?? 1,
        over.status ?? 'pending',
        over.dueInMs ?? -1,
      ],
    );
    return id;
  }

  const ok: AttemptResult = {
    ok: true,
    status: 200,
    responseHeaders: { 'content-type': 'text/plain' },
    responseBody: Buffer.from('fine'),
    responseBodyTruncated: false,
    durationMs: 4,
    retryAfterMs: null,
    error: null,
  };

  describe('claim', () => {
    it('takes due deliveries oldest first, up to the limit, counts the attempt, and never twice', async () => {
      const w = await webhook();
      const a = await delivery(w, { dueInMs: -3000 });
      const b = await delivery(w, { dueInMs: -2000 });
      const c = await delivery(w, { dueInMs: -1000 });
      await delivery(w, { dueInMs: 60_000 });
      const first = await claims.claim(w, 2, false);
      expect(first.map((d) => d.id)).toEqual([a, b]);
      expect(first[0]).toMatchObject({ attemptCount: 1, webhookId: w, isTest: false });
      const second = await claims.claim(w, 10, false);
      expect(second.map((d) => d.id)).toEqual([c]);
      expect(await claims.claim(w, 10, false)).toEqual([]);
    });

    it('with ordering per key, takes only the head of each key; a replay neither waits nor holds', async () => {
      const w = await webhook('per_key');
      const k1 = await delivery(w, { key: 'call:1', sequence: 1 });
      await delivery(w, { key: 'call:1', sequence: 2 });
      const k2 = await delivery(w, { key: 'call:2', sequence: 7 });
      const got = await claims.claim(w, 10, true);
      expect(got.map((d) => d.id).sort()).toEqual([k1, k2].sort());
      // While the heads are out, nothing else of their keys goes.
      expect(await claims.claim(w, 10, true)).toEqual([]);
      // An old delivery replayed does not re-open the order of its key.
      const old = await delivery(w, { key: 'call:3', sequence: 1, status: 'succeeded' });
      const next = await delivery(w, { key: 'call:3', sequence: 2 });
      await t.db.query(
        `UPDATE deliveries SET status = 'pending', replay_requested = true, next_attempt_at = now()
          WHERE id = $1`,
        [old],
      );
      expect((await claims.claim(w, 10, true)).map((d) => d.id).sort()).toEqual([old, next].sort());
    });

    it('says when the lane runs next: now, at its next retry, or never', async () => {
      const w = await webhook();
      expect(await claims.nextWake(w, false)).toBeNull();
      await delivery(w, { dueInMs: 30_000 });
      const later = await claims.nextWake(w, false);
      expect(later?.getTime()).toBeGreaterThan(Date.now() + 20_000);
      await delivery(w, { dueInMs: -10 });
      expect((await claims.nextWake(w, false))?.getTime()).toBeLessThanOrEqual(Date.now());
    });

    it('gives claimed deliveries back uncounted', async () => {
      const w = await webhook();
      const id = await delivery(w);
      await claims.claim(w, 1, false);
      await claims.release([id], new Date(Date.now() - 1));
      const [again] = await claims.claim(w, 1, false);
      expect(again).toMatchObject({ id, attemptCount: 1 });
    });
  });

  describe('record', () => {
    it('stores the attempt and moves the delivery on; a cancelled one is recorded but not moved', async () => {
      const w = await webhook();
      const id = await delivery(w);
      const [d] = await claims.claim(w, 1, false);
      const outcome = decideOutcome(d, ok, [30, 300, 1800]);
      const rec = {
        url: 'https://receiver.example/hook',
        startedAt: new Date(),
        requestHeaders: {},
      };
      expect(await recorder.record({ ...rec, delivery: d, result: ok, outcome })).toEqual({
        moved: true,
      });
      const [row]: { status: string; claimed_until: Date | null }[] = await t.db.query(
        `SELECT status, claimed_until FROM deliveries WHERE id = $1`,
        [id],
      );
      expect(row).toEqual({ status: 'succeeded', claimed_until: null });

      const other = await delivery(w);
      const [c] = await claims.claim(w, 1, false);
      await t.db.query(`UPDATE deliveries SET status = 'cancelled' WHERE id = $1`, [other]);
      expect(await recorder.record({ ...rec, delivery: c, result: ok, outcome })).toEqual({
        moved: false,
      });
      const attempts: { n: number }[] = await t.db.query(
        `SELECT count(*)::int AS n FROM delivery_attempts WHERE delivery_id = ANY($1::uuid[])`,
        [[id, other]],
      );
      expect(attempts[0].n).toBe(2);
    });

    it('an attempt the database refuses still moves its delivery on, so it is never re-sent', async () => {
      const w = await webhook();
      const id = await delivery(w);
      const [d]: ClaimedDelivery[] = await claims.claim(w, 1, false);
      // An error code longer than its column: the attempt row cannot be written as it is.
      const refused: AttemptResult = {
        ...ok,
        ok: false,
        status: 500,
        error: { code: 'x'.repeat(40) as never, message: 'boom' },
      };
      const outcome = decideOutcome(d, refused, [30, 300, 1800]);
      const recorded = await recorder.record({
        delivery: d,
        url: 'https://receiver.example/hook',
        startedAt: new Date(),
        requestHeaders: {},
        result: refused,
        outcome,
      });
      expect(recorded).toEqual({ moved: true });
      const [row]: { status: string; claimed_until: Date | null; next_attempt_at: Date }[] =
        await t.db.query(
          `SELECT status, claimed_until, next_attempt_at FROM deliveries WHERE id = $1`,
          [id],
        );
      expect(row.status).toBe('retrying');
      expect(row.claimed_until).toBeNull();
      expect(row.next_attempt_at.getTime()).toBeGreaterThan(Date.now() + 20_000);
    });
  });

  describe('rate limit', () => {
    it('one bucket per lane, shared by separate Redis connections (as by separate processes)', async () => {
      const limiter = t.app.get(LaneRateLimiter);
      const other = new Redis(t.config.REDIS_URL);
      const second = new LaneRateLimiter({
        client: other,
        prefix: t.config.REDIS_PREFIX,
        key: (...parts: (string | number)[]) => [t.config.REDIS_PREFIX, ...parts].join(':'),
      } as unknown as RedisService);
      try {
        const lane = randomUUID();
        const rate = 20;
        let granted = 0;
        const started = Date.now();
        while (Date.now() - started < 1000) {
          const [a, b] = await Promise.all([
            limiter.take(lane, rate, 5),
            second.take(lane, rate, 5),
          ]);
          granted += a.granted + b.granted;
          if (a.granted + b.granted === 0) expect(Math.min(a.waitMs, b.waitMs)).toBeGreaterThan(0);
        }
        const elapsed = Date.now() - started;
        expect(granted).toBeLessThanOrEqual(
          LaneRateLimiter.burst(rate) + Math.ceil((rate * elapsed) / 1000),
        );
        expect(granted).toBeGreaterThan(rate / 2);
      } finally {
        other.disconnect();
      }
    });
  });
});
