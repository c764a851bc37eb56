import { Webhook } from '../../core/api/api.types';
import { BACKED_UP_AFTER_MS, formatCount, formatDuration, laneView } from './lane';
import { aWebhook } from '../../../testing/fixtures';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const at = (msAgo: number): string => new Date(NOW - msAgo).toISOString();

const hook = (over: Partial<Webhook> = {}): Webhook =>
  aWebhook({
    id: 'w1',
    display_name: 'CRM',
    url: 'https://crm.example.com/h',
    events: ['pbx.call.hangup'],
    created_at: at(86_400_000),
    updated_at: at(86_400_000),
    ...over,
  });

describe('laneView', () => {
  it('is unknown ("—") when the backend sends no lane or limits', () => {
    const v = laneView(hook({ lane: undefined, max_in_flight: undefined }), NOW);
    expect(v.state).toBe('unknown');
    expect(v.label).toBe('—');
    expect([v.inFlight, v.maxInFlight, v.due, v.oldestWaitMs]).toEqual([null, null, null, null]);
    expect(v.flagged).toBe(false);
  });

  it('is idle with nothing open or due, sending while it keeps up', () => {
    expect(laneView(hook(), NOW).state).toBe('idle');
    const v = laneView(
      hook({ lane: { in_flight: 3, due: 12, oldest_due_at: at(2000), throttled_until: null } }),
      NOW,
    );
    expect(v).toMatchObject({ state: 'sending', inFlight: 3, maxInFlight: 8, due: 12 });
    expect(v.oldestWaitMs).toBe(2000);
    expect(v.flagged).toBe(false);
  });

  it('flags a backlog whose oldest due delivery has waited a minute or more', () => {
    const lane = {
      in_flight: 8,
      due: 1204,
      oldest_due_at: at(BACKED_UP_AFTER_MS + 5000),
      throttled_until: null,
    };
    const v = laneView(hook({ lane }), NOW);
    expect(v.state).toBe('backed_up');
    expect(v.flagged).toBe(true);
    expect(v.reason).toContain('1,204 due');
    expect(v.reason).toContain('1 min 5 s');
  });

  it('flags a throttled lane with how long it still holds, over a backlog', () => {
    const lane = {
      in_flight: 0,
      due: 40,
      oldest_due_at: at(BACKED_UP_AFTER_MS * 3),
      throttled_until: new Date(NOW + 12_000).toISOString(),
    };
    const v = laneView(hook({ lane }), NOW);
    expect(v).toMatchObject({ state: 'throttled', flagged: true, throttledForMs: 12_000 });
    expect(v.reason).toContain('12 s more');
    expect(v.reason).toContain('429/503');
    expect(v.reason).toContain('40 due deliveries wait');
  });

  it('ignores a throttle that has already passed', () => {
    const lane = { in_flight: 0, due: 0, oldest_due_at: null, throttled_until: at(1000) };
    expect(laneView(hook({ lane }), NOW)).toMatchObject({ state: 'idle', throttledForMs: null });
  });

  it('calls a paused webhook with deliveries due "held", not backed up', () => {
    const lane = { in_flight: 0, due: 5, oldest_due_at: at(3_600_000), throttled_until: null };
    const v = laneView(hook({ status: 'paused', lane }), NOW);
    expect(v.state).toBe('held');
    expect(v.flagged).toBe(false);
    expect(v.reason).toBe('Paused: 5 due deliveries wait until it resumes.');
  });
});

describe('lane formatting', () => {
  it('formats durations and counts', () => {
    expect(formatDuration(400)).toBe('<1 s');
    expect(formatDuration(12_300)).toBe('12 s');
    expect(formatDuration(245_000)).toBe('4 min 5 s');
    expect(formatDuration(120_000)).toBe('2 min');
    expect(formatDuration(7_800_000)).toBe('2 h 10 min');
    expect(formatDuration(3 * 86_400_000 + 4 * 3_600_000)).toBe('3 d 4 h');
    expect(formatCount(12345)).toBe('12,345');
    expect(formatCount(undefined)).toBe('—');
  });
});
