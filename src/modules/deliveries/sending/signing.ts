import { createHmac } from 'node:crypto';

/**
 * What one attempt is signed with (docs/receiver-guide.md §1). Signed once per attempt, at send
 * time.
 */
export interface SignatureInput {
  /** The webhook's current secret; its UTF-8 bytes are the HMAC key. */
  secret: string;
  /** The delivery's UUID: `X-Zorio-Delivery` and `webhook-id`. */
  deliveryId: string;
  /** The event name, e.g. `pbx.call.hangup`. */
  event: string;
  /** Unix seconds of this attempt (an integer). */
  timestamp: number;
  /** The exact body bytes that will be sent. */
  body: Buffer;
  /** Adds `X-Zorio-Test: true` ("Send test event"). */
  isTest: boolean;
  /** Goes into `User-Agent: Zorio-Webhooks/<version>`. */
  userAgentVersion: string;
  /** The event's ordering key and sequence (`X-Zorio-Ordering-Key`, `X-Zorio-Sequence`). */
  ordering?: { key: string; sequence: string } | null;
}

/** `sha256=` + lowercase hex HMAC-SHA256(secret, raw body): the documented Zorio scheme. */
export function zorioSignature(secret: string, body: Buffer | string): string {
  return 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');
}

/** `v1,` + base64 HMAC-SHA256(secret, `${id}.${timestamp}.${body}`): the Standard Webhooks scheme. */
export function standardWebhookSignature(
  secret: string,
  deliveryId: string,
  timestamp: number,
  body: Buffer | string,
): string {
  return (
    'v1,' +
    createHmac('sha256', secret).update(`${deliveryId}.${timestamp}.`).update(body).digest('base64')
  );
}

/**
 * Every header of one delivery attempt, exactly as docs/receiver-guide.md §1 lists them (plus
 * `X-Zorio-Test` for test events). The caller sends `body` unchanged.
 */
export function signatureHeaders(input: SignatureInput): Record<string, string> {
  const { secret, deliveryId, event, timestamp, body, isTest, userAgentVersion, ordering } = input;
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new RangeError('timestamp must be a non-negative integer number of Unix seconds');
  }
  if (secret.length === 0) {
    throw new RangeError('secret must not be empty');
  }
  const ts = String(timestamp);
  const headers: Record<string, string> = {
    'Content-Type': 'application/json; charset=utf-8',
    'User-Agent': `Zorio-Webhooks/${userAgentVersion}`,
    'X-Zorio-Event': event,
    'X-Zorio-Delivery': deliveryId,
    'X-Zorio-Timestamp': ts,
    'X-Zorio-Signature': zorioSignature(secret, body),
    'webhook-id': deliveryId,
    'webhook-timestamp': ts,
    'webhook-signature': standardWebhookSignature(secret, deliveryId, timestamp, body),
  };
  if (ordering) {
    headers['X-Zorio-Ordering-Key'] = ordering.key;
    headers['X-Zorio-Sequence'] = ordering.sequence;
  }
  if (isTest) {
    headers['X-Zorio-Test'] = 'true';
  }
  return headers;
}
