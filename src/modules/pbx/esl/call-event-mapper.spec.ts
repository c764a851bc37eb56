import {
  FakeFreeswitch,
  SimulateCallOptions,
} from '../../../../tools/fake-freeswitch/fake-freeswitch';
import { CallFact, mapCallEvent, toCallEventMessage } from './call-event-mapper';

const CALL = '6f1c2b0e-4d1a-4c8e-9a57-3e2f8b1d7c40';
const START = Date.parse('2026-06-29T03:29:40.000Z');

/** Plays a call on a fake FreeSWITCH with no client attached and maps every event it makes. */
async function factsOf(options: Partial<SimulateCallOptions>): Promise<CallFact[]> {
  const call = await new FakeFreeswitch().simulateCall({
    uuid: CALL,
    from: '84912345678',
    to: '02873001234',
    extension: '1001',
    answer: true,
    talkSeconds: 26,
    startAtMs: START,
    ...options,
  });
  return call.events.map((e) => mapCallEvent(e)).filter((f): f is CallFact => f !== null);
}

/**
 * A B-leg event shaped like real FreeSWITCH 1.10 output for `bridge user/1001` from a trunk
 * (trimmed to the headers that matter plus a few that must be ignored).
 */
function bLegEvent(name: string, extra: Record<string, string> = {}) {
  return {
    name,
    headers: {
      'Event-Name': name,
      'Core-UUID': '14ecc6eb-9b31-49ee-ae32-837124ef32ab',
      'Event-Date-Timestamp': '1782703790950000',
      'Unique-ID': '7121f14d-121d-4329-868c-1ac0b1052c04',
      'Call-Direction': 'outbound',
      'Presence-Call-Direction': 'outbound',
      'Channel-Call-UUID': '7aa49fb7-cb15-45cc-a528-ca496e9ecad2',
      'Channel-Name': 'sofia/internal/1001@192.0.2.44:5060',
      'Answer-State': 'ringing',
      'Caller-Direction': 'outbound',
      'Caller-Caller-ID-Name': 'Nguyễn Văn An',
      'Caller-Caller-ID-Number': '0901234567',
      'Caller-Destination-Number': '1001',
      'Caller-Context': 'public',
      'Caller-Channel-Created-Time': '1782703780100000',
      'Caller-Channel-Progress-Time': '1782703780400000',
      'Caller-Channel-Progress-Media-Time': '0',
      'Caller-Channel-Answered-Time': '0',
      'Caller-Channel-Hangup-Time': '0',
      'Other-Type': 'originator',
      'Other-Leg-Direction': 'inbound',
      'Other-Leg-Unique-ID': '7aa49fb7-cb15-45cc-a528-ca496e9ecad2',
      'Other-Leg-Caller-ID-Number': '0901234567',
      'Other-Leg-Destination-Number': '02873001234',
      'Other-Leg-Channel-Created-Time': '0',
      variable_call_uuid: '7aa49fb7-cb15-45cc-a528-ca496e9ecad2',
      variable_originator: '7aa49fb7-cb15-45cc-a528-ca496e9ecad2',
      variable_originating_leg_uuid: '7aa49fb7-cb15-45cc-a528-ca496e9ecad2',
      variable_dialed_user: '1001',
      variable_dialed_domain: 'pbx.zorio.local',
      variable_dialed_extension: '1001',
      variable_export_vars: 'dialed_extension',
      ...extra,
    },
  };
}

/** What every fact of bLegEvent's leg says about the call: the A-leg's call, the B-leg's extension. */
const B_LEG_CALL = {
  call_uuid: '7aa49fb7-cb15-45cc-a528-ca496e9ecad2',
  extension: '1001',
  direction: 'inbound',
  caller_number: '0901234567',
  destination_number: '02873001234',
};
/** bLegEvent's leg answered at 03:29:46.3 and hung up at 03:30:12.3 with a normal clearing. */
const ANSWERED = { 'Caller-Channel-Answered-Time': '1782703786300000' };
const HUNG_UP = {
  ...ANSWERED,
  'Caller-Channel-Hangup-Time': '1782703812300000',
  variable_hangup_cause: 'NORMAL_CLEARING',
};

/** A ringing leg the dialplan set no dialed user for: only its destination number names whom. */
const undialedLeg = (destination: string) =>
  bLegEvent('CHANNEL_PROGRESS', {
    'Caller-Destination-Number': destination,
    variable_dialed_user: '',
    variable_dialed_extension: '',
  });

describe('mapCallEvent on real-shaped FreeSWITCH events', () => {
  it('maps the ringing B-leg (CHANNEL_PROGRESS) to a ringing fact', () => {
    expect(mapCallEvent(bLegEvent('CHANNEL_PROGRESS'))).toEqual({
      kind: 'ringing',
      ...B_LEG_CALL,
      timestamp: '2026-06-29T03:29:40.400Z',
    });
  });

  it('maps CHANNEL_ANSWER with ringing start and answer time', () => {
    const fact = mapCallEvent(
      bLegEvent('CHANNEL_ANSWER', { 'Answer-State': 'answered', ...ANSWERED }),
    );
    expect(fact).toMatchObject({
      kind: 'answered',
      timestamp: '2026-06-29T03:29:40.400Z',
      answered_at: '2026-06-29T03:29:46.300Z',
    });
  });

  it('maps CHANNEL_HANGUP_COMPLETE with FreeSWITCH durations and the Q.850 cause', () => {
    const fact = mapCallEvent(
      bLegEvent('CHANNEL_HANGUP_COMPLETE', {
        'Answer-State': 'hangup',
        'Hangup-Cause': 'NORMAL_CLEARING',
        ...HUNG_UP,
        variable_duration: '32',
        variable_billsec: '26',
      }),
    );
    expect(fact).toEqual({
      kind: 'hangup',
      ...B_LEG_CALL,
      started_at: '2026-06-29T03:29:40.100Z',
      answered_at: '2026-06-29T03:29:46.300Z',
      ended_at: '2026-06-29T03:30:12.300Z',
      duration: 32,
      billsec: 26,
      hangup_cause: 'NORMAL_CLEARING',
    });
  });

  it('computes durations and the cause when the variables are missing', () => {
    const fact = mapCallEvent(bLegEvent('CHANNEL_HANGUP_COMPLETE', HUNG_UP));
    expect(fact).toMatchObject({ duration: 32, billsec: 26, hangup_cause: 'NORMAL_CLEARING' });
  });

  it('reports ringing once when both 180 and 183 arrive', () => {
    const media = bLegEvent('CHANNEL_PROGRESS_MEDIA', {
      'Caller-Channel-Progress-Media-Time': '1782703780900000',
    });
    expect(mapCallEvent(media)).toBeNull();
    const mediaOnly = bLegEvent('CHANNEL_PROGRESS_MEDIA', {
      'Caller-Channel-Progress-Time': '0',
      'Caller-Channel-Progress-Media-Time': '1782703780900000',
    });
    expect(mapCallEvent(mediaOnly)).toMatchObject({
      kind: 'ringing',
      timestamp: '2026-06-29T03:29:40.900Z',
    });
  });

  it('ignores A-legs, legs toward trunks, and other events', () => {
    const aLeg = bLegEvent('CHANNEL_ANSWER', {
      'Unique-ID': '7aa49fb7-cb15-45cc-a528-ca496e9ecad2',
      'Call-Direction': 'inbound',
      'Caller-Destination-Number': '02873001234',
      'Other-Type': 'originatee',
    });
    expect(mapCallEvent(aLeg)).toBeNull();
    expect(mapCallEvent(undialedLeg('0987654321'))).toBeNull(); // toward a trunk
    expect(mapCallEvent(bLegEvent('CHANNEL_CREATE'))).toBeNull();
    expect(mapCallEvent(bLegEvent('CHANNEL_BRIDGE'))).toBeNull();
    expect(mapCallEvent({ name: 'HEARTBEAT', headers: { 'Event-Name': 'HEARTBEAT' } })).toBeNull();
    expect(mapCallEvent({ name: 'CHANNEL_ANSWER', headers: {} })).toBeNull();
  });

  it('falls back to Caller-Destination-Number when it looks like an extension', () => {
    const direct = undialedLeg('2005');
    expect(mapCallEvent(direct)).toMatchObject({ extension: '2005' });
    expect(mapCallEvent(direct, { extensionPattern: /^1\d{3}$/ })).toBeNull();
  });

  it('classifies a leg FreeSWITCH originated on its own (click-to-call) as outbound', () => {
    const originate = bLegEvent('CHANNEL_PROGRESS', {
      'Channel-Call-UUID': '7121f14d-121d-4329-868c-1ac0b1052c04',
      'Other-Type': '',
      'Other-Leg-Unique-ID': '',
      'Other-Leg-Destination-Number': '',
      variable_call_uuid: '',
      variable_originator: '',
      variable_originating_leg_uuid: '',
      variable_dialed_extension: '',
      'Caller-Caller-ID-Number': '0987654321',
    });
    expect(mapCallEvent(originate)).toMatchObject({
      call_uuid: '7121f14d-121d-4329-868c-1ac0b1052c04',
      direction: 'outbound',
      destination_number: '1001',
    });
  });
});

describe('mapCallEvent over calls played by the fake FreeSWITCH', () => {
  it('answered call, normal clearing: ringing, answered, hangup', async () => {
    const facts = await factsOf({ ringSeconds: 6 });
    const ringing = {
      call_uuid: CALL,
      extension: '1001',
      direction: 'inbound',
      caller_number: '84912345678',
      destination_number: '02873001234',
    };
    expect(facts).toEqual([
      { kind: 'ringing', ...ringing, timestamp: '2026-06-29T03:29:40.300Z' },
      {
        kind: 'answered',
        ...ringing,
        timestamp: '2026-06-29T03:29:40.300Z',
        answered_at: '2026-06-29T03:29:46.300Z',
      },
      {
        kind: 'hangup',
        ...ringing,
        started_at: '2026-06-29T03:29:40.050Z',
        answered_at: '2026-06-29T03:29:46.300Z',
        ended_at: '2026-06-29T03:30:12.300Z',
        duration: 32,
        billsec: 26,
        hangup_cause: 'NORMAL_CLEARING',
      },
    ]);
    expect(toCallEventMessage(facts[1])).toEqual({
      name: 'pbx.call.answered',
      payload: {
        ...ringing,
        timestamp: '2026-06-29T03:29:40.300Z',
        answered_at: '2026-06-29T03:29:46.300Z',
      },
    });
  });

  it('no answer: rings 30 s, hangup NO_ANSWER with no answer time', async () => {
    const facts = await factsOf({ answer: false, talkSeconds: 0 });
    expect(facts.map((f) => f.kind)).toEqual(['ringing', 'hangup']);
    expect(facts[1]).toMatchObject({
      answered_at: null,
      ended_at: '2026-06-29T03:30:10.300Z',
      duration: 30,
      billsec: 0,
      hangup_cause: 'NO_ANSWER',
    });
  });

  it('busy: a phone that rejects at once never rings; one that rejects while ringing does', async () => {
    const atOnce = await factsOf({
      answer: false,
      talkSeconds: 0,
      hangupCause: 'USER_BUSY',
      ring: false,
    });
    expect(atOnce).toEqual([
      expect.objectContaining({
        kind: 'hangup',
        answered_at: null,
        duration: 0,
        billsec: 0,
        hangup_cause: 'USER_BUSY',
      }),
    ]);
    const whileRinging = await factsOf({ answer: false, talkSeconds: 0, hangupCause: 'USER_BUSY' });
    expect(whileRinging.map((f) => f.kind)).toEqual(['ringing', 'hangup']);
    expect(whileRinging[1]).toMatchObject({ hangup_cause: 'USER_BUSY', duration: 3 });
  });

  it('internal call between two extensions', async () => {
    const facts = await factsOf({ from: '1000', to: undefined, talkSeconds: 5 });
    expect(facts.map((f) => [f.kind, f.direction, f.caller_number, f.destination_number])).toEqual([
      ['ringing', 'internal', '1000', '1001'],
      ['answered', 'internal', '1000', '1001'],
      ['hangup', 'internal', '1000', '1001'],
    ]);
    const hangup = facts[2];
    expect(hangup.kind === 'hangup' && hangup.billsec).toBe(5);
  });
});
