import type { DeliveryAttempt, DeliveryResponse } from '../dto/delivery-response.dto';
import type { AttemptTrigger } from '../entities/delivery-attempt.entity';
import type { DeliveryStatus } from '../entities/delivery.entity';
import { responseText } from '../sending/response-text';

/** A delivery as the history reads it. */
export interface DeliveryRow {
  id: string;
  webhook_id: string | null;
  webhook_name: string;
  url: string;
  event: string;
  ordering_key: string | null;
  sequence: string | null;
  status: string;
  is_test: boolean;
  attempt_count: number;
  next_attempt_at: Date | null;
  last_response_status: number | null;
  last_error: string | null;
  created_at: Date;
  updated_at: Date;
  replay_requested: boolean;
}

export interface AttemptRow {
  number: number;
  trigger: string;
  started_at: Date;
  duration_ms: number;
  request_headers: Record<string, string>;
  response_status: number | null;
  response_headers: Record<string, string> | null;
  response_body: Buffer | null;
  response_body_truncated: boolean;
  error_code: string | null;
  error_message: string | null;
}

/** The columns of a DeliveryRow, for a query on `deliveries d`. */
export const DELIVERY_COLUMNS = `d.id, d.webhook_id, d.webhook_name, d.url, d.event, d.ordering_key,
  d.sequence::text AS sequence, d.status, d.is_test, d.attempt_count, d.next_attempt_at,
  d.last_response_status, d.last_error, d.created_at, d.updated_at, d.replay_requested`;

/** Whether the delivery may wait for an earlier open one of its key (when its webhook orders). */
export function mayWait(d: DeliveryRow): boolean {
  return (
    (d.status === 'pending' || d.status === 'retrying') &&
    d.webhook_id !== null &&
    d.ordering_key !== null &&
    d.sequence !== null &&
    !d.replay_requested
  );
}

/** `waitingFor`: the open delivery at the head of its key, when it is not this one. */
export function presentDelivery(d: DeliveryRow, waitingFor: string | null): DeliveryResponse {
  return {
    id: d.id,
    webhook_id: d.webhook_id,
    webhook_name: d.webhook_name,
    url: d.url,
    event: d.event,
    ordering_key: d.ordering_key,
    sequence: d.sequence === null ? null : Number(d.sequence),
    status: d.status as DeliveryStatus,
    is_test: d.is_test,
    attempt_count: d.attempt_count,
    retry_count: Math.max(0, d.attempt_count - 1),
    next_attempt_at: d.next_attempt_at?.toISOString() ?? null,
    waiting_for: waitingFor,
    last_response_status: d.last_response_status,
    last_error: d.last_error,
    created_at: d.created_at.toISOString(),
    updated_at: d.updated_at.toISOString(),
  };
}

export function presentAttempt(a: AttemptRow): DeliveryAttempt {
  return {
    number: a.number,
    trigger: a.trigger as AttemptTrigger,
    started_at: a.started_at.toISOString(),
    duration_ms: a.duration_ms,
    request_headers: a.request_headers,
    response_status: a.response_status,
    response_headers: a.response_headers,
    response_body: responseText(a.response_body, a.response_body_truncated),
    response_body_truncated: a.response_body_truncated,
    error: a.error_code ? { code: a.error_code, message: a.error_message ?? '' } : null,
  };
}
