import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { signatureHeaders, zorioSignature } from './signing';

const secret = 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6';
const deliveryId = '0b7e4f0e-3d5c-4c57-9a57-5d1e9f1b2c3a';
const body = Buffer.from(
  JSON.stringify({
    event: 'pbx.call.hangup',
    timestamp: '2026-06-29T03:30:12Z',
    tenant_id: 1,
    data: { caller_number: '+84 901 234 567', note: 'Trần Văn Ánh ✓' },
  }),
  'utf8',
);

function sign(timestamp: number, isTest = false): Record<string, string> {
  return signatureHeaders({
    secret,
    deliveryId,
    event: 'pbx.call.hangup',
    timestamp,
    body,
    isTest,
    userAgentVersion: '1.2.3',
  });
}

describe('signatureHeaders', () => {
  it('adds the ordering key and sequence when the event has them', () => {
    const headers = signatureHeaders({
      secret,
      deliveryId,
      event: 'pbx.call.hangup',
      timestamp: 1_782_703_812,
      body,
      isTest: false,
      userAgentVersion: '1.2.3',
      ordering: { key: 'call:5d0c6a1e', sequence: '3' },
    });
    expect(headers['X-Zorio-Ordering-Key']).toBe('call:5d0c6a1e');
    expect(headers['X-Zorio-Sequence']).toBe('3');
    expect(sign(1_782_703_812)['X-Zorio-Sequence']).toBeUndefined();
  });

  it('produces exactly the headers of the receiver guide', () => {
    const headers = sign(1_782_703_812);
    expect(Object.keys(headers).sort()).toEqual(
      [
        'Content-Type',
        'User-Agent',
        'X-Zorio-Delivery',
        'X-Zorio-Event',
        'X-Zorio-Signature',
        'X-Zorio-Timestamp',
        'webhook-id',
        'webhook-signature',
        'webhook-timestamp',
      ].sort(),
    );
    expect(headers['Content-Type']).toBe('application/json; charset=utf-8');
    expect(headers['User-Agent']).toBe('Zorio-Webhooks/1.2.3');
    expect(headers['X-Zorio-Event']).toBe('pbx.call.hangup');
    expect(headers['X-Zorio-Delivery']).toBe(deliveryId);
    expect(headers['webhook-id']).toBe(deliveryId);
    expect(headers['X-Zorio-Timestamp']).toBe('1782703812');
    expect(headers['webhook-timestamp']).toBe('1782703812');
  });

  it('signs the raw body bytes as sha256=<lowercase hex> with the secret as UTF-8 key', () => {
    const expected = createHmac('sha256', Buffer.from(secret, 'utf8')).update(body).digest('hex');
    expect(sign(1_782_703_812)['X-Zorio-Signature']).toBe(`sha256=${expected}`);
    expect(expected).toMatch(/^[0-9a-f]{64}$/);
  });

  it('matches a known HMAC-SHA256 vector (RFC 4231 test case 2)', () => {
    // key "Jefe", data "what do ya want for nothing?"
    expect(zorioSignature('Jefe', Buffer.from('what do ya want for nothing?'))).toBe(
      'sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  it('signs id.timestamp.body in base64 as v1,<sig> for Standard Webhooks', () => {
    const ts = 1_782_703_812;
    const expected = createHmac('sha256', secret)
      .update(Buffer.concat([Buffer.from(`${deliveryId}.${ts}.`), body]))
      .digest('base64');
    expect(sign(ts)['webhook-signature']).toBe(`v1,${expected}`);
  });

  it('is verified by the standardwebhooks library given the secret in raw form', () => {
    const now = Math.floor(Date.now() / 1000);
    const headers = sign(now);
    const wh = new Webhook(secret, { format: 'raw' });
    expect(wh.verify(body, headers)).toEqual(JSON.parse(body.toString('utf8')));
  });

  it('is rejected by the standardwebhooks library with another secret or a changed body', () => {
    const now = Math.floor(Date.now() / 1000);
    const headers = sign(now);
    expect(() => new Webhook('another-secret', { format: 'raw' }).verify(body, headers)).toThrow(
      /No matching signature/,
    );
    const tampered = Buffer.from(body.toString('utf8').replace('tenant_id":1', 'tenant_id":2'));
    expect(() => new Webhook(secret, { format: 'raw' }).verify(tampered, headers)).toThrow(
      /No matching signature/,
    );
  });

  it('gives a fresh signature for a fresh attempt timestamp (webhook-signature covers it)', () => {
    const first = sign(1_782_703_812);
    const retry = sign(1_782_705_612);
    expect(retry['X-Zorio-Signature']).toBe(first['X-Zorio-Signature']);
    expect(retry['webhook-signature']).not.toBe(first['webhook-signature']);
  });

  it('adds X-Zorio-Test: true only for test events', () => {
    expect(sign(1, true)['X-Zorio-Test']).toBe('true');
    expect(sign(1, false)).not.toHaveProperty('X-Zorio-Test');
  });

  it('refuses a non-integer timestamp and an empty secret', () => {
    expect(() => sign(1.5)).toThrow(RangeError);
    expect(() => sign(Date.now() / 1000 + 0.25)).toThrow(RangeError);
    expect(() =>
      signatureHeaders({
        secret: '',
        deliveryId,
        event: 'pbx.call.hangup',
        timestamp: 1,
        body,
        isTest: false,
        userAgentVersion: '1',
      }),
    ).toThrow(RangeError);
  });
});
