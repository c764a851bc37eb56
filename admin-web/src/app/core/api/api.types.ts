/** Types of the Admin Console API (`/work/shared/API.md`). Field names are the wire names. */

export type Role = 'admin' | 'auditor';

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  created_at: string;
}

export interface DataEnvelope<T> {
  data: T;
}

export interface CursorPage<T> {
  data: T[];
  next_cursor: string | null;
}

export interface EventType {
  name: string;
  module: string;
  description: string;
  sample: unknown;
}

export type WebhookStatus = 'active' | 'paused' | 'suspended';

export interface Webhook {
  id: string;
  display_name: string;
  url: string;
  events: string[];
  status: WebhookStatus;
  consecutive_failures: number;
  suspended_at: string | null;
  secret_rotated_at: string | null;
  created_at: string;
  updated_at: string;
  /**
   * Delivery lane settings and live state (API.md). Optional while the backend lands them: the
   * console shows "—" for an absent value.
   */
  max_in_flight?: number;
  rate_limit_per_second?: number | null;
  ordering?: WebhookOrdering;
  lane?: WebhookLane | null;
  /** Optional summary fields the backend may add; the console derives them when absent. */
  last_delivery_at?: string | null;
  last_delivery_status?: DeliveryStatus | null;
  /** Fraction 0–1 of finished deliveries of the last 24 h that succeeded; null when none. */
  success_rate_24h?: number | null;
}

export type WebhookOrdering = 'none' | 'per_key';

/** The endpoint's live delivery state. */
export interface WebhookLane {
  /** Requests open to the endpoint now. */
  in_flight: number;
  /** Deliveries due (the backlog). */
  due: number;
  /** When the oldest due delivery became due; null when nothing is due. */
  oldest_due_at: string | null;
  /** Until when a 429/503 `Retry-After` throttles the lane; null when not throttled. */
  throttled_until: string | null;
}

export interface WebhookInput {
  display_name: string;
  url: string;
  events: string[];
  max_in_flight?: number;
  rate_limit_per_second?: number | null;
  ordering?: WebhookOrdering;
}

export interface WebhookWithSecret {
  data: Webhook;
  secret: string;
}

export type DeliveryStatus = 'pending' | 'retrying' | 'succeeded' | 'dead_letter' | 'cancelled';

export const DELIVERY_STATUSES: readonly DeliveryStatus[] = [
  'pending',
  'retrying',
  'succeeded',
  'dead_letter',
  'cancelled',
];

export interface Delivery {
  id: string;
  webhook_id: string | null;
  webhook_name: string;
  url: string;
  event: string;
  /** Optional while the backend lands per-key ordering: absent means unknown ("—"). */
  ordering_key?: string | null;
  sequence?: number | null;
  status: DeliveryStatus;
  is_test: boolean;
  attempt_count: number;
  retry_count: number;
  next_attempt_at: string | null;
  last_response_status: number | null;
  last_error: string | null;
  /** The delivery an ordered delivery waits on (the head of its key), else null. */
  waiting_for?: string | null;
  created_at: string;
  updated_at: string;
}

export type AttemptErrorCode =
  'timeout' | 'dns' | 'connection' | 'tls' | 'http_status' | 'blocked_address';

export interface DeliveryAttempt {
  number: number;
  trigger: 'auto' | 'replay' | 'test';
  started_at: string;
  duration_ms: number | null;
  request_headers: Record<string, string>;
  response_status: number | null;
  response_headers: Record<string, string> | null;
  response_body: string | null;
  response_body_truncated: boolean;
  /** `code` is one of `AttemptErrorCode`, or a newer code the console does not know yet. */
  error: { code: string; message: string } | null;
}

export interface DeliveryDetail extends Delivery {
  payload: unknown;
  attempts: DeliveryAttempt[];
}

export interface DeliveryFilters {
  webhook_id?: string;
  event?: string;
  status?: DeliveryStatus;
  ordering_key?: string;
  from?: string;
  to?: string;
  limit?: number;
  cursor?: string;
}

export type Scope = 'pbx_api_access' | 'telesales_api_access' | 'autocall_api_access';

export const SCOPES: readonly Scope[] = [
  'pbx_api_access',
  'telesales_api_access',
  'autocall_api_access',
];

export interface ApiToken {
  id: string;
  name: string;
  scopes: Scope[];
  ip_allowlist: string[] | null;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
  created_at: string;
}

export interface ApiTokenInput {
  name: string;
  scopes: Scope[];
  ip_allowlist?: string[];
  expires_in_days?: number;
}

export interface ApiTokenCreated {
  data: ApiToken;
  token: string;
}

export interface UserInput {
  email: string;
  name: string;
  role: Role;
  password: string;
}

export interface UserPatch {
  role?: Role;
  disabled?: boolean;
  name?: string;
}

export interface AuditEntry {
  id: string;
  occurred_at: string;
  actor_type: 'user' | 'api_token' | 'system';
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  user_agent: string | null;
  changes: { before: unknown; after: unknown } | null;
  hash: string;
}

export interface AuditFilters {
  actor_id?: string;
  action?: string;
  target_type?: string;
  target_id?: string;
  from?: string;
  to?: string;
  limit?: number;
  cursor?: string;
}

export interface AuditVerifyResult {
  ok: boolean;
  checked: number;
  first_broken_id: string | null;
}

export const AUDIT_ACTIONS: readonly string[] = [
  'auth.login',
  'auth.login_failed',
  'auth.logout',
  'user.created',
  'user.updated',
  'api_token.created',
  'api_token.revoked',
  'webhook.created',
  'webhook.updated',
  'webhook.secret_rotated',
  'webhook.paused',
  'webhook.resumed',
  'webhook.deleted',
  'webhook.suspended',
  'webhook.test_sent',
  'delivery.dead_lettered',
  'delivery.replayed',
];

/** Builds HttpParams-compatible query objects, dropping empty values. */
export function toQuery(filters: object): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(filters) as [string, unknown][]) {
    if (value === undefined || value === null || value === '') continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      out[key] = value;
    }
  }
  return out;
}

export const API_BASE = '/api/admin';

/** A call leg that rang (or was answered) and never got a hangup, long after any plausible end. */
export interface StaleCall {
  call_uuid: string;
  extension: string;
  status: string;
  ringing_at: string | null;
  first_seen_at: string;
}

/** `GET /api/admin/pbx/stale-calls`: the complete count and the oldest few (at most 20). */
export interface StaleCallsSummary {
  count: number;
  older_than_seconds: number;
  oldest: StaleCall[];
}
