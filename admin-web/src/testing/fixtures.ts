import { Delivery, User, Webhook } from '../app/core/api/api.types';

/** A factory of API objects: `defaults` (every field of the generated type) with `over` on top. */
function fixture<T>(defaults: T): (over?: Partial<T>) => T {
  return (over = {}) => ({ ...defaults, ...over });
}

/** A webhook as the API answers it. */
export const aWebhook = fixture<Webhook>({
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
});

/** A delivery as the API answers it. */
export const aDelivery = fixture<Delivery>({
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
});

/** A console user as the API answers it (an admin). */
export const aUser = fixture<User>({
  id: 'u',
  email: 'a@z.t',
  name: 'A',
  role: 'admin',
  disabled: false,
  created_at: '',
});
