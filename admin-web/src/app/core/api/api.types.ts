/**
 * The Admin Console API's types, by the names the console uses. Every shape is generated from the
 * backend's OpenAPI document of `/api/admin/*` (`generated/admin-api.ts`, from the controllers and
 * DTOs; `npm run api:admin-spec` regenerates it and CI fails while it is stale): nothing here is
 * written by hand but these aliases and the lists of enum values, which must name every value.
 */
import type { components, operations } from './generated/admin-api';

type Schemas = components['schemas'];
/** The query parameters of an operation. */
type QueryOf<K extends keyof operations> = NonNullable<operations[K]['parameters']['query']>;

export type Role = Schemas['Role'];
export type User = Schemas['UserResponse'];

export interface DataEnvelope<T> {
  data: T;
}

export interface CursorPage<T> {
  data: T[];
  next_cursor: string | null;
}

export type EventType = Schemas['EventTypeResponse'];

export type WebhookStatus = Schemas['WebhookStatus'];
export type Webhook = Schemas['WebhookResponse'];
export type WebhookOrdering = Schemas['WebhookOrdering'];
/** The endpoint's live delivery state. */
export type WebhookLane = Schemas['WebhookLane'];
export type WebhookInput = Schemas['CreateWebhookDto'];
export type WebhookPatch = Schemas['UpdateWebhookDto'];
export type WebhookWithSecret = Schemas['WebhookWithSecret'];

export type DeliveryStatus = Schemas['DeliveryStatus'];
export const DELIVERY_STATUSES = everyValue<DeliveryStatus>()([
  'pending',
  'retrying',
  'succeeded',
  'dead_letter',
  'cancelled',
]);

export type Delivery = Schemas['DeliveryResponse'];
export type AttemptErrorCode =
  'timeout' | 'dns' | 'connection' | 'tls' | 'http_status' | 'blocked_address';
export type DeliveryAttempt = Schemas['DeliveryAttempt'];
export type DeliveryDetail = Schemas['DeliveryDetailResponse'];
export type DeliveryFilters = QueryOf<'Deliveries_list'>;
export type ReplayCount = Schemas['ReplayCount'];

export type Scope = Schemas['Scope'];
export const SCOPES = everyValue<Scope>()([
  'pbx_api_access',
  'telesales_api_access',
  'autocall_api_access',
]);

export type ApiToken = Schemas['ApiTokenResponse'];
export type ApiTokenInput = Schemas['CreateApiTokenDto'];
export type ApiTokenCreated = Schemas['ApiTokenCreated'];

export type UserInput = Schemas['CreateUserDto'];
export type UserPatch = Schemas['UpdateUserDto'];
export type LoginInput = Schemas['LoginDto'];
export type PasswordChange = Schemas['ChangePasswordDto'];

export type AuditEntry = Schemas['AuditEntryResponse'];
export type AuditFilters = QueryOf<'Audit_list'>;
export type AuditVerifyResult = Schemas['AuditVerifyResult'];

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

export const API_BASE = '/api/admin';

/** A call leg that rang (or was answered) and never got a hangup, long after any plausible end. */
export type StaleCall = Schemas['StaleCall'];
/** The stale calls (`StaleCalls_summary`): the complete count and the oldest few (at most 20). */
export type StaleCallsSummary = Schemas['StaleCallsSummary'];

/**
 * A list of every value of a union type, checked: a value outside it, or one missing, fails to
 * compile (so a value the backend adds to an enum breaks the build until it is listed here).
 */
function everyValue<T extends string>() {
  return <const L extends readonly T[]>(
    list: L &
      ([Exclude<T, L[number]>] extends [never] ? unknown : { missing: Exclude<T, L[number]> }),
  ): readonly T[] => list;
}
