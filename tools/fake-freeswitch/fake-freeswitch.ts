import { randomUUID } from 'node:crypto';
import { AddressInfo, Server, Socket, createServer } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * A stand-in for FreeSWITCH's mod_event_socket (inbound mode) speaking the real wire protocol:
 * `auth/request` on connect, `auth <password>` answered `+OK accepted` or `-ERR invalid` (then a
 * `text/disconnect-notice` and close), `event json|plain <names|ALL>`, `api <command>` answered
 * with `api/response`, `exit`. `simulateCall()` pushes the channel events of a realistic call
 * (an A-leg from a trunk or a phone bridged to `user/<extension>`) to subscribed sessions.
 *
 * Test hooks: `splitNextFrame()`, `sendMalformed()`, `dropConnections()`, `setPassword()`,
 * `commands` (received commands, the auth password redacted). Used by unit tests and the demo.
 */

export interface FakeFreeswitchOptions {
  /** Default `ClueCon`, FreeSWITCH's stock password. */
  password?: string;
  hostname?: string;
  /** Domain of the registered users (`variable_dialed_domain`). */
  domain?: string;
  /** Interval of `HEARTBEAT` events, like FreeSWITCH's `event-heartbeat-interval`; default 20 000; 0 = none. */
  heartbeatMs?: number;
}

export interface SimulateCallOptions {
  /** Call (A-leg) uuid; random by default. */
  uuid?: string;
  /** Caller number: a PSTN number for an inbound call, an extension for an internal one. */
  from: string;
  /** The extension rung (`user/<extension>`). */
  extension: string;
  /** Number dialed by the caller (the DID); default `to = extension` for internal calls. */
  to?: string;
  /** Caller id name; default `from`. */
  callerName?: string;
  answer: boolean;
  /** Seconds of conversation after answer (ignored when not answered). */
  talkSeconds: number;
  /** Q.850 cause; default `NORMAL_CLEARING` if answered, else `NO_ANSWER`. */
  hangupCause?: string;
  /** Whether the phone rings (180) before answering/rejecting; default true. */
  ring?: boolean;
  /** Seconds of ringing; default 5 if answered, 30 (the originate timeout) otherwise. */
  ringSeconds?: number;
  /** Defaults to `internal` when `from` looks like an extension, else `inbound`. */
  direction?: 'inbound' | 'internal';
  /** Start of the call, epoch ms; default now. Event times are simulated from it. */
  startAtMs?: number;
  /** Wall-clock ms per simulated second between events; 0 (default) sends them back to back. */
  timeScale?: number;
}

export interface SimulatedEvent {
  readonly name: string;
  readonly headers: Readonly<Record<string, string>>;
}

export interface SimulatedCall {
  readonly callUuid: string;
  readonly aLegUuid: string;
  readonly bLegUuid: string;
  /** Every event generated, in order (sessions receive those they subscribed to). */
  readonly events: readonly SimulatedEvent[];
}

export type MalformedKind = 'invalid-json' | 'bad-content-length' | 'garbage';

export interface SplitOptions {
  /** Number of TCP writes; default 3. */
  parts?: number;
  /** Explicit byte offsets to cut at (overrides `parts`). */
  at?: number[];
  /** Pause between writes; default 5 ms. */
  delayMs?: number;
}

interface Session {
  readonly socket: Socket;
  buffer: Buffer;
  authenticated: boolean;
  format: 'json' | 'plain' | null;
  readonly events: Set<string>;
  /** Serialises writes so a frame dribbled in chunks is never interleaved with another. */
  writes: Promise<void>;
  /** Aborts pauses between chunks once the socket is gone (no stray timers). */
  readonly closed: AbortController;
}

const DISCONNECT_NOTICE = 'Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n';
const Q850: Record<string, string> = {
  NORMAL_CLEARING: '16',
  USER_BUSY: '17',
  NO_USER_RESPONSE: '18',
  NO_ANSWER: '19',
  CALL_REJECTED: '21',
  ORIGINATOR_CANCEL: '487',
  USER_NOT_REGISTERED: '606',
};
const SIP_STATUS: Record<string, string> = {
  NORMAL_CLEARING: '200',
  USER_BUSY: '486',
  NO_ANSWER: '487',
  NO_USER_RESPONSE: '408',
  CALL_REJECTED: '603',
  ORIGINATOR_CANCEL: '487',
};

export class FakeFreeswitch {
  private readonly server: Server;
  private readonly sessions = new Set<Session>();
  private readonly coreUuid = randomUUID();
  private readonly hostname: string;
  private readonly domain: string;
  private readonly startedAt = Date.now();
  private readonly commandLog: string[] = [];
  private password: string;
  private sequence = 1000;
  private sessionCount = 0;
  private split: SplitOptions | null = null;
  private readonly heartbeatMs: number;
  private heartbeatTimer: NodeJS.Timeout | null = null;

  constructor(options: FakeFreeswitchOptions = {}) {
    this.password = options.password ?? 'ClueCon';
    this.hostname = options.hostname ?? 'pbx-sim';
    this.domain = options.domain ?? 'pbx.zorio.local';
    this.heartbeatMs = options.heartbeatMs ?? 20_000;
    this.server = createServer((socket) => this.onConnection(socket));
    this.server.on('error', () => undefined);
  }

  /** Listens on `host:port` (port 0 picks a free one); resolves with the bound port. */
  listen(port = 0, host = '127.0.0.1'): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        if (this.heartbeatMs > 0 && !this.heartbeatTimer) {
          this.heartbeatTimer = setInterval(() => void this.heartbeat(), this.heartbeatMs);
        }
        resolve(this.port);
      });
    });
  }

  get port(): number {
    const address = this.server.address() as AddressInfo | null;
    if (!address) throw new Error('FakeFreeswitch is not listening');
    return address.port;
  }

  /** Commands received, in order (`auth ***` for auth). */
  get commands(): readonly string[] {
    return this.commandLog;
  }

  /** Open TCP sessions / sessions that passed auth / sessions subscribed to events. */
  get connectionCount(): number {
    return this.sessions.size;
  }

  get authenticatedCount(): number {
    return [...this.sessions].filter((s) => s.authenticated).length;
  }

  get subscribedCount(): number {
    return [...this.sessions].filter((s) => s.authenticated && s.format !== null).length;
  }

  setPassword(password: string): void {
    this.password = password;
  }

  /** The next frame written (to every session it goes to) is cut into several TCP writes. */
  splitNextFrame(options: SplitOptions = {}): void {
    this.split = options;
  }

  /** Writes a malformed frame to every authenticated session. */
  async sendMalformed(kind: MalformedKind = 'invalid-json'): Promise<void> {
    let data: Buffer;
    if (kind === 'invalid-json') {
      const body = '{"Event-Name": "CHANNEL_CREATE", "Unique-ID": ';
      data = Buffer.from(
        `Content-Length: ${Buffer.byteLength(body)}\nContent-Type: text/event-json\n\n${body}`,
      );
    } else if (kind === 'bad-content-length') {
      const body = JSON.stringify({ 'Event-Name': 'CHANNEL_CREATE', 'Unique-ID': randomUUID() });
      data = Buffer.from(`Content-Length: 12abc\nContent-Type: text/event-json\n\n${body}`);
    } else {
      data = Buffer.concat([
        Buffer.from([0x00, 0xff, 0xfe]),
        Buffer.from('this is not an ESL frame\nnor: is\tthis\n\n'),
      ]);
    }
    await this.broadcast((s) => s.authenticated, data);
  }

  /** Abruptly closes every client connection; the server keeps listening. */
  dropConnections(): void {
    for (const session of this.sessions) session.socket.destroy();
  }

  /** Pushes one event (headers as FreeSWITCH would send them) to subscribed sessions. */
  async sendEvent(headers: Record<string, string>): Promise<void> {
    const name = headers['Event-Name'];
    if (!name) throw new Error('sendEvent needs an Event-Name header');
    await this.deliver(name, headers);
  }

  /**
   * Plays a call: A-leg (trunk or phone) → bridge to `user/<extension>` (B-leg) → ringing →
   * answer + talk, or no answer / busy → hangup of both legs. Resolves once every event is
   * written to the sessions' sockets.
   */
  async simulateCall(options: SimulateCallOptions): Promise<SimulatedCall> {
    const scale = options.timeScale ?? 0;
    const aUuid = options.uuid ?? randomUUID();
    const bUuid = randomUUID();
    const cause = options.hangupCause ?? (options.answer ? 'NORMAL_CLEARING' : 'NO_ANSWER');
    const internal = options.direction
      ? options.direction === 'internal'
      : /^\d{2,6}$/.test(options.from);
    const to = options.to ?? options.extension;
    const ring = options.ring ?? true;
    const ringSeconds =
      options.ringSeconds ?? (options.answer ? 5 : cause === 'NO_ANSWER' ? 30 : ring ? 3 : 0.2);
    const t0 = (options.startAtMs ?? Date.now()) * 1000 + 123;
    const at = (seconds: number): number => Math.round(t0 + seconds * 1e6);

    const aLeg = new Leg({
      uuid: aUuid,
      callUuid: aUuid,
      direction: 'inbound',
      channelName: internal
        ? `sofia/internal/${options.from}@${this.domain}`
        : `sofia/external/${options.from}@203.0.113.10`,
      context: internal ? 'default' : 'public',
      callerNumber: options.from,
      callerName: options.callerName ?? options.from,
      destination: to,
      created: at(0),
      network: internal ? '198.51.100.21' : '203.0.113.10',
      domain: this.domain,
    });
    aLeg.vars.sip_from_user = options.from;
    aLeg.vars.sip_to_user = to;
    aLeg.vars.sip_req_user = to;
    if (internal) aLeg.vars.user_name = options.from;

    const bLeg = new Leg({
      uuid: bUuid,
      callUuid: aUuid,
      direction: 'outbound',
      channelName: `sofia/internal/${options.extension}@198.51.100.30:5060`,
      context: aLeg.context,
      callerNumber: options.from,
      callerName: options.callerName ?? options.from,
      destination: options.extension,
      created: at(0.05),
      network: '198.51.100.30',
      domain: this.domain,
    });
    Object.assign(bLeg.vars, {
      dialed_user: options.extension,
      dialed_domain: this.domain,
      dialed_extension: options.extension,
      export_vars: 'dialed_extension',
      originator: aUuid,
      originating_leg_uuid: aUuid,
      is_outbound: 'true',
      sip_to_user: options.extension,
    });
    bLeg.other = aLeg;

    const events: SimulatedEvent[] = [];
    let clock = 0;
    const emit = async (leg: Leg, name: string, time: number, extra = {}): Promise<void> => {
      const wait = ((time - t0) / 1e6 - clock) * scale;
      clock = (time - t0) / 1e6;
      if (wait > 0) await delay(wait);
      const headers = { ...this.eventHeaders(name, time), ...leg.headers(), ...extra };
      events.push({ name, headers });
      await this.deliver(name, headers);
    };

    await emit(aLeg, 'CHANNEL_CREATE', aLeg.created);
    aLeg.vars.dialed_extension = options.extension;
    aLeg.vars.export_vars = 'dialed_extension';
    await emit(bLeg, 'CHANNEL_CREATE', bLeg.created);
    await emit(bLeg, 'CHANNEL_OUTGOING', bLeg.created);
    aLeg.state('CS_EXECUTE', 'RINGING', 'ringing');
    bLeg.state('CS_CONSUME_MEDIA', 'RINGING', 'ringing');
    if (ring) {
      const ringing = at(0.3);
      bLeg.times.progress = ringing;
      await emit(bLeg, 'CHANNEL_PROGRESS', ringing);
      aLeg.times.progress = ringing + 900;
      await emit(aLeg, 'CHANNEL_PROGRESS', ringing + 900);
    }

    const endOfRing = at(0.3 + ringSeconds);
    let hangup = endOfRing;
    if (options.answer) {
      bLeg.times.answered = endOfRing;
      aLeg.times.answered = endOfRing + 1_500;
      bLeg.state('CS_EXCHANGE_MEDIA', 'ACTIVE', 'answered');
      aLeg.state('CS_EXCHANGE_MEDIA', 'ACTIVE', 'answered');
      await emit(bLeg, 'CHANNEL_ANSWER', bLeg.times.answered);
      await emit(aLeg, 'CHANNEL_ANSWER', aLeg.times.answered);
      bLeg.times.bridged = endOfRing + 2_000;
      aLeg.times.bridged = endOfRing + 2_000;
      aLeg.other = bLeg;
      aLeg.vars.bridge_to = bUuid;
      await emit(aLeg, 'CHANNEL_BRIDGE', aLeg.times.bridged);
      hangup = at(0.3 + ringSeconds + options.talkSeconds);
    }

    const causeVars = {
      hangup_cause: cause,
      hangup_cause_q850: Q850[cause] ?? '16',
      sip_term_status: SIP_STATUS[cause] ?? '500',
    };
    bLeg.times.hangup = hangup;
    aLeg.times.hangup = hangup + 20_000;
    for (const leg of [bLeg, aLeg]) {
      leg.state('CS_HANGUP', 'HANGUP', 'hangup');
      Object.assign(leg.vars, causeVars, {
        endpoint_disposition: leg.times.answered ? 'ANSWER' : 'NO ANSWER',
      });
      await emit(leg, 'CHANNEL_HANGUP', leg.times.hangup, { 'Hangup-Cause': cause });
      leg.state('CS_REPORTING', 'HANGUP', 'hangup');
      Object.assign(leg.vars, leg.cdrVars());
      await emit(leg, 'CHANNEL_HANGUP_COMPLETE', leg.times.hangup + 2_000, {
        'Hangup-Cause': cause,
      });
    }
    return { callUuid: aUuid, aLegUuid: aUuid, bLegUuid: bUuid, events };
  }

  /** Destroys every session and stops listening. */
  async close(): Promise<void> {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
    this.dropConnections();
    await Promise.allSettled([...this.sessions].map((s) => s.writes));
    if (!this.server.listening) return;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async heartbeat(): Promise<void> {
    const uptime = Math.floor((Date.now() - this.startedAt) / 1000);
    await this.deliver('HEARTBEAT', {
      ...this.eventHeaders('HEARTBEAT', Date.now() * 1000),
      'Event-Info': 'System Ready',
      'Up-Time': `0 years, 0 days, 0 hours, ${Math.floor(uptime / 60)} minutes, ${uptime % 60} seconds`,
      'FreeSWITCH-Version': '1.10.12-release~64bit',
      Uptime_msec: String(Date.now() - this.startedAt),
      'Session-Count': '0',
      'Max-Sessions': '1000',
      'Session-Per-Sec': '30',
      'Session-Since-Startup': String(this.sessionCount),
      'Idle-CPU': '98.700000',
      'Heartbeat-Interval': String(Math.max(1, Math.round(this.heartbeatMs / 1000))),
    });
  }

  private onConnection(socket: Socket): void {
    const session: Session = {
      socket,
      buffer: Buffer.alloc(0),
      authenticated: false,
      format: null,
      events: new Set(),
      writes: Promise.resolve(),
      closed: new AbortController(),
    };
    this.sessions.add(session);
    this.sessionCount += 1;
    socket.setNoDelay(true);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.sessions.delete(session);
      session.closed.abort();
    });
    socket.on('data', (chunk: Buffer) => this.onData(session, chunk));
    void this.queue(session, [Buffer.from('Content-Type: auth/request\n\n')]);
  }

  private onData(session: Session, chunk: Buffer): void {
    session.buffer = Buffer.concat([session.buffer, chunk]);
    for (;;) {
      const end = session.buffer.indexOf('\n\n');
      if (end < 0) return;
      const command = session.buffer.subarray(0, end).toString('utf8').replace(/\r/g, '').trim();
      session.buffer = session.buffer.subarray(end + 2);
      if (command) this.onCommand(session, command);
    }
  }

  private onCommand(session: Session, command: string): void {
    const [verb = '', ...rest] = command.split(/\s+/);
    const args = rest.join(' ');
    this.commandLog.push(verb === 'auth' ? 'auth ***' : command);
    if (!session.authenticated) {
      if (verb !== 'auth') {
        this.reply(session, '-ERR command not found');
        return;
      }
      if (args === this.password) {
        session.authenticated = true;
        this.reply(session, '+OK accepted');
      } else {
        this.reply(session, '-ERR invalid');
        void this.queue(session, [frame('text/disconnect-notice', DISCONNECT_NOTICE)]);
        void session.writes.then(() => session.socket.end());
      }
      return;
    }
    switch (verb) {
      case 'event': {
        const [format = 'plain', ...names] = rest;
        if (format !== 'json' && format !== 'plain') {
          this.reply(session, '-ERR invalid event format');
          return;
        }
        session.format = format;
        for (const name of names) session.events.add(name.toUpperCase());
        this.reply(session, `+OK event listener enabled ${format}`);
        return;
      }
      case 'noevents':
        session.format = null;
        session.events.clear();
        this.reply(session, '+OK no longer listening for events');
        return;
      case 'filter':
        this.reply(session, `+OK filter added. [${rest[0] ?? ''}]=[${rest.slice(1).join(' ')}]`);
        return;
      case 'api':
        void this.queue(session, [frame('api/response', this.api(args))], this.takeSplit());
        return;
      case 'exit':
        this.reply(session, '+OK bye');
        void this.queue(session, [frame('text/disconnect-notice', DISCONNECT_NOTICE)]);
        void session.writes.then(() => session.socket.end());
        return;
      default:
        this.reply(session, '-ERR command not found');
    }
  }

  private api(command: string): string {
    const [name = '', ...args] = command.split(/\s+/);
    switch (name) {
      case 'status': {
        const uptime = Math.floor((Date.now() - this.startedAt) / 1000);
        return (
          `UP 0 years, 0 days, 0 hours, ${Math.floor(uptime / 60)} minutes, ${uptime % 60} seconds, ` +
          `0 milliseconds, 0 microseconds\nFreeSWITCH (Version 1.10.12 -release 64bit) is ready\n` +
          `${this.sessionCount} session(s) since startup\n0 session(s) - peak 2, last 5min 2 \n` +
          `0 session(s) per Sec out of max 30, peak 1, last 5min 1 \n1000 session(s) max\n` +
          `min idle cpu 0.00/99.00\nCurrent Stack Size/Max 240K/8192K\n`
        );
      }
      case 'version':
        return 'FreeSWITCH Version 1.10.12-release~64bit (-release 64bit)\n';
      case 'uptime':
        return `${Math.floor((Date.now() - this.startedAt) / 1000)}\n`;
      case 'echo':
        return args.join(' ');
      case 'hostname':
        return this.hostname;
      default:
        return `-ERR ${name} Command not found!\n`;
    }
  }

  private reply(session: Session, text: string): void {
    void this.queue(
      session,
      [Buffer.from(`Content-Type: command/reply\nReply-Text: ${text}\n\n`)],
      this.takeSplit(),
    );
  }

  private async deliver(name: string, headers: Record<string, string>): Promise<void> {
    const wants = (s: Session): boolean =>
      s.authenticated && s.format !== null && (s.events.has('ALL') || s.events.has(name));
    const targets = [...this.sessions].filter(wants);
    if (targets.length === 0) return;
    const split = this.takeSplit();
    await Promise.all(
      targets.map((s) => {
        const data =
          s.format === 'json'
            ? frame('text/event-json', freeswitchJson(headers))
            : frame('text/event-plain', plainBody(headers));
        return this.queue(s, [data], split);
      }),
    );
  }

  private async broadcast(filter: (s: Session) => boolean, data: Buffer): Promise<void> {
    const split = this.takeSplit();
    await Promise.all([...this.sessions].filter(filter).map((s) => this.queue(s, [data], split)));
  }

  private takeSplit(): SplitOptions | null {
    const split = this.split;
    this.split = null;
    return split;
  }

  private queue(
    session: Session,
    frames: Buffer[],
    split: SplitOptions | null = null,
  ): Promise<void> {
    const data = Buffer.concat(frames);
    const parts = split ? cut(data, split) : [data];
    const pause = split?.delayMs ?? 5;
    session.writes = session.writes
      .then(async () => {
        for (let i = 0; i < parts.length; i++) {
          if (i > 0) await delay(pause, undefined, { signal: session.closed.signal });
          if (session.socket.destroyed) return;
          await new Promise<void>((resolve) => session.socket.write(parts[i], () => resolve()));
        }
      })
      .catch(() => undefined);
    return session.writes;
  }

  private eventHeaders(name: string, time: number): Record<string, string> {
    const date = new Date(Math.floor(time / 1000));
    this.sequence += 1;
    return {
      'Event-Name': name,
      'Core-UUID': this.coreUuid,
      'FreeSWITCH-Hostname': this.hostname,
      'FreeSWITCH-Switchname': this.hostname,
      'FreeSWITCH-IPv4': '198.51.100.2',
      'FreeSWITCH-IPv6': '::1',
      'Event-Date-Local': date.toISOString().replace('T', ' ').slice(0, 19),
      'Event-Date-GMT': date.toUTCString(),
      'Event-Date-Timestamp': String(time),
      'Event-Calling-File': 'switch_channel.c',
      'Event-Calling-Function': callingFunction(name),
      'Event-Calling-Line-Number': '3906',
      'Event-Sequence': String(this.sequence),
    };
  }
}

interface LegInit {
  uuid: string;
  callUuid: string;
  direction: 'inbound' | 'outbound';
  channelName: string;
  context: string;
  callerNumber: string;
  callerName: string;
  destination: string;
  created: number;
  network: string;
  domain: string;
}

/** One channel with its caller profile, times and variables. */
class Leg {
  readonly times: { progress: number; answered: number; bridged: number; hangup: number } = {
    progress: 0,
    answered: 0,
    bridged: 0,
    hangup: 0,
  };
  readonly vars: Record<string, string>;
  other: Leg | null = null;
  private channelState = 'CS_INIT';
  private callState = 'DOWN';
  private answerState = 'ringing';

  constructor(private readonly init: LegInit) {
    this.vars = {
      direction: init.direction,
      uuid: init.uuid,
      call_uuid: init.callUuid,
      session_id: String(Math.floor(init.created / 1e6) % 100000),
      channel_name: init.channelName,
      sip_profile_name: init.channelName.split('/')[1] ?? 'internal',
      caller_id_number: init.callerNumber,
      caller_id_name: init.callerName,
      destination_number: init.destination,
    };
  }

  get created(): number {
    return this.init.created;
  }

  get context(): string {
    return this.init.context;
  }

  state(channelState: string, callState: string, answerState: string): void {
    this.channelState = channelState;
    this.callState = callState;
    this.answerState = answerState;
  }

  headers(): Record<string, string> {
    const { init } = this;
    const headers: Record<string, string> = {
      'Channel-State': this.channelState,
      'Channel-Call-State': this.callState,
      'Channel-State-Number': String(STATE_NUMBERS[this.channelState] ?? 2),
      'Channel-Name': init.channelName,
      'Unique-ID': init.uuid,
      'Call-Direction': init.direction,
      'Presence-Call-Direction': init.direction,
      'Channel-HIT-Dialplan': init.direction === 'inbound' ? 'true' : 'false',
      'Channel-Presence-ID': `${init.direction === 'inbound' ? init.callerNumber : init.destination}@${init.domain}`,
      'Channel-Call-UUID': init.callUuid,
      'Answer-State': this.answerState,
      ...profile('Caller', init, this.times),
    };
    if (this.other) {
      headers['Other-Type'] = init.direction === 'outbound' ? 'originator' : 'originatee';
      // FreeSWITCH clones the other leg's profile without its times (they read "0").
      Object.assign(headers, profile('Other-Leg', this.other.init, null));
    }
    for (const [key, value] of Object.entries(this.vars)) headers[`variable_${key}`] = value;
    return headers;
  }

  /** The variables FreeSWITCH sets at hangup (what mod_json_cdr later reports). */
  cdrVars(): Record<string, string> {
    const { created } = this.init;
    const { answered, hangup, progress } = this.times;
    const sec = (us: number): number => Math.floor(us / 1e6);
    const stamp = (us: number): string =>
      us ? new Date(Math.floor(us / 1000)).toISOString().replace('T', ' ').slice(0, 19) : '';
    return {
      start_stamp: stamp(created),
      answer_stamp: stamp(answered),
      end_stamp: stamp(hangup),
      start_epoch: String(sec(created)),
      start_uepoch: String(created),
      answer_epoch: String(answered ? sec(answered) : 0),
      answer_uepoch: String(answered),
      progress_uepoch: String(progress),
      end_epoch: String(sec(hangup)),
      end_uepoch: String(hangup),
      duration: String(sec(hangup) - sec(created)),
      mduration: String(Math.floor((hangup - created) / 1000)),
      billsec: String(answered ? sec(hangup) - sec(answered) : 0),
      billmsec: String(answered ? Math.floor((hangup - answered) / 1000) : 0),
      progresssec: String(progress ? sec(progress) - sec(created) : 0),
      answersec: String(answered ? sec(answered) - sec(created) : 0),
      waitsec: String(answered ? sec(answered) - sec(created) : 0),
    };
  }
}

const STATE_NUMBERS: Record<string, number> = {
  CS_INIT: 2,
  CS_EXECUTE: 4,
  CS_EXCHANGE_MEDIA: 5,
  CS_CONSUME_MEDIA: 7,
  CS_HANGUP: 10,
  CS_REPORTING: 11,
};

function profile(
  prefix: string,
  init: LegInit,
  times: { progress: number; answered: number; bridged: number; hangup: number } | null,
): Record<string, string> {
  const time = (value: number): string => String(times ? value : 0);
  return {
    [`${prefix}-Direction`]: init.direction,
    [`${prefix}-Logical-Direction`]: init.direction,
    [`${prefix}-Username`]: init.callerNumber,
    [`${prefix}-Dialplan`]: 'XML',
    [`${prefix}-Caller-ID-Name`]: init.callerName,
    [`${prefix}-Caller-ID-Number`]: init.callerNumber,
    [`${prefix}-Orig-Caller-ID-Name`]: init.callerName,
    [`${prefix}-Orig-Caller-ID-Number`]: init.callerNumber,
    [`${prefix}-Callee-ID-Name`]: init.direction === 'outbound' ? 'Outbound Call' : '',
    [`${prefix}-Callee-ID-Number`]: init.direction === 'outbound' ? init.destination : '',
    [`${prefix}-Network-Addr`]: init.network,
    [`${prefix}-ANI`]: init.callerNumber,
    [`${prefix}-Destination-Number`]: init.destination,
    [`${prefix}-Unique-ID`]: init.uuid,
    [`${prefix}-Source`]: 'mod_sofia',
    [`${prefix}-Context`]: init.context,
    [`${prefix}-Channel-Name`]: init.channelName,
    [`${prefix}-Profile-Index`]: '1',
    [`${prefix}-Profile-Created-Time`]: time(init.created),
    [`${prefix}-Channel-Created-Time`]: time(init.created),
    [`${prefix}-Channel-Answered-Time`]: time(times?.answered ?? 0),
    [`${prefix}-Channel-Progress-Time`]: time(times?.progress ?? 0),
    [`${prefix}-Channel-Progress-Media-Time`]: '0',
    [`${prefix}-Channel-Hangup-Time`]: time(times?.hangup ?? 0),
    [`${prefix}-Channel-Transfer-Time`]: '0',
    [`${prefix}-Channel-Resurrect-Time`]: '0',
    [`${prefix}-Channel-Bridged-Time`]: time(times?.bridged ?? 0),
    [`${prefix}-Channel-Last-Hold`]: '0',
    [`${prefix}-Channel-Hold-Accum`]: '0',
    [`${prefix}-Screen-Bit`]: 'true',
    [`${prefix}-Privacy-Hide-Name`]: 'false',
    [`${prefix}-Privacy-Hide-Number`]: 'false',
  };
}

function callingFunction(name: string): string {
  switch (name) {
    case 'CHANNEL_CREATE':
      return 'switch_core_session_request_uuid';
    case 'CHANNEL_PROGRESS':
      return 'switch_channel_perform_mark_ring_ready_value';
    case 'CHANNEL_ANSWER':
      return 'switch_channel_perform_mark_answered';
    case 'CHANNEL_HANGUP':
      return 'switch_channel_perform_hangup';
    case 'CHANNEL_HANGUP_COMPLETE':
      return 'switch_core_session_reporting_state';
    case 'CHANNEL_BRIDGE':
      return 'switch_ivr_multi_threaded_bridge';
    default:
      return 'switch_core_session_run';
  }
}

/** An ESL frame: headers, blank line, body of `Content-Length` bytes. */
function frame(contentType: string, body: string): Buffer {
  const bytes = Buffer.from(body, 'utf8');
  return Buffer.concat([
    Buffer.from(`Content-Length: ${bytes.length}\nContent-Type: ${contentType}\n\n`),
    bytes,
  ]);
}

/** cJSON_Print layout, as FreeSWITCH writes JSON events. */
function freeswitchJson(headers: Record<string, string>): string {
  const lines = Object.entries(headers).map(
    ([key, value]) => `\t${JSON.stringify(key)}:\t${JSON.stringify(value)}`,
  );
  return `{\n${lines.join(',\n')}\n}`;
}

/** `text/event-plain` body: URL-encoded header values, ended by a blank line. */
function plainBody(headers: Record<string, string>): string {
  const lines = Object.entries(headers).map(
    ([key, value]) => `${key}: ${encodeURIComponent(value)}`,
  );
  return `${lines.join('\n')}\n\n`;
}

/** Cuts `data` at explicit offsets or into `parts` roughly equal pieces. */
function cut(data: Buffer, split: SplitOptions): Buffer[] {
  const offsets = split.at
    ? [...split.at].filter((o) => o > 0 && o < data.length).sort((a, b) => a - b)
    : Array.from({ length: Math.max(1, split.parts ?? 3) - 1 }, (_, i) =>
        Math.floor(((i + 1) * data.length) / Math.max(1, split.parts ?? 3)),
      );
  const parts: Buffer[] = [];
  let start = 0;
  for (const offset of offsets) {
    if (offset <= start) continue;
    parts.push(data.subarray(start, offset));
    start = offset;
  }
  parts.push(data.subarray(start));
  return parts;
}
