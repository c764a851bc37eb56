import { useWorkerChildren, type WorkerChild } from '../support/child-worker';
import { getTestPki } from '../../tools/pki/test-ca';
import { waitFor } from '../support/wait';
import { WebhookFixture, publish } from '../support/webhooks';

/**
 * `rate_limit_per_second` is one token bucket in Redis per lane, shared by every worker process:
 * two workers drain the lane in turns and together never go over the rate.
 */
describe('rate_limit_per_second holds across two worker processes', () => {
  const env = { WEBHOOK_CA_FILE: getTestPki().caFile, LOG_LEVEL: 'silent' };
  const { children: workers, start: startWorker } = useWorkerChildren(env, 'SIGTERM');
  const f = new WebhookFixture({ ...env, ZORIO_ROLE: 'api' });

  it('two workers send 5 a second at most, together, across a graceful hand-over of the lane', async () => {
    const rate = 5;
    const r = await f.receiver();
    const w = await f.hook(r.url, ['autocall.lead.transferred'], 'limited', {
      rate_limit_per_second: rate,
      max_in_flight: 8,
    });
    for (let i = 0; i < 2; i++) await startWorker();
    const succeeded = async (c: WorkerChild): Promise<number> => {
      const text = await (await fetch(`http://127.0.0.1:${await c.ready}/metrics`)).text();
      const m =
        /zorio_delivery_attempts_total\{event="autocall.lead.transferred",outcome="succeeded"\} (\d+)/.exec(
          text,
        );
      return Number(m?.[1] ?? 0);
    };
    const count = 40;
    for (let i = 0; i < count; i++) await publish(f.t, 'autocall.lead.transferred');
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
      const res = await f.admin.get(`/api/admin/webhooks/${w.id}`).expect(200);
      return res.body.data.lane.due === 0 ? true : null;
    });
  });
});
