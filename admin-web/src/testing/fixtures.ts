import { Delivery, Webhook } from '../app/core/api/api.types';

/** A webhook as the API answers it (every field of the generated type), with `over` on top. */
export function aWebhook(over: Partial<Webhook> = {}): Webhook {
  return {
    id: 'w1',
    display_name: 'CRM',
    url: 'https://crm.example.com/hook',
    events: ['pbx.call.hangup'],
    status: 'active',
    consecutive_failures: 0,
    suspended_at: null,
    suspended_reason: null,
    secret_rotated_at: null,
    max_in_flight: 8,
    rate_limit_per_second: null,
    ordering: 'none',
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    last_delivery_at: null,
    last_delivery_status: null,
    success_rate_24h: null,
    lane: { in_flight: 0, due: 0, oldest_due_at: null, throttled_until: null },
    ...over,
  };
}

/** A delivery as the API answers it, with `over` on top. */
export function aDelivery(over: Partial<Delivery> = {}): Delivery {
  return {
    id: 'd1',
    webhook_id: 'w1',
    webhook_name: 'CRM',
    url: 'https://crm.example.com/hook',
    event: 'pbx.call.hangup',
    ordering_key: null,
    sequence: null,
    status: 'succeeded',
    is_test: false,
    attempt_count: 1,
    retry_count: 0,
    next_attempt_at: null,
    waiting_for: null,
    last_response_status: 200,
    last_error: null,
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    ...over,
  };
}
