/**
 * The 16 events of docs/receiver-guide.md §9: one payload type per name, a one-line description and
 * a realistic sample. `publish()` accepts only a name with its own payload type.
 */

export type Iso = string;
export type CallDirection = 'inbound' | 'outbound' | 'internal';

export interface CallRingingPayload {
  call_uuid: string;
  extension: string;
  direction: CallDirection;
  caller_number: string;
  destination_number: string;
  timestamp: Iso;
}

export interface CallAnsweredPayload extends CallRingingPayload {
  answered_at: Iso;
}

export interface CallHangupPayload {
  call_uuid: string;
  extension: string;
  direction: CallDirection;
  caller_number: string;
  destination_number: string;
  started_at: Iso;
  answered_at: Iso | null;
  ended_at: Iso;
  duration: number;
  billsec: number;
  hangup_cause: string;
}

export interface CdrCreatedPayload extends CallHangupPayload {
  result: 'answered' | 'no_answer' | 'busy' | 'failed' | 'cancelled';
  queue_name: string | null;
  trunk_name: string | null;
  recording_url: string | null;
}

export interface LeadPayload {
  id: number;
  campaign_id: number;
  full_name: string;
  phone: string;
  email: string | null;
  custom_fields: Record<string, unknown>;
  status: string;
  disposition_code: string | null;
  created_at: Iso;
  updated_at: Iso;
}

export interface LeadUpdatedPayload extends LeadPayload {
  changed_fields: string[];
}

export interface CallDisposedPayload {
  call_uuid: string;
  lead_id: number;
  campaign_id: number;
  agent_extension: string;
  disposition_code: string;
  note: string | null;
  callback_at: Iso | null;
  disposed_at: Iso;
}

export interface TelesalesCampaignCompletedPayload {
  campaign_id: number;
  name: string;
  total_leads: number;
  dialed_leads: number;
  completed_at: Iso;
}

export interface AutocallCampaignPayload {
  campaign_id: number;
  name: string;
  status: string;
  occurred_at: Iso;
}

export interface AutocallCampaignFinishedPayload extends AutocallCampaignPayload {
  total_leads: number;
  completed_leads: number;
  finished_reason: 'all_leads_done' | 'manual' | 'end_at_reached';
}

/** What the events of one call attempt (dialed, answered) say about it. */
interface AutocallAttemptFields {
  uuid: string;
  campaign_id: number;
  lead_id: number;
  phone: string;
  external_ref: string | null;
  attempt_number: number;
}

export interface AutocallLeadDialedPayload extends AutocallAttemptFields {
  caller_id: string;
  started_at: Iso;
}

export interface AutocallLeadAnsweredPayload extends AutocallAttemptFields {
  answered_at: Iso;
}

export interface AutocallDtmfPayload {
  uuid: string;
  campaign_id: number;
  lead_id: number;
  digit: string;
  action_type: string | null;
  pressed_at: Iso;
}

export interface AutocallTransferredPayload {
  uuid: string;
  campaign_id: number;
  lead_id: number;
  digit: string | null;
  queue_name: string;
  transferred_at: Iso;
}

export interface EventPayloads {
  'pbx.call.ringing': CallRingingPayload;
  'pbx.call.answered': CallAnsweredPayload;
  'pbx.call.hangup': CallHangupPayload;
  'pbx.cdr.created': CdrCreatedPayload;
  'telesales.lead.created': LeadPayload;
  'telesales.lead.updated': LeadUpdatedPayload;
  'telesales.call.disposed': CallDisposedPayload;
  'telesales.campaign.completed': TelesalesCampaignCompletedPayload;
  'autocall.campaign.started': AutocallCampaignPayload;
  'autocall.campaign.paused': AutocallCampaignPayload;
  'autocall.campaign.resumed': AutocallCampaignPayload;
  'autocall.campaign.finished': AutocallCampaignFinishedPayload;
  'autocall.lead.dialed': AutocallLeadDialedPayload;
  'autocall.lead.answered': AutocallLeadAnsweredPayload;
  'autocall.lead.dtmf_pressed': AutocallDtmfPayload;
  'autocall.lead.transferred': AutocallTransferredPayload;
}

export type EventName = keyof EventPayloads;
export type EventModule = 'pbx' | 'telesales' | 'autocall';

export interface EventType<N extends EventName = EventName> {
  name: N;
  module: EventModule;
  description: string;
  sample: EventPayloads[N];
  /**
   * The event's ordering key (docs/receiver-guide.md §5): the events of one key get sequences 1, 2,
   * 3, … in the order their transactions commit. Required, so an entry without a key does not
   * compile.
   */
  orderingKey: (data: EventPayloads[N]) => string;
}

/** `call:<uuid>`: every event of one call (PBX and AutoCall). */
const callKey = (d: { call_uuid: string }): string => `call:${d.call_uuid}`;
const autocallCallKey = (d: { uuid: string }): string => `call:${d.uuid}`;
/** `lead:<id>`: a Telesales lead's life and the dispositions of its calls. */
const leadKey = (d: { id: number }): string => `lead:${d.id}`;
const dispositionKey = (d: { lead_id: number }): string => `lead:${d.lead_id}`;
const telesalesCampaignKey = (d: { campaign_id: number }): string =>
  `telesales-campaign:${d.campaign_id}`;
const autocallCampaignKey = (d: { campaign_id: number }): string =>
  `autocall-campaign:${d.campaign_id}`;

const CALL = '6f1c2b0e-4d1a-4c8e-9a57-3e2f8b1d7c40';
const AUTOCALL = 'b3e9a7d2-51c4-4f0e-8d6a-9c2e1f4a7b53';

const ringing: CallRingingPayload = {
  call_uuid: CALL,
  extension: '1001',
  direction: 'inbound',
  caller_number: '84912345678',
  destination_number: '1001',
  timestamp: '2026-06-29T03:29:40Z',
};
const answered: CallAnsweredPayload = { ...ringing, answered_at: '2026-06-29T03:29:46Z' };
const hangup: CallHangupPayload = {
  call_uuid: CALL,
  extension: '1001',
  direction: 'inbound',
  caller_number: '84912345678',
  destination_number: '1001',
  started_at: '2026-06-29T03:29:40Z',
  answered_at: '2026-06-29T03:29:46Z',
  ended_at: '2026-06-29T03:30:12Z',
  duration: 32,
  billsec: 26,
  hangup_cause: 'NORMAL_CLEARING',
};
const lead: LeadPayload = {
  id: 4821,
  campaign_id: 17,
  full_name: 'Nguyễn Văn An',
  phone: '84912345678',
  email: 'an.nguyen@example.com',
  custom_fields: { province: 'Hà Nội', product: 'Gói Premium' },
  status: 'new',
  disposition_code: null,
  created_at: '2026-06-29T02:10:00Z',
  updated_at: '2026-06-29T02:10:00Z',
};
const acCampaign: AutocallCampaignPayload = {
  campaign_id: 9,
  name: 'Nhắc lịch hẹn tháng 7',
  status: 'running',
  occurred_at: '2026-06-29T03:00:00Z',
};

/** The catalogue, in the order of docs/receiver-guide.md §9. */
/** The fields an AutoCall call attempt's events (dialed, answered) share. */
const acAttempt = {
  uuid: AUTOCALL,
  campaign_id: 9,
  lead_id: 30117,
  phone: '84987654321',
  external_ref: 'CRM-88213',
  attempt_number: 1,
};

export const EVENT_TYPES: { [N in EventName]: EventType<N> } = {
  'pbx.call.ringing': {
    name: 'pbx.call.ringing',
    module: 'pbx',
    orderingKey: callKey,
    description: 'An inbound call hits an extension and it is ringing',
    sample: ringing,
  },
  'pbx.call.answered': {
    name: 'pbx.call.answered',
    module: 'pbx',
    orderingKey: callKey,
    description: 'The extension picks up',
    sample: answered,
  },
  'pbx.call.hangup': {
    name: 'pbx.call.hangup',
    module: 'pbx',
    orderingKey: callKey,
    description: 'The call ends (real time, from the PBX event socket)',
    sample: hangup,
  },
  'pbx.cdr.created': {
    name: 'pbx.cdr.created',
    module: 'pbx',
    orderingKey: callKey,
    description: 'The CDR pipeline has inserted the full row, recording_url included',
    sample: {
      ...hangup,
      result: 'answered',
      queue_name: 'sales',
      trunk_name: 'viettel-sip-01',
      recording_url: 'https://pbx.example.com/recordings/2026/06/29/6f1c2b0e.wav',
    },
  },
  'telesales.lead.created': {
    name: 'telesales.lead.created',
    module: 'telesales',
    orderingKey: leadKey,
    description: 'A lead is inserted or imported',
    sample: lead,
  },
  'telesales.lead.updated': {
    name: 'telesales.lead.updated',
    module: 'telesales',
    orderingKey: leadKey,
    description: "A lead's disposition or custom fields change",
    sample: {
      ...lead,
      status: 'contacted',
      disposition_code: 'INTERESTED',
      updated_at: '2026-06-29T03:31:00Z',
      changed_fields: ['status', 'disposition_code'],
    },
  },
  'telesales.call.disposed': {
    name: 'telesales.call.disposed',
    module: 'telesales',
    orderingKey: dispositionKey,
    description: 'An agent sets the outcome of a call',
    sample: {
      call_uuid: CALL,
      lead_id: 4821,
      campaign_id: 17,
      agent_extension: '1001',
      disposition_code: 'INTERESTED',
      note: 'Customer asked for a quote by email',
      callback_at: '2026-06-30T02:00:00Z',
      disposed_at: '2026-06-29T03:31:00Z',
    },
  },
  'telesales.campaign.completed': {
    name: 'telesales.campaign.completed',
    module: 'telesales',
    orderingKey: telesalesCampaignKey,
    description: 'Every lead in a campaign has been dialed',
    sample: {
      campaign_id: 17,
      name: 'Khuyến mãi hè 2026',
      total_leads: 1200,
      dialed_leads: 1200,
      completed_at: '2026-06-29T09:45:00Z',
    },
  },
  'autocall.campaign.started': {
    name: 'autocall.campaign.started',
    module: 'autocall',
    orderingKey: autocallCampaignKey,
    description: 'An AutoCall campaign starts dialing',
    sample: acCampaign,
  },
  'autocall.campaign.paused': {
    name: 'autocall.campaign.paused',
    module: 'autocall',
    orderingKey: autocallCampaignKey,
    description: 'An AutoCall campaign is paused',
    sample: { ...acCampaign, status: 'paused', occurred_at: '2026-06-29T04:00:00Z' },
  },
  'autocall.campaign.resumed': {
    name: 'autocall.campaign.resumed',
    module: 'autocall',
    orderingKey: autocallCampaignKey,
    description: 'A paused AutoCall campaign resumes dialing',
    sample: { ...acCampaign, status: 'running', occurred_at: '2026-06-29T04:15:00Z' },
  },
  'autocall.campaign.finished': {
    name: 'autocall.campaign.finished',
    module: 'autocall',
    orderingKey: autocallCampaignKey,
    description: 'An AutoCall campaign finishes',
    sample: {
      ...acCampaign,
      status: 'finished',
      occurred_at: '2026-06-29T08:00:00Z',
      total_leads: 500,
      completed_leads: 500,
      finished_reason: 'all_leads_done',
    },
  },
  'autocall.lead.dialed': {
    name: 'autocall.lead.dialed',
    module: 'autocall',
    orderingKey: autocallCallKey,
    description: 'The dialer places a call to a lead',
    sample: {
      ...acAttempt,
      caller_id: '842873001234',
      started_at: '2026-06-29T03:05:00Z',
    },
  },
  'autocall.lead.answered': {
    name: 'autocall.lead.answered',
    module: 'autocall',
    orderingKey: autocallCallKey,
    description: 'The lead picks up',
    sample: {
      ...acAttempt,
      answered_at: '2026-06-29T03:05:07Z',
    },
  },
  'autocall.lead.dtmf_pressed': {
    name: 'autocall.lead.dtmf_pressed',
    module: 'autocall',
    orderingKey: autocallCallKey,
    description: 'The lead presses a key (one event per key press)',
    sample: {
      uuid: AUTOCALL,
      campaign_id: 9,
      lead_id: 30117,
      digit: '1',
      action_type: 'confirm',
      pressed_at: '2026-06-29T03:05:21Z',
    },
  },
  'autocall.lead.transferred': {
    name: 'autocall.lead.transferred',
    module: 'autocall',
    orderingKey: autocallCallKey,
    description: 'The call is transferred to an agent queue',
    sample: {
      uuid: AUTOCALL,
      campaign_id: 9,
      lead_id: 30117,
      digit: '9',
      queue_name: 'support',
      transferred_at: '2026-06-29T03:05:25Z',
    },
  },
};

export const EVENT_NAMES = Object.keys(EVENT_TYPES) as EventName[];

/** The ordering key of an event, by its catalogue entry. */
export function orderingKeyOf<N extends EventName>(name: N, data: EventPayloads[N]): string {
  return (EVENT_TYPES[name] as EventType<N>).orderingKey(data);
}

export function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(EVENT_TYPES, value);
}

/** The exact body bytes of every delivery of an event. */
export function envelopeBody(
  event: EventName,
  occurredAt: Date,
  tenantId: number,
  data: unknown,
): string {
  return `{"event":${JSON.stringify(event)},"timestamp":${JSON.stringify(occurredAt.toISOString())},"tenant_id":${tenantId},"data":${JSON.stringify(data)}}`;
}
