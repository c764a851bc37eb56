import { login, startApp, type Session, type TestApp } from '../support/app';
import { startWorkerChild, type WorkerChild } from '../support/child-worker';
import { startReceiver, type Receiver } from '../support/https-receiver';
import { getTestPki } from '../../tools/pki/test-ca';
import { waitFor } from '../support/wait';
import { createWebhook, publish } from '../support/webhooks';

/**
 * `rate_limit_per_second` is one token bucket in Redis per lane, shared by every worker process:
 * two workers drain the lane in turns and together never go over the rate.
 */
describe('rate_limit_per_second holds across two worker processes', () => {
  let t: TestApp;
  let admin: Session;
  let r: Receiver;
  const workers: WorkerChild[] = [];
  const webhookIds: string[] = [];
  const env = { WEBHOOK_CA_FILE: getTestPki().caFile, LOG_LEVEL: 'silent' };

  beforeAll(async () => {
    t = await startApp({ ...env, ZORIO_ROLE: 'api' });
    admin = await login(t);
    r = await startReceiver();
  });

  afterAll(async () => {
    for (const id of webhookIds) await admin.del(`/api/admin/webhooks/${id}`);
    for (const w of workers) await w.kill('SIGTERM');
    await t.close();
    await r.close();
  });

  it('two workers send 5 a second at most, together, across a graceful hand-over of the lane', async () => {
    const rate = 5;
    const w = await createWebhook(admin, r.url, ['autocall.lead.transferred'], 'limited', {
      rate_limit_per_second: rate,
      max_in_flight: 8,
    });
    webhookIds.push(w.id);
    for (let i = 0; i < 2; i++) {
      const c = startWorkerChild(env);
      workers.push(c);
      await c.ready;
    }
    const succeeded = async (c: WorkerChild): Promise<number> => {
      const text = await (await fetch(`http://127.0.0.1:${await c.ready}/metrics`)).text();
      const m =
        /zorio_delivery_attempts_total\{event="autocall.lead.transferred",outcome="succeeded"\} (\d+)/.exec(
          text,
        );
      return Number(m?.[1] ?? 0);
    };
    const count = 40;
    for (let i = 0; i < count; i++) await publish(t, 'autocall.lead.transferred');
    // Half-way, the worker draining the lane stops; the other one takes the lane over, with
    // the same bucket (a limiter in process memory would start the next second full).
    await r.waitFor(15, 30_000);
    const before = await Promise.all(workers.map(succeeded));
    const drainer = before[0] > 0 ? 0 : 1;
    await workers[drainer].kill('SIGTERM');
    const arrived = await r.waitFor(count, 30_000);
    // A worker stopped gracefully finishes what it claimed: every delivery arrived once.
    expect(new Set(arrived.map((q) => q.headers['x-zorio-delivery'])).size).toBe(count);
    expect(await succeeded(workers[1 - drainer])).toBeGreaterThan(0);
    const times = arrived.map((q) => q.arrivedAt).sort((a, b) => a - b);
    // In any one second: the rate, plus the bucket's burst (a tenth of a second's worth).
    const burst = Math.ceil(rate / 10);
    for (let i = 0; i < times.length; i++) {
      const within = times.filter((at) => at >= times[i] && at < times[i] + 1000).length;
      expect(within).toBeLessThanOrEqual(rate + burst);
    }
    await waitFor(async () => {
      const res = await admin.get(`/api/admin/webhooks/${w.id}`).expect(200);
      return res.body.data.lane.due === 0 ? true : null;
    });
  });
});
