import type { ReceiverReply } from '../support/https-receiver';
import { WebhookFixture, publish, verifiesWith } from '../support/webhooks';

/**
 * A lane that is still draining (a delivery in flight) reads its webhook again before it claims
 * the next delivery: a URL or secret changed meanwhile reaches every delivery claimed after the
 * change, never only the next run's. (The lane's run normally still holds the first attempt when
 * the second is claimed; on a machine so slow that its 1 s slice ends first, the next run sends it,
 * to the new URL too. src/modules/deliveries/lanes/lane-run.spec.ts proves the re-read itself.)
 */
describe('lane target: a change reaches the next claim of a draining lane', () => {
  const f = new WebhookFixture({ WEBHOOK_SUSPEND_AFTER: '1000' });
  const name = 'autocall.lead.transferred';

  it('sends a delivery published after a URL and secret change to the new URL, signed anew, while the first is still in flight', async () => {
    let release: (reply: ReceiverReply) => void = () => undefined;
    const held = new Promise<ReceiverReply>((resolve) => (release = resolve));
    const old = await f.receiver({ respond: () => held });
    const w = await f.hook(old.url, [name], 'draining lane', { max_in_flight: 4 });
    await publish(f.t, name);
    // The lane's run now holds the first delivery in flight: it is still draining.
    await old.waitFor(1, 10_000);
    const moved = await f.receiver();
    await f.admin.patch(`/api/admin/webhooks/${w.id}`).send({ url: moved.url }).expect(200);
    const rotated = await f.admin.post(`/api/admin/webhooks/${w.id}/rotate-secret`).expect(200);
    const secret = rotated.body.secret as string;
    f.secrets.push(secret);
    await publish(f.t, name);
    try {
      const [second] = await moved.waitFor(1, 10_000);
      expect(verifiesWith(second, secret)).toBe(true);
      expect(verifiesWith(second, w.secret)).toBe(false);
      expect(old.received).toHaveLength(1);
    } finally {
      release({ status: 200 });
    }
  });
});
