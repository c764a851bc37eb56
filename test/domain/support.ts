import { SYSTEM_ACTOR } from '../../src/common/actor';
import { EVENT_NAMES, EVENT_TYPES, EventModule, EventName } from '../../src/events/catalogue';
import { ApiTokensService } from '../../src/modules/auth/api-tokens.service';
import type { Scope } from '../../src/platform/http/access.decorators';
import type { TestApp } from '../support/app';

/** A machine token as an admin would create it; returns the `Authorization` header value. */
export async function bearer(t: TestApp, scopes: Scope[], name = 'domain e2e'): Promise<string> {
  const { plain } = await t.app.get(ApiTokensService).create(SYSTEM_ACTOR, { name, scopes });
  return `Bearer ${plain}`;
}

export interface OutboxRow {
  id: string;
  event_name: EventName;
  payload: Record<string, unknown>;
  ordering_key: string;
  sequence: number;
}

/** The id of the newest outbox row (a mark to read what is published after it). */
export async function outboxMark(t: TestApp): Promise<string> {
  const rows: { id: string | null }[] = await t.db.query(
    `SELECT max(id)::text AS id FROM outbox_events`,
  );
  return rows[0].id ?? '0';
}

/** Outbox rows after a mark, oldest first, optionally of some event names only. */
export async function outboxSince(
  t: TestApp,
  mark: string,
  names?: EventName[],
): Promise<OutboxRow[]> {
  return t.db.query(
    `SELECT id::text AS id, event_name, payload, ordering_key, sequence::int AS sequence
       FROM outbox_events
      WHERE id > $1::bigint AND ($2::text[] IS NULL OR event_name = ANY($2::text[]))
      ORDER BY outbox_events.id`,
    [mark, names ?? null],
  );
}

/**
 * The event names of one module: test files read only their own module's events, so they stay
 * correct even when jest runs several files at once against the same database.
 */
export function moduleEvents(module: EventModule): EventName[] {
  return EVENT_NAMES.filter((name) => EVENT_TYPES[name].module === module);
}

// ---------------------------------------------------------------------------------------------
// docs/receiver-guide.md §9, written down independently of src/events/catalogue.ts: the exact field
// set of each event's `data` and the type of each field (`?` = may be null).

type FieldType =
  | 'string'
  | 'uuid'
  | 'iso'
  | 'int'
  | 'object'
  | 'string[]'
  | 'direction'
  | 'digit'
  | `enum:${string}`;
type Schema = Record<string, `${FieldType}` | `${FieldType}?`>;

const ringing: Schema = {
  call_uuid: 'uuid',
  extension: 'string',
  direction: 'direction',
  caller_number: 'string',
  destination_number: 'string',
  timestamp: 'iso',
};
const hangup: Schema = {
  call_uuid: 'uuid',
  extension: 'string',
  direction: 'direction',
  caller_number: 'string',
  destination_number: 'string',
  started_at: 'iso',
  answered_at: 'iso?',
  ended_at: 'iso',
  duration: 'int',
  billsec: 'int',
  hangup_cause: 'string',
};
const lead: Schema = {
  id: 'int',
  campaign_id: 'int',
  full_name: 'string',
  phone: 'string',
  email: 'string?',
  custom_fields: 'object',
  status: 'string',
  disposition_code: 'string?',
  created_at: 'iso',
  updated_at: 'iso',
};
/** The fields every autocall.lead.* event starts with, and those of a dial attempt. */
const acCall: Schema = { uuid: 'uuid', campaign_id: 'int', lead_id: 'int' };
const acAttempt: Schema = {
  ...acCall,
  phone: 'string',
  external_ref: 'string?',
  attempt_number: 'int',
};
const acCampaign: Schema = {
  campaign_id: 'int',
  name: 'string',
  status: 'string',
  occurred_at: 'iso',
};

export const EVENT_SCHEMAS: Record<EventName, Schema> = {
  'pbx.call.ringing': ringing,
  'pbx.call.answered': { ...ringing, answered_at: 'iso' },
  'pbx.call.hangup': hangup,
  'pbx.cdr.created': {
    ...hangup,
    result: 'enum:answered|no_answer|busy|failed|cancelled',
    queue_name: 'string?',
    trunk_name: 'string?',
    recording_url: 'string?',
  },
  'telesales.lead.created': lead,
  'telesales.lead.updated': { ...lead, changed_fields: 'string[]' },
  'telesales.call.disposed': {
    call_uuid: 'uuid',
    lead_id: 'int',
    campaign_id: 'int',
    agent_extension: 'string',
    disposition_code: 'string',
    note: 'string?',
    callback_at: 'iso?',
    disposed_at: 'iso',
  },
  'telesales.campaign.completed': {
    campaign_id: 'int',
    name: 'string',
    total_leads: 'int',
    dialed_leads: 'int',
    completed_at: 'iso',
  },
  'autocall.campaign.started': acCampaign,
  'autocall.campaign.paused': acCampaign,
  'autocall.campaign.resumed': acCampaign,
  'autocall.campaign.finished': {
    ...acCampaign,
    total_leads: 'int',
    completed_leads: 'int',
    finished_reason: 'enum:all_leads_done|manual|end_at_reached',
  },
  'autocall.lead.dialed': { ...acAttempt, caller_id: 'string', started_at: 'iso' },
  'autocall.lead.answered': { ...acAttempt, answered_at: 'iso' },
  'autocall.lead.dtmf_pressed': {
    ...acCall,
    digit: 'digit',
    action_type: 'string?',
    pressed_at: 'iso',
  },
  'autocall.lead.transferred': {
    ...acCall,
    digit: 'digit?',
    queue_name: 'string',
    transferred_at: 'iso',
  },
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

function matches(type: FieldType, value: unknown): boolean {
  if (type.startsWith('enum:'))
    return type
      .slice(5)
      .split('|')
      .includes(value as string);
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'uuid':
      return typeof value === 'string' && UUID.test(value);
    case 'iso':
      return typeof value === 'string' && ISO_UTC.test(value) && !Number.isNaN(Date.parse(value));
    case 'int':
      return Number.isInteger(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'string[]':
      return Array.isArray(value) && value.every((v) => typeof v === 'string');
    case 'direction':
      return value === 'inbound' || value === 'outbound' || value === 'internal';
    case 'digit':
      return typeof value === 'string' && /^[0-9*#]$/.test(value);
    default:
      return false;
  }
}

/**
 * The problems of a payload against the receiver guide: missing or extra keys, wrong types. An
 * empty list means it is exactly right (used with `toEqual([])` so a failure names every problem).
 */
export function payloadProblems(name: EventName, payload: unknown): string[] {
  const schema = EVENT_SCHEMAS[name];
  if (typeof payload !== 'object' || payload === null) return ['payload is not an object'];
  const data = payload as Record<string, unknown>;
  const problems: string[] = [];
  const expected = Object.keys(schema).sort();
  const actual = Object.keys(data).sort();
  for (const key of expected) if (!actual.includes(key)) problems.push(`missing ${key}`);
  for (const key of actual) if (!expected.includes(key)) problems.push(`unexpected ${key}`);
  for (const [key, spec] of Object.entries(schema)) {
    if (!(key in data)) continue;
    const nullable = spec.endsWith('?');
    const type = (nullable ? spec.slice(0, -1) : spec) as FieldType;
    const value = data[key];
    if (value === null ? !nullable : !matches(type, value)) {
      problems.push(`${key}: ${JSON.stringify(value)} is not ${spec}`);
    }
  }
  return problems;
}

/**
 * docs/receiver-guide.md §5, written down independently of the catalogue: each event's ordering
 * key.
 */
export function expectedOrderingKey(name: EventName, data: Record<string, unknown>): string {
  const field = (f: string) => String(data[f]);
  if (name.startsWith('pbx.')) return `call:${field('call_uuid')}`;
  if (name.startsWith('autocall.lead.')) return `call:${field('uuid')}`;
  if (name.startsWith('autocall.campaign.')) return `autocall-campaign:${field('campaign_id')}`;
  if (name === 'telesales.campaign.completed') return `telesales-campaign:${field('campaign_id')}`;
  if (name === 'telesales.call.disposed') return `lead:${field('lead_id')}`;
  return `lead:${field('id')}`;
}

/**
 * Asserts one outbox row is `name` with exactly the receiver guide's fields and types, and carries
 * its ordering key (§5) and a sequence.
 */
export function expectEvent(row: OutboxRow | undefined, name: EventName): Record<string, unknown> {
  expect(row?.event_name).toBe(name);
  expect(payloadProblems(name, row?.payload)).toEqual([]);
  expect(row?.ordering_key).toBe(expectedOrderingKey(name, row!.payload));
  expect(Number.isInteger(row?.sequence) && row!.sequence >= 1).toBe(true);
  return row!.payload;
}
