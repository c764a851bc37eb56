import { signatureHeaders } from '../sending/signing';
import type { ClaimedDelivery } from './claimed-delivery';

export const USER_AGENT_VERSION = '1.0';

/**
 * The sign stage: every header of one attempt, signed now with the webhook's current secret
 * (docs/receiver-guide.md §1), so a retry carries a fresh timestamp and a rotation applies to the
 * very next attempt.
 */
export function signAttempt(
  secret: string,
  d: ClaimedDelivery,
  body: Buffer,
  now = Date.now(),
): Record<string, string> {
  return signatureHeaders({
    secret,
    deliveryId: d.id,
    event: d.event,
    timestamp: Math.floor(now / 1000),
    body,
    isTest: d.isTest,
    userAgentVersion: USER_AGENT_VERSION,
    ordering:
      d.orderingKey !== null && d.sequence !== null
        ? { key: d.orderingKey, sequence: d.sequence }
        : null,
  });
}
