import type { Receiver } from '../support/https-receiver';
import { WebhookFixture, publish } from '../support/webhooks';

describe('SSRF guard at send time (private networks not allowed)', () => {
  const f = new WebhookFixture({
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'false',
    WEBHOOK_RETRY_SCHEDULE: '0.05,0.05,0.05',
  });
  let r: Receiver;

  beforeAll(async () => {
    r = await f.receiver();
  });

  it.each([
    ['127.0.0.1', () => r.url],
    ['localhost', () => r.localhostUrl],
    ['10.0.0.1', () => 'https://10.0.0.1/hook'],
    ['169.254.169.254', () => 'https://169.254.169.254/latest/meta-data/'],
    ['::1', () => `https://[::1]:${r.port}/webhook`],
    ['::ffff:127.0.0.1', () => `https://[::ffff:127.0.0.1]:${r.port}/webhook`],
  ])('refuses %s with blocked_address and never connects', async (_name, url) => {
    const w = await f.hook(url(), ['pbx.call.hangup']);
    const res = await f.admin.post(`/api/admin/webhooks/${w.id}/test`).send({}).expect(200);
    expect(res.body.data.status).toBe('dead_letter');
    expect(res.body.data.attempts).toHaveLength(1);
    expect(res.body.data.attempts[0].error.code).toBe('blocked_address');
    expect(res.body.data.attempts[0].response_status).toBeNull();
    expect(res.body.data.last_error).toMatch(/^blocked_address/);
    expect(r.tcpConnections).toBe(0);
  });

  it('blocks real deliveries too, retrying and dead-lettering them like any failure', async () => {
    await f.hook(r.url, ['pbx.call.ringing']);
    const d = await f.delivered(await publish(f.t, 'pbx.call.ringing'), 'dead_letter');
    expect(d.attempt_count).toBe(4);
    expect(r.tcpConnections).toBe(0);
  });
});
