import { login, Session, startApp, TestApp } from '../support/app';
import { Receiver, startReceiver } from '../support/https-receiver';
import { getTestPki } from '../../tools/pki/test-ca';
import { createWebhook, deliveriesOfEvent, publish } from '../support/webhooks';
import { waitFor } from '../support/wait';

describe('SSRF guard at send time (private networks not allowed)', () => {
  let t: TestApp;
  let admin: Session;
  let r: Receiver;
  const webhookIds: string[] = [];

  beforeAll(async () => {
    t = await startApp({
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'false',
      WEBHOOK_CA_FILE: getTestPki().caFile,
      WEBHOOK_RETRY_SCHEDULE: '0.05,0.05,0.05',
    });
    admin = await login(t);
    r = await startReceiver();
  });

  afterAll(async () => {
    for (const id of webhookIds) await admin.del(`/api/admin/webhooks/${id}`);
    await t.close();
    await r.close();
  });

  it.each([
    ['127.0.0.1', () => r.url],
    ['localhost', () => r.localhostUrl],
    ['10.0.0.1', () => 'https://10.0.0.1/hook'],
    ['169.254.169.254', () => 'https://169.254.169.254/latest/meta-data/'],
    ['::1', () => `https://[::1]:${r.port}/webhook`],
    ['::ffff:127.0.0.1', () => `https://[::ffff:127.0.0.1]:${r.port}/webhook`],
  ])('refuses %s with blocked_address and never connects', async (_name, url) => {
    const w = await createWebhook(admin, url(), ['pbx.call.hangup']);
    webhookIds.push(w.id);
    const res = await admin.post(`/api/admin/webhooks/${w.id}/test`).send({}).expect(200);
    expect(res.body.data.status).toBe('dead_letter');
    expect(res.body.data.attempts).toHaveLength(1);
    expect(res.body.data.attempts[0].error.code).toBe('blocked_address');
    expect(res.body.data.attempts[0].response_status).toBeNull();
    expect(res.body.data.last_error).toMatch(/^blocked_address/);
    expect(r.tcpConnections).toBe(0);
  });

  it('blocks real deliveries too, retrying and dead-lettering them like any failure', async () => {
    const w = await createWebhook(admin, r.url, ['pbx.call.ringing']);
    webhookIds.push(w.id);
    const eventId = await publish(t, 'pbx.call.ringing');
    const [d] = await waitFor(async () => {
      const rows = await deliveriesOfEvent(t, eventId, webhookIds);
      return rows[0]?.status === 'dead_letter' ? rows : null;
    });
    expect(d.attempt_count).toBe(4);
    expect(r.tcpConnections).toBe(0);
  });
});
