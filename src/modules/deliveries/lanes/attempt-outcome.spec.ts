import type { AttemptResult } from '../sending/webhook-sender';
import { decideOutcome } from './attempt-outcome';
import type { ClaimedDelivery } from './claimed-delivery';

const delivery = (over: Partial<ClaimedDelivery> = {}): ClaimedDelivery => ({
  id: 'd',
  webhookId: 'w',
  attemptCount: 1,
  replayRequested: false,
  event: 'pbx.call.hangup',
  body: '{}',
  isTest: false,
  orderingKey: 'call:x',
  sequence: '1',
  createdAt: '2026-01-01 00:00:00+00',
  ...over,
});

const result = (over: Partial<AttemptResult> = {}): AttemptResult => ({
  ok: false,
  status: 500,
  responseHeaders: {},
  responseBody: Buffer.alloc(0),
  responseBodyTruncated: false,
  durationMs: 3,
  retryAfterMs: null,
  error: { code: 'http_status', message: 'HTTP 500' },
  ...over,
});

const NOW = 1_000_000;
const SCHEDULE = [30, 300, 1800];

describe('decideOutcome', () => {
  it('a 2xx succeeds', () => {
    expect(
      decideOutcome(delivery(), result({ ok: true, status: 200, error: null }), SCHEDULE, NOW),
    ).toEqual({ status: 'succeeded', nextAt: null, lastError: null, throttleUntil: null });
  });

  it('a failed automatic attempt is retried on the schedule, then dead-lettered after the fourth', () => {
    expect(decideOutcome(delivery({ attemptCount: 1 }), result(), SCHEDULE, NOW)).toMatchObject({
      status: 'retrying',
      nextAt: new Date(NOW + 30_000),
      lastError: 'http_status: HTTP 500',
    });
    expect(decideOutcome(delivery({ attemptCount: 3 }), result(), SCHEDULE, NOW).nextAt).toEqual(
      new Date(NOW + 1_800_000),
    );
    expect(decideOutcome(delivery({ attemptCount: 4 }), result(), SCHEDULE, NOW)).toMatchObject({
      status: 'dead_letter',
      nextAt: null,
    });
  });

  it('a replay or a test event is one attempt only', () => {
    expect(decideOutcome(delivery({ replayRequested: true }), result(), SCHEDULE, NOW).status).toBe(
      'dead_letter',
    );
    expect(decideOutcome(delivery({ isTest: true }), result(), SCHEDULE, NOW).status).toBe(
      'dead_letter',
    );
  });

  it('a 429 or 503 with Retry-After throttles the lane until then and pushes the retry out', () => {
    for (const status of [429, 503]) {
      const o = decideOutcome(delivery(), result({ status, retryAfterMs: 60_000 }), SCHEDULE, NOW);
      expect(o).toMatchObject({ status: 'retrying', throttleUntil: new Date(NOW + 60_000) });
      expect(o.nextAt).toEqual(new Date(NOW + 60_000));
    }
  });

  it('other statuses, or no Retry-After, throttle nothing', () => {
    expect(
      decideOutcome(delivery(), result({ status: 500, retryAfterMs: 60_000 }), SCHEDULE, NOW)
        .throttleUntil,
    ).toBeNull();
    expect(
      decideOutcome(delivery(), result({ status: 429 }), SCHEDULE, NOW).throttleUntil,
    ).toBeNull();
  });
});
