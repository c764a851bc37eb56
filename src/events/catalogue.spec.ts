import type { EntityManager } from 'typeorm';
import {
  EVENT_NAMES,
  EVENT_TYPES,
  EventName,
  envelopeBody,
  isEventName,
  orderingKeyOf,
} from './catalogue';
import { EventBus } from './event-bus';

/** The fields every pbx.* event starts with, and those of a hangup (and of a CDR). */
const CALL_LEG = ['call_uuid', 'extension', 'direction', 'caller_number', 'destination_number'];
const HANGUP = [
  ...CALL_LEG,
  'started_at',
  'answered_at',
  'ended_at',
  'duration',
  'billsec',
  'hangup_cause',
];

/** The lead resource (telesales.lead.created, and .updated with `changed_fields`). */
const LEAD = [
  'id',
  'campaign_id',
  'full_name',
  'phone',
  'email',
  'custom_fields',
  'status',
  'disposition_code',
  'created_at',
  'updated_at',
];

/** The fields every autocall.lead.* event starts with, and those of a dial attempt. */
const AUTOCALL_CALL = ['uuid', 'campaign_id', 'lead_id'];
const DIAL_ATTEMPT = [...AUTOCALL_CALL, 'phone', 'external_ref', 'attempt_number'];

/** docs/receiver-guide.md §9, field by field. */
const FIELDS: Record<EventName, string[]> = {
  'pbx.call.ringing': [...CALL_LEG, 'timestamp'],
  'pbx.call.answered': [...CALL_LEG, 'timestamp', 'answered_at'],
  'pbx.call.hangup': HANGUP,
  'pbx.cdr.created': [...HANGUP, 'result', 'queue_name', 'trunk_name', 'recording_url'],
  'telesales.lead.created': LEAD,
  'telesales.lead.updated': [...LEAD, 'changed_fields'],
  'telesales.call.disposed': [
    'call_uuid',
    'lead_id',
    'campaign_id',
    'agent_extension',
    'disposition_code',
    'note',
    'callback_at',
    'disposed_at',
  ],
  'telesales.campaign.completed': [
    'campaign_id',
    'name',
    'total_leads',
    'dialed_leads',
    'completed_at',
  ],
  'autocall.campaign.started': ['campaign_id', 'name', 'status', 'occurred_at'],
  'autocall.campaign.paused': ['campaign_id', 'name', 'status', 'occurred_at'],
  'autocall.campaign.resumed': ['campaign_id', 'name', 'status', 'occurred_at'],
  'autocall.campaign.finished': [
    'campaign_id',
    'name',
    'status',
    'occurred_at',
    'total_leads',
    'completed_leads',
    'finished_reason',
  ],
  'autocall.lead.dialed': [...DIAL_ATTEMPT, 'caller_id', 'started_at'],
  'autocall.lead.answered': [...DIAL_ATTEMPT, 'answered_at'],
  'autocall.lead.dtmf_pressed': [...AUTOCALL_CALL, 'digit', 'action_type', 'pressed_at'],
  'autocall.lead.transferred': [...AUTOCALL_CALL, 'digit', 'queue_name', 'transferred_at'],
};

/**
 * docs/receiver-guide.md §5, written down independently: the key of each event from its payload.
 */
const KEYS: Record<EventName, (d: Record<string, unknown>) => string> = {
  'pbx.call.ringing': (d) => `call:${String(d.call_uuid)}`,
  'pbx.call.answered': (d) => `call:${String(d.call_uuid)}`,
  'pbx.call.hangup': (d) => `call:${String(d.call_uuid)}`,
  'pbx.cdr.created': (d) => `call:${String(d.call_uuid)}`,
  'telesales.lead.created': (d) => `lead:${String(d.id)}`,
  'telesales.lead.updated': (d) => `lead:${String(d.id)}`,
  'telesales.call.disposed': (d) => `lead:${String(d.lead_id)}`,
  'telesales.campaign.completed': (d) => `telesales-campaign:${String(d.campaign_id)}`,
  'autocall.campaign.started': (d) => `autocall-campaign:${String(d.campaign_id)}`,
  'autocall.campaign.paused': (d) => `autocall-campaign:${String(d.campaign_id)}`,
  'autocall.campaign.resumed': (d) => `autocall-campaign:${String(d.campaign_id)}`,
  'autocall.campaign.finished': (d) => `autocall-campaign:${String(d.campaign_id)}`,
  'autocall.lead.dialed': (d) => `call:${String(d.uuid)}`,
  'autocall.lead.answered': (d) => `call:${String(d.uuid)}`,
  'autocall.lead.dtmf_pressed': (d) => `call:${String(d.uuid)}`,
  'autocall.lead.transferred': (d) => `call:${String(d.uuid)}`,
};

describe('event catalogue', () => {
  it('has the 16 events of the receiver guide, each with a description and a sample of exactly its fields', () => {
    expect(EVENT_NAMES).toHaveLength(16);
    expect([...EVENT_NAMES].sort()).toEqual(Object.keys(FIELDS).sort());
    for (const name of EVENT_NAMES) {
      const t = EVENT_TYPES[name];
      expect(t.name).toBe(name);
      expect(name.startsWith(`${t.module}.`)).toBe(true);
      expect(t.description.length).toBeGreaterThan(10);
      expect(Object.keys(t.sample).sort()).toEqual([...FIELDS[name]].sort());
    }
    expect(isEventName('pbx.call.hangup')).toBe(true);
    expect(isEventName('pbx.call.exploded')).toBe(false);
    expect(isEventName('toString')).toBe(false);
  });

  describe('ordering keys (receiver guide §5)', () => {
    it.each(EVENT_NAMES)('%s has its key from its own payload', (name) => {
      const sample = EVENT_TYPES[name].sample as unknown as Record<string, unknown>;
      expect(orderingKeyOf(name, EVENT_TYPES[name].sample)).toBe(KEYS[name](sample));
      // The key follows the payload, not the sample: change every id-like field and it follows.
      const other = { ...sample };
      for (const field of ['call_uuid', 'uuid']) {
        if (field in other) other[field] = '0b7e4c1a-9d2f-4a6b-8c3e-5f1d2a7b9c04';
      }
      for (const field of ['id', 'lead_id', 'campaign_id']) {
        if (field in other) other[field] = 987654;
      }
      const key = EVENT_TYPES[name].orderingKey as (d: unknown) => string;
      expect(key(other)).toBe(KEYS[name](other));
      expect(key(other)).not.toBe(key(sample));
    });

    it('a catalogue entry without a key does not compile', () => {
      const { orderingKey: _key, ...withoutKey } = EVENT_TYPES['pbx.call.ringing'];
      // Checked by `tsc --noEmit` (npm run typecheck): the line must be a type error.
      // @ts-expect-error orderingKey is required
      const entry: (typeof EVENT_TYPES)['pbx.call.ringing'] = withoutKey;
      expect(entry).not.toHaveProperty('orderingKey');
    });
  });

  it('builds the envelope as the receiver guide shows it, keeping the payload key order', () => {
    const body = envelopeBody(
      'pbx.call.ringing',
      new Date('2026-06-29T03:30:12Z'),
      7,
      EVENT_TYPES['pbx.call.ringing'].sample,
    );
    const parsed = JSON.parse(body) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(['event', 'timestamp', 'tenant_id', 'data']);
    expect(parsed).toEqual({
      event: 'pbx.call.ringing',
      timestamp: '2026-06-29T03:30:12.000Z',
      tenant_id: 7,
      data: EVENT_TYPES['pbx.call.ringing'].sample,
    });
    expect(Object.keys(parsed.data as object)).toEqual(FIELDS['pbx.call.ringing']);
  });

  it('lets publish() compile only for a name with its own payload, and refuses to run outside a transaction', async () => {
    const bus = new EventBus();
    const noTransaction = { queryRunner: undefined } as unknown as EntityManager;
    const ringing = EVENT_TYPES['pbx.call.ringing'].sample;
    // These lines are checked by `tsc --noEmit` (npm run typecheck): each must be a type error.
    const rejected = [
      // @ts-expect-error misspelled event name
      () => bus.publish(noTransaction, 'pbx.call.ringin', ringing),
      // @ts-expect-error a payload of another event
      () => bus.publish(noTransaction, 'pbx.call.hangup', ringing),
      // @ts-expect-error a payload with a missing field
      () => bus.publish(noTransaction, 'pbx.call.ringing', { ...ringing, extension: undefined }),
    ];
    expect(rejected).toHaveLength(3);
    await expect(bus.publish(noTransaction, 'pbx.call.ringing', ringing)).rejects.toThrow(
      /open transaction/,
    );
  });
});
