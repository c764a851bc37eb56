import type { Session, TestApp } from '../support/app';
import type { ReceiverBehaviour } from '../support/https-receiver';
import { waitFor } from '../support/wait';
import { WebhookFixture, publish } from '../support/webhooks';

interface AttemptView {
  number: number;
  response_status: number | null;
  response_headers: Record<string, string>;
  response_body: string;
  response_body_truncated: boolean;
  error: { code: string } | null;
}

/**
 * Whatever a receiver answers is recorded, and recording never leads to a re-send: the delivery
 * moves on (here: succeeded) after exactly one attempt, and its answer is browsable.
 */
describe('receiver answers of any bytes are recorded once, never re-sent', () => {
  const f = new WebhookFixture({ WEBHOOK_TIMEOUT_MS: '3000' });
  let t: TestApp;
  let admin: Session;
  beforeAll(() => {
    ({ t, admin } = f);
  });

  async function deliverOnce(respond: ReceiverBehaviour): Promise<AttemptView> {
    const r = await f.receiver({ respond });
    const w = await f.hook(r.url, ['telesales.lead.created']);
    await publish(t, 'telesales.lead.created');
    const d = await waitFor(async () => {
      const rows: { id: string; status: string; attempt_count: number }[] = await t.db.query(
        `SELECT id, status, attempt_count FROM deliveries WHERE webhook_id = $1`,
        [w.id],
      );
      return rows[0]?.status === 'succeeded' ? rows[0] : null;
    });
    expect(d.attempt_count).toBe(1);
    expect(r.received).toHaveLength(1);
    const detail = await admin.get(`/api/admin/deliveries/${d.id}`).expect(200);
    const attempts = detail.body.data.attempts as AttemptView[];
    expect(attempts).toHaveLength(1);
    await admin.del(`/api/admin/webhooks/${w.id}`).expect(204);
    return attempts[0];
  }

  it('a 200 whose body holds NUL bytes', async () => {
    const a = await deliverOnce({ status: 200, body: Buffer.from('ok\u0000\u0000done', 'utf8') });
    expect(a.response_body).toBe('ok\u0000\u0000done');
  });

  it('a 200 whose body is not UTF-8', async () => {
    const a = await deliverOnce({ status: 200, body: Buffer.from([0x6f, 0x6b, 0xff, 0xfe, 0xc3]) });
    expect(a.response_body.startsWith('ok')).toBe(true);
    expect(a.response_body).toContain('\uFFFD');
    // The bytes themselves are kept as they came.
    const rows: { hex: string }[] = await t.db.query(
      `SELECT encode(response_body, 'hex') AS hex FROM delivery_attempts
        WHERE response_body = '\\x6f6bfffec3'::bytea`,
    );
    expect(rows).toHaveLength(1);
  });

  it('a 200 with a 10 MB body (the first 64 KiB kept)', async () => {
    const a = await deliverOnce({ status: 200, body: Buffer.alloc(10 * 1024 * 1024, 'z') });
    expect(a.response_body_truncated).toBe(true);
    expect(a.response_body).toHaveLength(64 * 1024);
  });

  it('a 200 with 1,000 headers', async () => {
    const headers: Record<string, string> = {};
    for (let i = 0; i < 1000; i++) headers[`x-h${i}`] = String(i);
    const a = await deliverOnce({ status: 200, headers, body: 'ok' });
    expect(a.response_status).toBe(200);
    expect(a.response_headers['x-h999']).toBe('999');
  });

  it('a 200 whose body never ends', async () => {
    const a = await deliverOnce({ mode: 'slowBody', status: 200, chunk: 'x'.repeat(8192) });
    expect(a.response_status).toBe(200);
    expect(a.response_body_truncated).toBe(true);
  });

  it('"Send test event" to a receiver answering NUL bytes returns its result', async () => {
    const r = await f.receiver({ respond: { status: 200, body: 'nul\u0000here' } });
    const w = await f.hook(r.url, ['pbx.cdr.created']);
    const res = await admin.post(`/api/admin/webhooks/${w.id}/test`).send({}).expect(200);
    expect(res.body.data).toMatchObject({ is_test: true, status: 'succeeded', attempt_count: 1 });
    expect(res.body.data.attempts[0]).toMatchObject({
      response_status: 200,
      response_body: 'nul\u0000here',
    });
    expect(r.received).toHaveLength(1);
  });
});
