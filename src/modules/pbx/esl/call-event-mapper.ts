import type {
  CallAnsweredPayload,
  CallDirection,
  CallHangupPayload,
  CallRingingPayload,
} from '../../../events/catalogue';

/**
 * Turns FreeSWITCH channel events into the domain facts behind `pbx.call.ringing`,
 * `pbx.call.answered` and `pbx.call.hangup` (payload fields exactly as docs/receiver-guide.md §9
 * lists them, plus `kind`).
 *
 * Which leg: only the leg FreeSWITCH places *toward an extension* is mapped. In a real call from
 * a trunk, the A-leg (`Call-Direction: inbound`, context `public`) runs the dialplan, which
 * `export`s `dialed_extension` and bridges to `user/1001`; that creates a B-leg with
 * `Call-Direction: outbound`, `variable_dialed_user: 1001`, `Other-Type: originator` and the
 * A-leg's uuid in `Channel-Call-UUID` / `variable_call_uuid`. A leg is an extension leg when
 * `Call-Direction` is `outbound` and an extension is found in, by priority,
 * `variable_dialed_user` (set by the `user/` endpoint), `variable_dialed_extension` (exported by
 * the default dialplan), or `Caller-Destination-Number` if it looks like an extension
 * (`extensionPattern`). A-legs and legs toward trunks map to null, so each call-to-an-extension
 * gives one ringing / answered / hangup, and a ring group gives one per extension rung (losing
 * legs end with `LOSE_RACE` or `ORIGINATOR_CANCEL`).
 *
 * Events: ringing = `CHANNEL_PROGRESS` (180 Ringing from the phone) or `CHANNEL_PROGRESS_MEDIA`
 * (183), whichever comes first (the second one is recognised statelessly because the first one's
 * `Caller-Channel-Progress[-Media]-Time` is already set). `CHANNEL_CREATE` is not used: the leg
 * exists before the phone rings, and an unregistered or busy phone never rings.
 * Answered = `CHANNEL_ANSWER`; hangup = `CHANNEL_HANGUP_COMPLETE`. Anything else maps to null.
 *
 * Fields: `call_uuid` is the call's uuid shared by its legs (`Channel-Call-UUID`, i.e. the A-leg
 * uuid, the one mod_json_cdr reports for the call). `direction`: `outbound` when the extension
 * leg has no originating leg (FreeSWITCH originated it, e.g. click-to-call), `internal` when the
 * caller number is itself an extension, else `inbound`. `caller_number` is the caller id number
 * on the leg; `destination_number` is what the caller dialed (the A-leg's destination, e.g. the
 * DID, from `Other-Leg-Destination-Number`), falling back to the leg's own destination.
 * Times are ISO 8601 UTC (millisecond precision) from FreeSWITCH's microsecond epochs.
 */

export type CallRingingFact = { readonly kind: 'ringing' } & CallRingingPayload;
export type CallAnsweredFact = { readonly kind: 'answered' } & CallAnsweredPayload;
export type CallHangupFact = { readonly kind: 'hangup' } & CallHangupPayload;
export type CallFact = CallRingingFact | CallAnsweredFact | CallHangupFact;

/** A fact as the event-bus message it becomes (name + payload as in docs/receiver-guide.md §9). */
export type CallEventMessage =
  | { readonly name: 'pbx.call.ringing'; readonly payload: CallRingingPayload }
  | { readonly name: 'pbx.call.answered'; readonly payload: CallAnsweredPayload }
  | { readonly name: 'pbx.call.hangup'; readonly payload: CallHangupPayload };

/** Structural input: an `EslEvent` from the client, or any `{ name, headers }`. */
export interface ChannelEventInput {
  readonly name: string;
  readonly headers: Readonly<Record<string, string>>;
}

export interface CallEventMapperOptions {
  /** What an extension number looks like; default `/^\d{2,6}$/`. */
  readonly extensionPattern?: RegExp;
}

/** The ESL subscription the mapper needs (`event json ...`). */
export const CALL_EVENT_NAMES: readonly string[] = [
  'CHANNEL_PROGRESS',
  'CHANNEL_PROGRESS_MEDIA',
  'CHANNEL_ANSWER',
  'CHANNEL_HANGUP_COMPLETE',
];

const DEFAULT_EXTENSION_PATTERN = /^\d{2,6}$/;

interface LegInfo {
  readonly call_uuid: string;
  readonly extension: string;
  readonly direction: CallDirection;
  readonly caller_number: string;
  readonly destination_number: string;
}

export function mapCallEvent(
  event: ChannelEventInput,
  options: CallEventMapperOptions = {},
): CallFact | null {
  const h = event.headers;
  const name = event.name || h['Event-Name'];
  if (!CALL_EVENT_NAMES.includes(name)) return null;
  const leg = extensionLeg(h, options.extensionPattern ?? DEFAULT_EXTENSION_PATTERN);
  if (!leg) return null;
  const eventTime = micros(h['Event-Date-Timestamp']);

  switch (name) {
    case 'CHANNEL_PROGRESS':
    case 'CHANNEL_PROGRESS_MEDIA': {
      const own = micros(
        h[
          name === 'CHANNEL_PROGRESS'
            ? 'Caller-Channel-Progress-Time'
            : 'Caller-Channel-Progress-Media-Time'
        ],
      );
      const other = micros(
        h[
          name === 'CHANNEL_PROGRESS'
            ? 'Caller-Channel-Progress-Media-Time'
            : 'Caller-Channel-Progress-Time'
        ],
      );
      // The other kind of progress came first and already reported the ringing.
      if (other !== null && (own === null || other < own)) return null;
      const at = own ?? eventTime;
      return at === null ? null : { kind: 'ringing', ...leg, timestamp: iso(at) };
    }
    case 'CHANNEL_ANSWER': {
      const answered = micros(h['Caller-Channel-Answered-Time']) ?? eventTime;
      const rang = ringStart(h) ?? answered;
      if (answered === null || rang === null) return null;
      return { kind: 'answered', ...leg, timestamp: iso(rang), answered_at: iso(answered) };
    }
    case 'CHANNEL_HANGUP_COMPLETE': {
      const ended = micros(h['Caller-Channel-Hangup-Time']) ?? eventTime;
      const started = micros(h['Caller-Channel-Created-Time']) ?? ended;
      if (ended === null || started === null) return null;
      const answered = micros(h['Caller-Channel-Answered-Time']);
      return {
        kind: 'hangup',
        ...leg,
        started_at: iso(started),
        answered_at: answered === null ? null : iso(answered),
        ended_at: iso(ended),
        duration: seconds(h['variable_duration']) ?? wholeSeconds(started, ended),
        billsec:
          seconds(h['variable_billsec']) ?? (answered === null ? 0 : wholeSeconds(answered, ended)),
        hangup_cause: h['Hangup-Cause'] || h['variable_hangup_cause'] || 'UNSPECIFIED',
      };
    }
    default:
      return null;
  }
}

function extensionLeg(h: Readonly<Record<string, string>>, pattern: RegExp): LegInfo | null {
  if ((h['Call-Direction'] ?? h['variable_direction']) !== 'outbound') return null;
  const ownDestination = h['Caller-Destination-Number'] ?? '';
  const extension =
    h['variable_dialed_user'] ||
    h['variable_dialed_extension'] ||
    (pattern.test(ownDestination) ? ownDestination : '');
  if (!extension) return null;
  const uuid = h['Unique-ID'] ?? h['Caller-Unique-ID'] ?? '';
  const originator =
    h['variable_originating_leg_uuid'] ||
    h['variable_originator'] ||
    (h['Other-Type'] === 'originator' ? h['Other-Leg-Unique-ID'] : '') ||
    '';
  const callUuid = h['Channel-Call-UUID'] || h['variable_call_uuid'] || originator || uuid;
  if (!callUuid) return null;
  const callerNumber = h['Caller-Caller-ID-Number'] || h['Other-Leg-Caller-ID-Number'] || '';
  const dialed =
    (h['Other-Type'] === 'originator' ? h['Other-Leg-Destination-Number'] : undefined) ||
    ownDestination ||
    extension;
  const direction: CallDirection = !originator
    ? 'outbound'
    : pattern.test(callerNumber)
      ? 'internal'
      : 'inbound';
  return {
    call_uuid: callUuid,
    extension,
    direction,
    caller_number: callerNumber,
    destination_number: dialed,
  };
}

/** Splits a fact into the event name and the payload to publish (without `kind`). */
export function toCallEventMessage(fact: CallFact): CallEventMessage {
  switch (fact.kind) {
    case 'ringing': {
      const { kind: _kind, ...payload } = fact;
      return { name: 'pbx.call.ringing', payload };
    }
    case 'answered': {
      const { kind: _kind, ...payload } = fact;
      return { name: 'pbx.call.answered', payload };
    }
    case 'hangup': {
      const { kind: _kind, ...payload } = fact;
      return { name: 'pbx.call.hangup', payload };
    }
  }
}

/** When the leg started ringing: the earlier non-zero progress time. */
function ringStart(h: Readonly<Record<string, string>>): number | null {
  const times = [
    micros(h['Caller-Channel-Progress-Time']),
    micros(h['Caller-Channel-Progress-Media-Time']),
  ].filter((t): t is number => t !== null);
  return times.length > 0 ? Math.min(...times) : null;
}

/** A FreeSWITCH microsecond epoch; "0", empty or junk means "not set". */
function micros(value: string | undefined): number | null {
  if (!value || !/^\d{1,17}$/.test(value)) return null;
  const n = Number(value);
  return n > 0 ? n : null;
}

function seconds(value: string | undefined): number | null {
  if (!value || !/^\d{1,10}$/.test(value)) return null;
  return Number(value);
}

/** Like FreeSWITCH's `duration`/`billsec`: difference of whole epoch seconds. */
function wholeSeconds(fromMicros: number, toMicros: number): number {
  return Math.max(0, Math.floor(toMicros / 1e6) - Math.floor(fromMicros / 1e6));
}

function iso(epochMicros: number): string {
  return new Date(Math.floor(epochMicros / 1000)).toISOString();
}
