import type { LaneTarget } from '../../webhooks/webhooks.service';
import type { AttemptResult } from '../sending/webhook-sender';
import type { ClaimedDelivery } from './claimed-delivery';
import { LaneRun, type LaneStages } from './lane-run';

const OK: AttemptResult = {
  ok: true,
  status: 200,
  responseHeaders: {},
  responseBody: Buffer.alloc(0),
  responseBodyTruncated: false,
  durationMs: 1,
  retryAfterMs: null,
  error: null,
};

function delivery(id: string): ClaimedDelivery {
  return {
    id,
    webhookId: 'w1',
    attemptCount: 1,
    replayRequested: false,
    event: 'pbx.call.hangup',
    body: '{}',
    isTest: false,
    orderingKey: null,
    sequence: null,
    createdAt: '2026-12-02 04:00:00+00',
  };
}

/**
 * A lane with its webhook "in the database" (`webhook`, changed by the test), deliveries due
 * (`due`), and a receiver that holds each attempt until the test answers it.
 */
class FakeLane {
  webhook: LaneTarget = {
    id: 'w1',
    displayName: 'crm',
    url: 'https://old.example/hook',
    status: 'active',
    secret: 'whsec_old',
    maxInFlight: 4,
    rateLimitPerSecond: null,
    ordering: 'none',
  };
  readonly due: ClaimedDelivery[] = [];
  /** Each attempt: the delivery, where it went with which secret, and how to answer it. */
  readonly sent: { id: string; url: string; secret: string; answer: () => void }[] = [];
  private onSignal: () => void = () => undefined;

  readonly stages = {
    claims: {
      claim: (_webhookId: string, limit: number) => Promise.resolve(this.due.splice(0, limit)),
      release: () => Promise.resolve(),
    },
    sender: {
      send: (target: { url: string; secret: string }, d: ClaimedDelivery) =>
        new Promise((resolve) => {
          const answer = () => resolve({ startedAt: new Date(), requestHeaders: {}, result: OK });
          this.sent.push({ id: d.id, url: target.url, secret: target.secret, answer });
        }),
    },
    recorder: { record: () => Promise.resolve({ moved: true }) },
    states: { throttle: () => Promise.resolve() },
    limiter: {},
    metrics: { outcomes: { inc: () => undefined } },
    retrySchedule: [1, 2],
    target: () => Promise.resolve({ ...this.webhook }),
    listen: (_id: string, onSignal: () => void) => {
      this.onSignal = onSignal;
      return () => undefined;
    },
  } as unknown as LaneStages;

  /** New deliveries are due and the lane is told (as the relay's signal does). */
  publish(...ids: string[]): void {
    this.due.push(...ids.map(delivery));
    this.onSignal();
  }

  async untilSent(n: number): Promise<void> {
    const deadline = Date.now() + 5_000;
    while (this.sent.length < n) {
      if (Date.now() > deadline)
        throw new Error(`${n} attempts expected, ${this.sent.length} sent`);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

describe('LaneRun: the webhook is read again before each later claim', () => {
  it('sends what it claims after a change of URL and secret to the new URL, signed with the new secret, while an earlier attempt is still in flight', async () => {
    const lane = new FakeLane();
    lane.publish('d1');
    const run = new LaneRun(lane.stages, { ...lane.webhook }, Date.now() + 5_000).run();
    await lane.untilSent(1);
    lane.webhook = { ...lane.webhook, url: 'https://new.example/hook', secret: 'whsec_new' };
    lane.publish('d2');
    await lane.untilSent(2);
    for (const s of lane.sent) s.answer();
    await run;
    expect(lane.sent.map(({ id, url, secret }) => ({ id, url, secret }))).toEqual([
      { id: 'd1', url: 'https://old.example/hook', secret: 'whsec_old' },
      { id: 'd2', url: 'https://new.example/hook', secret: 'whsec_new' },
    ]);
  });

  it('claims no more once the webhook is paused meanwhile, and still finishes what is in flight', async () => {
    const lane = new FakeLane();
    lane.publish('d1');
    const run = new LaneRun(lane.stages, { ...lane.webhook }, Date.now() + 5_000).run();
    await lane.untilSent(1);
    lane.webhook = { ...lane.webhook, status: 'paused' };
    lane.publish('d2');
    lane.sent[0].answer();
    await expect(run).resolves.toEqual({ at: null });
    expect(lane.sent.map((s) => s.id)).toEqual(['d1']);
    expect(lane.due.map((d) => d.id)).toEqual(['d2']);
  });
});
