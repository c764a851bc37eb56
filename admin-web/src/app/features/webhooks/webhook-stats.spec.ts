import { Delivery, DeliveryStatus, Webhook } from '../../core/api/api.types';
import { formatRate, statsFromWebhook, summarise } from './webhook-stats';
import { aDelivery } from '../../../testing/fixtures';

const NOW = Date.parse('2026-06-01T12:00:00Z');

function d(status: DeliveryStatus, hoursAgo: number, code: number | null = 200): Delivery {
  const t = new Date(NOW - hoursAgo * 3600_000).toISOString();
  return aDelivery({
    id: `${status}-${hoursAgo}`,
    webhook_id: 'w',
    webhook_name: 'W',
    url: 'https://x',
    event: 'pbx.call.hangup',
    status,
    last_response_status: code,
    created_at: t,
    updated_at: t,
  });
}

describe('summarise', () => {
  it('takes the newest delivery as the last one', () => {
    const s = summarise([d('dead_letter', 1, 500), d('succeeded', 2)], NOW);
    expect(s.lastDeliveryStatus).toBe('dead_letter');
    expect(s.lastResponseStatus).toBe(500);
    expect(s.lastDeliveryAt).toBe(new Date(NOW - 3600_000).toISOString());
  });

  it('computes the success rate over finished deliveries of the last 24 h', () => {
    const s = summarise(
      [
        d('succeeded', 1),
        d('pending', 1, null),
        d('retrying', 2, 500),
        d('succeeded', 3),
        d('dead_letter', 5, 500),
        d('cancelled', 6, null),
        d('dead_letter', 30, 500),
      ],
      NOW,
    );
    expect(s.sample24h).toBe(4);
    expect(s.successRate24h).toBe(0.5);
  });

  it('has no rate and no last delivery without deliveries', () => {
    const s = summarise([], NOW);
    expect(s.successRate24h).toBeNull();
    expect(s.lastDeliveryAt).toBeNull();
  });

  it('marks the rate partial when the page is full and still inside the window', () => {
    expect(summarise([d('succeeded', 1)], NOW, true).partial).toBe(true);
    expect(summarise([d('succeeded', 25)], NOW, true).partial).toBe(false);
  });
});

describe('statsFromWebhook', () => {
  it('uses the backend summary fields when present', () => {
    const w = {
      last_delivery_at: '2026-01-01T00:00:00Z',
      last_delivery_status: 'succeeded',
      success_rate_24h: 0.75,
    } as Webhook;
    expect(statsFromWebhook(w)?.successRate24h).toBe(0.75);
    expect(statsFromWebhook({} as Webhook)).toBeNull();
  });
});

describe('formatRate', () => {
  it('formats a fraction as a percentage', () => {
    expect(formatRate(1)).toBe('100%');
    expect(formatRate(0)).toBe('0%');
    expect(formatRate(0.8333)).toBe('83.3%');
    expect(formatRate(null)).toBe('—');
  });
});
