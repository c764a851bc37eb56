import { EventEmitter } from 'node:events';
import { Socket, createConnection } from 'node:net';
import { Logger } from '@nestjs/common';
import { EslEvent, EslFrame, EslParseError, EslParser, EslParserOutput } from './esl-parser';

/**
 * Inbound-mode client for FreeSWITCH's event socket (mod_event_socket).
 *
 * Connects, waits for `auth/request`, sends `auth <password>`, expects `+OK accepted`, subscribes
 * with `event json <names>`, then emits every event. Any drop, connect error, auth failure,
 * handshake timeout or `text/disconnect-notice` ends the connection and schedules a reconnect
 * after an exponential backoff with full jitter (`random() * min(maxMs, initialMs * 2^n)`;
 * `n` resets once a connection is fully subscribed). Nothing here throws out of a socket
 * callback: parse problems become `parseError` events, listener exceptions are logged.
 *
 * `state`: `connecting` from the TCP connect until the subscription is confirmed, `connected`
 * while subscribed, `disconnected` when stopped or while waiting to retry.
 */

export type EslConnectionState = 'disconnected' | 'connecting' | 'connected';

/** The subset of Nest's `Logger`/`LoggerService` the client uses. */
export interface EslLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug?(message: string): void;
}

export interface EslBackoffOptions {
  initialMs: number;
  maxMs: number;
}

export interface EslClientOptions {
  host: string;
  port: number;
  password: string;
  /** Event names for `event json ...`, e.g. `['CHANNEL_ANSWER', 'CHANNEL_HANGUP_COMPLETE']`. */
  events: readonly string[];
  logger?: EslLogger;
  /** Reconnect backoff; default `{ initialMs: 500, maxMs: 30_000 }`. */
  backoff?: EslBackoffOptions;
  /** TCP connect + auth + subscribe must complete within this; default 10 s. */
  handshakeTimeoutMs?: number;
  /** Deadline for a reply to `api()` / `send()`; default 30 s. */
  commandTimeoutMs?: number;
  /**
   * A subscribed connection that receives nothing for this long is treated as dead (half-open
   * TCP) and replaced; `HEARTBEAT` (sent by FreeSWITCH every 20 s by default) is added to the
   * subscription so a quiet PBX still shows signs of life. Default 60 s; 0 disables.
   */
  idleTimeoutMs?: number;
  /** Random source in [0, 1) for the jitter; default `Math.random`. */
  random?: () => number;
}

export type EslClientEvents = {
  /** A parsed FreeSWITCH event (`text/event-json` or `text/event-plain`). */
  event: [event: EslEvent];
  stateChanged: [state: EslConnectionState, previous: EslConnectionState];
  /** The auth reply was not `+OK`; a reconnect is scheduled. */
  authFailed: [replyText: string];
  /** A malformed frame was skipped; the connection stays up. */
  parseError: [error: EslParseError];
  /** A connection ended (socket error, drop, auth failure, timeout, notice, `stop()`). */
  disconnected: [reason: string];
};

type Phase = 'await-auth-request' | 'await-auth-reply' | 'await-subscribe-reply' | 'ready';

interface PendingReply {
  readonly resolve: (frame: EslFrame) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

interface Connection {
  readonly socket: Socket;
  readonly parser: EslParser;
  readonly closed: Promise<void>;
  phase: Phase;
  handshakeTimer: NodeJS.Timeout | null;
  readonly pending: PendingReply[];
}

const DEFAULT_BACKOFF: EslBackoffOptions = { initialMs: 500, maxMs: 30_000 };

export class EslClient extends EventEmitter<EslClientEvents> {
  private readonly options: Required<Omit<EslClientOptions, 'logger'>>;
  private readonly logger: EslLogger;
  private currentState: EslConnectionState = 'disconnected';
  private connection: Connection | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private attempt = 0;
  private running = false;

  constructor(options: EslClientOptions) {
    super();
    for (const name of options.events) assertSingleLine(name, 'event name');
    assertSingleLine(options.password, 'password');
    if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535) {
      throw new RangeError(`invalid ESL port ${options.port}`);
    }
    const backoff = options.backoff ?? DEFAULT_BACKOFF;
    if (!(backoff.initialMs > 0) || !(backoff.maxMs >= backoff.initialMs)) {
      throw new RangeError('backoff needs 0 < initialMs <= maxMs');
    }
    this.options = {
      host: options.host,
      port: options.port,
      password: options.password,
      events: subscription(options.events, (options.idleTimeoutMs ?? 60_000) > 0),
      backoff,
      handshakeTimeoutMs: options.handshakeTimeoutMs ?? 10_000,
      commandTimeoutMs: options.commandTimeoutMs ?? 30_000,
      // Without a subscription there is no heartbeat to expect.
      idleTimeoutMs: options.events.length > 0 ? (options.idleTimeoutMs ?? 60_000) : 0,
      random: options.random ?? Math.random,
    };
    this.logger = options.logger ?? new Logger(EslClient.name);
  }

  get state(): EslConnectionState {
    return this.currentState;
  }

  /** Starts connecting (idempotent). Failures are retried until `stop()`. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.attempt = 0;
    this.connect();
  }

  /** Cancels the retry timer, destroys the socket, rejects pending commands; resolves once closed. */
  async stop(): Promise<void> {
    this.running = false;
    this.clearReconnectTimer();
    const connection = this.connection;
    if (connection) {
      this.endConnection(connection, 'stopped');
      await connection.closed;
    }
    this.setState('disconnected');
  }

  /** Runs `api <command>` and resolves with the `api/response` body (e.g. `+OK ...`/`-ERR ...`). */
  async api(command: string): Promise<string> {
    const frame = await this.send(`api ${command}`);
    return frame.body;
  }

  /**
   * Sends a raw command (`filter ...`, `nixevent ...`) and resolves with its reply frame
   * (`command/reply`, see its `Reply-Text` header, or `api/response`). Rejects when not connected,
   * on timeout, or when the connection ends first.
   */
  send(command: string): Promise<EslFrame> {
    if (/[\r\n]/.test(command)) {
      return Promise.reject(new Error('ESL command must not contain line breaks'));
    }
    const connection = this.connection;
    if (!connection || connection.phase !== 'ready' || connection.socket.destroyed) {
      return Promise.reject(new Error('ESL client is not connected'));
    }
    return new Promise<EslFrame>((resolve, reject) => {
      const timer = setTimeout(() => {
        const index = connection.pending.findIndex((p) => p.timer === timer);
        // A late reply would be matched to the wrong command, so the connection is recycled.
        if (index >= 0) this.endConnection(connection, `no reply to a command within timeout`);
      }, this.options.commandTimeoutMs);
      connection.pending.push({ resolve, reject, timer });
      this.write(connection, `${command}\n\n`);
    });
  }

  private connect(): void {
    this.reconnectTimer = null;
    if (!this.running) return;
    this.setState('connecting');
    let socket: Socket;
    try {
      socket = createConnection({ host: this.options.host, port: this.options.port });
    } catch (err: unknown) {
      this.logger.error(`ESL connect to ${this.address()} failed: ${describe(err)}`);
      this.scheduleReconnect();
      this.setState('disconnected');
      return;
    }
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    const connection: Connection = {
      socket,
      parser: new EslParser(),
      closed,
      phase: 'await-auth-request',
      handshakeTimer: null,
      pending: [],
    };
    this.connection = connection;
    connection.handshakeTimer = setTimeout(
      () => this.endConnection(connection, 'handshake timed out'),
      this.options.handshakeTimeoutMs,
    );
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 15_000);
    socket.on('data', (chunk: Buffer) => this.onData(connection, chunk));
    socket.on('error', (err: Error) => {
      this.logger.warn(`ESL socket error (${this.address()}): ${err.message}`);
    });
    socket.on('close', () => this.endConnection(connection, 'connection closed'));
    socket.on('timeout', () =>
      this.endConnection(connection, `no data for ${this.options.idleTimeoutMs} ms`),
    );
  }

  private onData(connection: Connection, chunk: Buffer): void {
    if (connection !== this.connection) return;
    try {
      for (const output of connection.parser.push(chunk)) {
        if (connection !== this.connection) return;
        this.handleOutput(connection, output);
      }
    } catch (err: unknown) {
      this.logger.error(`ESL frame handling failed: ${describe(err)}`);
    }
  }

  private handleOutput(connection: Connection, output: EslParserOutput): void {
    if (output.kind === 'error') {
      this.logger.warn(
        `ESL malformed frame skipped (${output.error.code}): ${output.error.message}`,
      );
      this.safeEmit('parseError', output.error);
      return;
    }
    if (output.kind === 'event') {
      this.safeEmit('event', output.event);
      return;
    }
    const { frame } = output;
    switch (frame.contentType) {
      case 'auth/request':
        if (connection.phase === 'await-auth-request') {
          connection.phase = 'await-auth-reply';
          this.write(connection, `auth ${this.options.password}\n\n`);
        }
        return;
      case 'command/reply':
      case 'api/response':
        this.onReply(connection, frame);
        return;
      case 'text/disconnect-notice':
        this.endConnection(connection, `disconnect notice: ${firstLine(frame.body)}`);
        return;
      case 'text/rude-rejection':
        this.logger.error(`ESL connection rejected by FreeSWITCH ACL: ${firstLine(frame.body)}`);
        this.endConnection(connection, 'rude rejection');
        return;
      default:
        this.logger.debug?.(`ESL frame ignored: ${frame.contentType}`);
    }
  }

  private onReply(connection: Connection, frame: EslFrame): void {
    const replyText = frame.headers['Reply-Text'] ?? '';
    switch (connection.phase) {
      case 'await-auth-request':
        this.logger.warn('ESL reply before auth/request ignored');
        return;
      case 'await-auth-reply':
        if (!replyText.startsWith('+OK')) {
          this.logger.warn(`ESL authentication failed at ${this.address()}: ${replyText}`);
          this.safeEmit('authFailed', replyText);
          this.endConnection(connection, `authentication failed: ${replyText}`);
          return;
        }
        if (this.options.events.length === 0) {
          this.markReady(connection);
          return;
        }
        connection.phase = 'await-subscribe-reply';
        this.write(connection, `event json ${this.options.events.join(' ')}\n\n`);
        return;
      case 'await-subscribe-reply':
        if (!replyText.startsWith('+OK')) {
          this.logger.error(`ESL event subscription refused: ${replyText}`);
          this.endConnection(connection, `subscription refused: ${replyText}`);
          return;
        }
        this.markReady(connection);
        return;
      case 'ready': {
        const pending = connection.pending.shift();
        if (!pending) {
          this.logger.warn(`ESL unsolicited ${frame.contentType} ignored`);
          return;
        }
        clearTimeout(pending.timer);
        pending.resolve(frame);
        return;
      }
    }
  }

  private markReady(connection: Connection): void {
    connection.phase = 'ready';
    clearHandshakeTimer(connection);
    if (this.options.idleTimeoutMs > 0) connection.socket.setTimeout(this.options.idleTimeoutMs);
    this.attempt = 0;
    this.logger.log(`ESL connected to ${this.address()}`);
    this.setState('connected');
  }

  /** Ends a connection once (later calls and stale connections are ignored). */
  private endConnection(connection: Connection, reason: string): void {
    if (connection !== this.connection) return;
    this.connection = null;
    clearHandshakeTimer(connection);
    connection.socket.destroy();
    connection.parser.reset();
    for (const pending of connection.pending.splice(0)) {
      clearTimeout(pending.timer);
      pending.reject(new Error(`ESL connection ended before the reply (${reason})`));
    }
    const wasConnected = connection.phase === 'ready';
    const delay = this.scheduleReconnect();
    if (delay !== null) {
      const message = `ESL ${wasConnected ? 'connection lost' : 'connect failed'} (${reason}); retrying in ${delay} ms`;
      if (wasConnected) this.logger.warn(message);
      else this.logger.debug?.(message);
    }
    this.setState('disconnected');
    this.safeEmit('disconnected', reason);
  }

  /** Arms the retry timer unless stopped; returns its delay. */
  private scheduleReconnect(): number | null {
    if (!this.running) return null;
    this.clearReconnectTimer();
    const delay = backoffDelay(this.attempt, this.options.backoff, this.options.random);
    this.attempt += 1;
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
    return delay;
  }

  private write(connection: Connection, data: string): void {
    if (connection.socket.destroyed) return;
    connection.socket.write(data);
  }

  private setState(next: EslConnectionState): void {
    const previous = this.currentState;
    if (previous === next) return;
    this.currentState = next;
    this.safeEmit('stateChanged', next, previous);
  }

  private safeEmit<K extends keyof EslClientEvents>(name: K, ...args: EslClientEvents[K]): void {
    try {
      (this.emit as (event: K, ...rest: EslClientEvents[K]) => boolean)(name, ...args);
    } catch (err: unknown) {
      this.logger.error(`ESL '${name}' listener threw: ${describe(err)}`);
    }
  }

  private clearReconnectTimer(): void {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
  }

  private address(): string {
    return `${this.options.host}:${this.options.port}`;
  }
}

/**
 * Exponential backoff with full jitter: a uniform delay in [0, min(maxMs, initialMs * 2^attempt)).
 * `attempt` counts failures since the last successful subscription, from 0.
 */
export function backoffDelay(
  attempt: number,
  backoff: EslBackoffOptions,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(attempt, 30));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.min(Math.floor(r * ceiling), ceiling);
}

function subscription(events: readonly string[], heartbeat: boolean): string[] {
  const names = [...new Set(events)];
  if (heartbeat && names.length > 0 && !names.includes('HEARTBEAT') && !names.includes('ALL')) {
    names.push('HEARTBEAT');
  }
  return names;
}

function clearHandshakeTimer(connection: Connection): void {
  if (connection.handshakeTimer) clearTimeout(connection.handshakeTimer);
  connection.handshakeTimer = null;
}

/** A newline would end the command early and let the rest run as another command. */
function assertSingleLine(value: string, what: string): void {
  if (/[\r\n]/.test(value)) throw new Error(`ESL ${what} must not contain line breaks`);
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? '';
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
