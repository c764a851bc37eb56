import { RETRY_AFTER_CAP_MS, nextAttemptDelayMs } from '../sending/retry-policy';
import type { AttemptResult } from '../sending/webhook-sender';
import { type ClaimedDelivery, triggerOf } from './claimed-delivery';

/** What one attempt's result means for its delivery and its lane. */
export interface AttemptOutcome {
  status: 'succeeded' | 'retrying' | 'dead_letter';
  /** When the next attempt is due (retrying only). */
  nextAt: Date | null;
  /** `code: message` of the failure, for the delivery's row. */
  lastError: string | null;
  /** A 429 or 503 with Retry-After throttles the whole lane until then. */
  throttleUntil: Date | null;
}

/**
 * Decides a delivery's next state from one attempt (docs/receiver-guide.md §4): a 2xx succeeds; an
 * automatic attempt that fails is retried on the schedule (pushed out by a Retry-After, never
 * beyond four attempts) and dead-lettered after the last; a replay or a test event is one attempt
 * only.
 */
export function decideOutcome(
  d: ClaimedDelivery,
  result: AttemptResult,
  schedule: readonly number[],
  now = Date.now(),
): AttemptOutcome {
  const throttleUntil =
    !result.ok && (result.status === 429 || result.status === 503) && result.retryAfterMs !== null
      ? new Date(now + Math.min(result.retryAfterMs, RETRY_AFTER_CAP_MS))
      : null;
  const lastError = result.error ? `${result.error.code}: ${result.error.message}` : null;
  if (result.ok) return { status: 'succeeded', nextAt: null, lastError, throttleUntil };
  const delay =
    triggerOf(d) === 'auto'
      ? nextAttemptDelayMs(d.attemptCount, schedule, result.retryAfterMs)
      : null;
  if (delay === null) return { status: 'dead_letter', nextAt: null, lastError, throttleUntil };
  return { status: 'retrying', nextAt: new Date(now + delay), lastError, throttleUntil };
}
