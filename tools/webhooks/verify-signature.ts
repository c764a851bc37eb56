/**
 * What a receiver does with a Zorio webhook request: check its signatures against the raw body,
 * in constant time. Used by the tests' and the demo's receivers; the platform only signs
 * (src/modules/deliveries/sending/signing.ts). docs/receiver-guide.md explains both schemes and
 * docs/samples/ has the same checks in Node.js, Python, PHP and Go.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

type HeaderValue = string | string[] | null | undefined;

const ZORIO_SIGNATURE = /^sha256=([0-9a-f]{64})$/i;

function equalBytes(given: Buffer, expected: Buffer): boolean {
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * `X-Zorio-Signature: sha256=<hex HMAC-SHA256(secret, raw body)>`. False for a missing or
 * malformed header.
 */
export function verifyZorioSignature(
  secret: string,
  body: Buffer | string,
  header: HeaderValue,
): boolean {
  if (typeof header !== 'string') {
    return false;
  }
  const match = ZORIO_SIGNATURE.exec(header.trim());
  if (!match) {
    return false;
  }
  const expected = createHmac('sha256', secret).update(body).digest();
  return equalBytes(Buffer.from(match[1], 'hex'), expected);
}

export interface StandardWebhookHeaders {
  'webhook-id': HeaderValue;
  'webhook-timestamp': HeaderValue;
  'webhook-signature': HeaderValue;
}

/**
 * Standard Webhooks: `webhook-signature` holds space-separated `v1,<base64 HMAC-SHA256(secret,
 * "<webhook-id>.<webhook-timestamp>.<raw body>")>` entries, one of which must match, and the
 * timestamp must be within `toleranceSeconds` (default 300) of `nowSeconds`.
 */
export function verifyStandardWebhook(
  secret: string,
  body: Buffer | string,
  headers: StandardWebhookHeaders,
  opts: { toleranceSeconds?: number; nowSeconds?: number } = {},
): boolean {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signatures !== 'string') {
    return false;
  }
  if (!/^\d{1,12}$/.test(timestamp)) {
    return false;
  }
  const now = opts.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - Number(timestamp)) > (opts.toleranceSeconds ?? 300)) {
    return false;
  }
  const expected = createHmac('sha256', secret).update(`${id}.${timestamp}.`).update(body).digest();
  return signatures
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .some((entry) => equalBytes(Buffer.from(entry.slice(3), 'base64'), expected));
}
