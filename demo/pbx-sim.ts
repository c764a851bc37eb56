import type {
  FakeFreeswitch,
  SimulateCallOptions,
  SimulatedCall,
} from '../tools/fake-freeswitch/fake-freeswitch';
import { ApiClient, sleep } from './api-client';
import { between, callMix, mobile, pick } from './data';

/**
 * The simulated PBX's traffic: a few phone lines that keep ringing the agents' extensions. Each
 * call is played by the fake FreeSWITCH in real time on its event socket (the platform's ESL
 * client turns it into pbx.call.ringing / answered / hangup), and when it has ended, its CDR is
 * posted to /api/pbx/cdr the way mod_json_cdr does (→ pbx.cdr.created).
 */

type Scenario = 'answered' | 'internal' | 'no_answer' | 'busy' | 'cancelled';

const EXTENSIONS = ['1001', '1002', '1003', '1004'];
const DIDS = ['842873001234', '842473005678'];
const QUEUES: Record<string, string> = { '842873001234': 'sales', '842473005678': 'support' };
const GATEWAYS = ['viettel-sip-01', 'vnpt-sip-02', 'mobifone-sip-01'];
const DOMAIN = 'pbx.zorio.local';
/** The first call of each line is short and different, so every kind shows up within seconds. */
const scenarioOf = callMix<Scenario>(['answered', 'no_answer', 'busy'], {
  answered: 55,
  internal: 10,
  no_answer: 15,
  busy: 10,
  cancelled: 10,
});

export interface PbxSimulation {
  /** Resolves when every line has stopped (in-flight calls keep playing on the fake switch). */
  stopped: Promise<void>;
}

export function simulatePbx(opts: {
  fake: FakeFreeswitch;
  api: ApiClient;
  signal: AbortSignal;
  lines?: number;
  onError: (message: string) => void;
}): PbxSimulation {
  const busy = new Set<string>();
  const lines = Array.from({ length: opts.lines ?? 3 }, (_, line) =>
    runLine(line).catch((err: unknown) => opts.onError(`PBX line ${line + 1}: ${String(err)}`)),
  );

  async function runLine(line: number): Promise<void> {
    let first = true;
    await sleep(line * 700, opts.signal);
    while (!opts.signal.aborted) {
      const scenario = scenarioOf(first, line);
      const free = EXTENSIONS.filter((e) => !busy.has(e));
      if (free.length === 0) {
        await sleep(1000, opts.signal);
        continue;
      }
      const extension = pick(free);
      busy.add(extension);
      try {
        const options = callOptions(scenario, extension, first, free);
        const call = await opts.fake.simulateCall(options);
        if (opts.signal.aborted) return;
        // mod_json_cdr posts once the channel is destroyed, a moment after the hangup.
        await sleep(between(150, 600), opts.signal);
        if (opts.signal.aborted) return;
        await opts.api.post('/api/pbx/cdr', cdrDocument(call, options));
      } catch (err) {
        opts.onError(err instanceof Error ? err.message : String(err));
      } finally {
        busy.delete(extension);
      }
      first = false;
      await sleep(between(800, 4000), opts.signal);
    }
  }

  return { stopped: Promise.all(lines).then(() => undefined) };
}

function callOptions(
  scenario: Scenario,
  extension: string,
  first: boolean,
  free: string[],
): SimulateCallOptions {
  const did = pick(DIDS);
  const base = { from: mobile(), to: did, extension, timeScale: 1000 };
  switch (scenario) {
    case 'answered':
      return {
        ...base,
        answer: true,
        ringSeconds: first ? 1.5 : between(2, 6),
        talkSeconds: first ? 3 : between(5, 35),
      };
    case 'internal': {
      const others = free.filter((e) => e !== extension);
      const caller = others.length > 0 ? pick(others) : extension === '1004' ? '1001' : '1004';
      return {
        ...base,
        from: caller,
        to: extension,
        direction: 'internal',
        answer: true,
        ringSeconds: between(2, 4),
        talkSeconds: between(3, 15),
      };
    }
    case 'no_answer':
      return {
        ...base,
        answer: false,
        talkSeconds: 0,
        hangupCause: 'NO_ANSWER',
        ringSeconds: first ? 3 : between(8, 15),
      };
    case 'busy':
      return { ...base, answer: false, talkSeconds: 0, ring: false, hangupCause: 'USER_BUSY' };
    case 'cancelled':
      return {
        ...base,
        answer: false,
        talkSeconds: 0,
        hangupCause: 'ORIGINATOR_CANCEL',
        ringSeconds: between(3, 7),
      };
  }
}

/**
 * The A-leg's channel variables at CHANNEL_HANGUP_COMPLETE (`headers`), plus what the dialplan of
 * a typical install sets: the SIP gateway of a trunk call, the mod_callcenter queue of the DID,
 * the recording of an answered call.
 */
function cdrVariables(
  call: SimulatedCall,
  options: SimulateCallOptions,
  headers: Record<string, string>,
): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (key.startsWith('variable_')) vars[key.slice('variable_'.length)] = value;
  }
  const trunk = options.direction !== 'internal';
  if (trunk) {
    vars.sip_gateway_name = pick(GATEWAYS);
    const queue = options.to ? QUEUES[options.to] : undefined;
    if (queue) vars.cc_queue = `${queue}@${DOMAIN}`;
  }
  if (options.answer) {
    const day = new Date();
    const month = day.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
    vars.record_path = `/var/lib/freeswitch/recordings/${DOMAIN}/archive/${day.getUTCFullYear()}/${month}/${String(day.getUTCDate()).padStart(2, '0')}`;
    vars.record_name = `${call.callUuid}.wav`;
  }
  return vars;
}

/** The headers of the call's A-leg CHANNEL_HANGUP_COMPLETE, which mod_json_cdr reports. */
function aLegHangupHeaders(call: SimulatedCall): Record<string, string> {
  const last = [...call.events]
    .reverse()
    .find((e) => e.name === 'CHANNEL_HANGUP_COMPLETE' && e.headers['Unique-ID'] === call.aLegUuid);
  if (!last) throw new Error(`call ${call.callUuid} has no A-leg hangup`);
  return last.headers;
}

/**
 * The JSON document mod_json_cdr posts for the call's A-leg: the variables of cdrVariables,
 * URL-encoded (mod_json_cdr's default `encode-values`).
 */
export function cdrDocument(
  call: SimulatedCall,
  options: SimulateCallOptions,
): Record<string, unknown> {
  const h = aLegHangupHeaders(call);
  const vars = cdrVariables(call, options, h);
  const trunk = options.direction !== 'internal';
  const encoded = Object.fromEntries(
    Object.entries(vars).map(([k, v]) => [k, encodeURIComponent(v)]),
  );
  return {
    'core-uuid': h['Core-UUID'],
    switchname: h['FreeSWITCH-Switchname'],
    channel_data: {
      state: 'CS_REPORTING',
      state_number: '11',
      direction: 'inbound',
      flags: '0=1;1=1;3=1;38=1;39=1;41=1;44=1;54=1;76=1;113=1;114=1;160=1',
    },
    variables: encoded,
    app_log: {
      applications: [
        { app_name: 'set', app_data: `dialed_extension=${options.extension}` },
        ...(options.answer
          ? [{ app_name: 'record_session', app_data: `${vars.record_path}/${vars.record_name}` }]
          : []),
        { app_name: 'bridge', app_data: `user/${options.extension}@${DOMAIN}` },
      ],
    },
    callflow: [
      {
        dialplan: 'XML',
        profile_index: '1',
        extension: {
          name: trunk ? 'public_did' : 'local_extension',
          number: vars.destination_number,
        },
        caller_profile: {
          username: options.from,
          dialplan: 'XML',
          caller_id_name: vars.caller_id_name,
          caller_id_number: vars.caller_id_number,
          destination_number: vars.destination_number,
          uuid: call.aLegUuid,
          context: trunk ? 'public' : 'default',
          chan_name: vars.channel_name,
        },
        times: {
          created_time: vars.start_uepoch,
          profile_created_time: vars.start_uepoch,
          progress_time: vars.progress_uepoch,
          answered_time: vars.answer_uepoch,
          hangup_time: vars.end_uepoch,
        },
      },
    ],
  };
}
