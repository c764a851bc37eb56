import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { signatureHeaders } from '../../src/modules/deliveries/sending/signing';
import { verifyStandardWebhook, verifyZorioSignature } from './verify-signature';

/** The receiver-side checks accept what the platform's signing path produces, and nothing else. */
const secret = 'whsec-test-' + 'k'.repeat(24);
const body = Buffer.from(JSON.stringify({ event: 'pbx.call.hangup', data: { x: 'ồ' } }));
const now = 1_764_000_000;
const signed = signatureHeaders({
  secret,
  deliveryId: randomUUID(),
  event: 'pbx.call.hangup',
  timestamp: now,
  body,
  isTest: false,
  userAgentVersion: '1.0.0',
});
const standard = {
  'webhook-id': signed['webhook-id'],
  'webhook-timestamp': signed['webhook-timestamp'],
  'webhook-signature': signed['webhook-signature'],
};

describe('verifyZorioSignature', () => {
  const header = signed['X-Zorio-Signature'];

  it('accepts the platform signature of the raw body (as bytes or text, any hex case)', () => {
    expect(verifyZorioSignature(secret, body, header)).toBe(true);
    expect(verifyZorioSignature(secret, body.toString('utf8'), header)).toBe(true);
    expect(verifyZorioSignature(secret, body, 'sha256=' + header.slice(7).toUpperCase())).toBe(
      true,
    );
  });

  it.each([
    ['another secret', 'another-secret', body, header],
    ['a changed body', secret, Buffer.concat([body, Buffer.from(' ')]), header],
    ['a missing header', secret, body, undefined],
    ['a null header', secret, body, null],
    ['a repeated header', secret, body, [header, header]],
    ['no sha256= prefix', secret, body, header.slice('sha256='.length)],
    ['a short signature', secret, body, header.slice(0, -2)],
    ['non-hex characters', secret, body, `sha256=${'z'.repeat(64)}`],
    ['an empty header', secret, body, ''],
  ])('rejects %s', (_label, key, payload, value) => {
    expect(verifyZorioSignature(key, payload, value)).toBe(false);
  });
});

describe('verifyStandardWebhook', () => {
  it('accepts the platform signature within the tolerance, as the standardwebhooks library does', () => {
    expect(verifyStandardWebhook(secret, body, standard, { nowSeconds: now + 299 })).toBe(true);
    const library = new Webhook(secret, { format: 'raw' });
    jest.useFakeTimers({ now: now * 1000 });
    try {
      expect(() => library.verify(body.toString('utf8'), standard)).not.toThrow();
    } finally {
      jest.useRealTimers();
    }
  });

  it('accepts when one of several space-separated signatures matches (secret rotation)', () => {
    const headers = {
      ...standard,
      'webhook-signature': `v1,${Buffer.alloc(32).toString('base64')} ${standard['webhook-signature']}`,
    };
    expect(verifyStandardWebhook(secret, body, headers, { nowSeconds: now })).toBe(true);
  });

  it.each([
    ['another secret', 'another-secret', body, standard, now],
    ['a changed body', secret, Buffer.from('{}'), standard, now],
    ['a stale timestamp', secret, body, standard, now + 301],
    ['a future timestamp', secret, body, standard, now - 301],
    ['another id', secret, body, { ...standard, 'webhook-id': randomUUID() }, now],
    [
      'a changed timestamp',
      secret,
      body,
      { ...standard, 'webhook-timestamp': String(now + 1) },
      now,
    ],
    ['a non-numeric timestamp', secret, body, { ...standard, 'webhook-timestamp': 'soon' }, now],
    ['a missing signature', secret, body, { ...standard, 'webhook-signature': undefined }, now],
    [
      'a v2 signature',
      secret,
      body,
      { ...standard, 'webhook-signature': standard['webhook-signature'].replace('v1,', 'v2,') },
      now,
    ],
  ])('rejects %s', (_label, key, payload, headers, at) => {
    expect(verifyStandardWebhook(key, payload, headers, { nowSeconds: at })).toBe(false);
  });
});
