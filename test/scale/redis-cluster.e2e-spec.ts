import Redis, { type Cluster } from 'ioredis';
import { RedisService } from '../../src/common/redis.module';
import { LaneRateLimiter } from '../../src/modules/deliveries/lanes/rate-limiter';
import { createUser, login, type TestApp } from '../support/app';
import { startRedisCluster, type RedisClusterProcesses } from '../support/redis-cluster';
import { scanPrefix } from '../support/redis-keys';
import { waitFor } from '../support/wait';
import {
  WebhookFixture,
  deliveriesOfEvent,
  publish,
  verifiesWith,
  waitForDeliveryStatus,
} from '../support/webhooks';

/**
 * The whole platform on a real 3-master Redis Cluster (REDIS_CLUSTER_NODES): BullMQ lanes (their
 * keys hash-tagged into one slot), console sessions, the login throttle and the lanes' rate
 * limiter, with nothing of the prefix on the single server of REDIS_URL.
 */
describe('on a Redis Cluster (REDIS_CLUSTER_NODES)', () => {
  let cluster: RedisClusterProcesses;
  // A prefix of its own, so the test can tell that nothing of it lands on REDIS_URL's server.
  const env: Record<string, string> = {
    WEBHOOK_RETRY_SCHEDULE: '0.3,0.3,0.3',
    REDIS_PREFIX: `${process.env.REDIS_PREFIX ?? 'zorio-test'}:cluster`,
  };
  beforeAll(async () => {
    cluster = await startRedisCluster(3);
    env.REDIS_CLUSTER_NODES = cluster.nodes;
  });
  // Declared after the cluster's hooks: the app starts after the cluster and closes before it.
  const f = new WebhookFixture(env);
  afterAll(async () => {
    await cluster?.stop();
  });

  let t: TestApp;
  let redis: Cluster;
  beforeAll(() => {
    t = f.t;
    redis = t.app.get(RedisService).client as Cluster;
  });

  const slotOf = async (key: string): Promise<number> =>
    Number(await redis.cluster('KEYSLOT', key));

  it('runs on a Cluster client that sees all three masters', () => {
    expect(redis.isCluster).toBe(true);
    expect(redis.nodes('master')).toHaveLength(3);
  });

  it('delivers a published event, signed, and retries a failed attempt under the same id', async () => {
    const r = await f.receiver();
    let calls = 0;
    r.respondWith(() => (++calls === 1 ? { status: 500, body: 'down' } : { status: 200 }));
    const w = await f.hook(r.url, ['pbx.call.hangup']);
    const eventId = await publish(t, 'pbx.call.hangup');
    const [first, second] = await r.waitFor(2, 20_000);
    const [delivery] = await deliveriesOfEvent(t, eventId, [w.id]);
    const done = await waitForDeliveryStatus(t, delivery.id, 'succeeded');
    expect(done.attempt_count).toBe(2);
    expect(first.headers['x-zorio-delivery']).toBe(delivery.id);
    expect(second.headers['x-zorio-delivery']).toBe(delivery.id);
    expect(second.body.equals(first.body)).toBe(true);
    expect(verifiesWith(first, w.secret) && verifiesWith(second, w.secret)).toBe(true);
  });

  it('holds a rate-limited webhook to its rate with the bucket on the cluster', async () => {
    const rate = 5;
    const r = await f.receiver();
    await f.hook(r.url, ['autocall.lead.transferred'], 'limited', {
      rate_limit_per_second: rate,
    });
    const count = 12;
    for (let i = 0; i < count; i++) await publish(t, 'autocall.lead.transferred');
    const arrived = await r.waitFor(count, 30_000);
    expect(new Set(arrived.map((q) => q.headers['x-zorio-delivery'])).size).toBe(count);
    const times = arrived.map((q) => q.arrivedAt).sort((a, b) => a - b);
    const burst = LaneRateLimiter.burst(rate);
    for (const start of times) {
      const within = times.filter((at) => at >= start && at < start + 1000).length;
      expect(within).toBeLessThanOrEqual(rate + burst);
    }
  });

  it('keeps console sessions on the cluster: login, an authenticated request, logout', async () => {
    const user = await createUser(t);
    const s = await login(t, 'admin', user);
    await s.get('/api/admin/auth/me').expect(200);
    const sessions = await scanPrefix(redis, `${t.config.REDIS_PREFIX}:sess`);
    expect(sessions.length).toBeGreaterThan(0);
    const before = sessions.length;
    await s.post('/api/admin/auth/logout').expect(204);
    await s.get('/api/admin/auth/me').expect(401);
    expect(await scanPrefix(redis, `${t.config.REDIS_PREFIX}:sess`)).toHaveLength(before - 1);
  });

  it('throttles the sixth failed login of an account (429 + Retry-After), counters on the cluster', async () => {
    const user = await createUser(t);
    const attempt = (i: number) =>
      t
        .http()
        .post('/api/admin/auth/login')
        .set('X-Forwarded-For', `198.19.200.${i + 1}`)
        .send({ email: user.email, password: 'wrong password' });
    for (let i = 0; i < 5; i++) await attempt(i).expect(401);
    const res = await attempt(5).expect(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // One address is throttled too, whichever accounts it tries.
    const ip = '198.19.201.1';
    const tries = ['a', 'b', 'c', 'd', 'e', 'f'].map((n) =>
      t
        .http()
        .post('/api/admin/auth/login')
        .set('X-Forwarded-For', ip)
        .send({
          email: `nobody-${n}@example.test`,
          password: 'wrong password',
        }),
    );
    const statuses: number[] = [];
    for (const q of tries) statuses.push((await q).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it('puts every BullMQ key in the one hash slot of {prefix:bull}, and spreads the other keys', async () => {
    const prefix = t.config.REDIS_PREFIX;
    const tag = `{${prefix}:bull}`;
    const keys = await waitFor(async () => {
      const all = await scanPrefix(redis, prefix);
      return all.some((k) => k.startsWith(`${tag}:lanes:`)) ? all : null;
    });
    const bull = keys.filter((k) => k.startsWith(`${tag}:`));
    const plain = keys.filter((k) => k.startsWith(`${prefix}:`));
    // Nothing of the prefix is neither (e.g. an untagged BullMQ key).
    expect(bull.length + plain.length).toBe(keys.length);
    expect(plain.some((k) => k.startsWith(`${prefix}:bull`))).toBe(false);
    expect(bull.some((k) => k.startsWith(`${tag}:delivery-maintenance:`))).toBe(true);
    const tagSlot = await slotOf(tag);
    expect(new Set(await Promise.all(bull.map(slotOf)))).toEqual(new Set([tagSlot]));
    // Sessions, throttle counters and rate buckets name one key per command, so they need no
    // tag and land on different masters.
    const masters = new Set<string>();
    for (const node of redis.nodes('master')) {
      const found = await scanPrefix(node, prefix);
      if (found.some((k) => k.startsWith(`${prefix}:`))) masters.add(`${node.options.port}`);
    }
    expect(plain.length).toBeGreaterThanOrEqual(10);
    expect(masters.size).toBeGreaterThanOrEqual(2);
    // And nothing of the prefix went to the single server REDIS_URL names.
    const single = new Redis(t.config.REDIS_URL);
    try {
      expect(await scanPrefix(single, prefix)).toEqual([]);
    } finally {
      single.disconnect();
    }
  });
});
