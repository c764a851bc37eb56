import { createHook } from 'node:async_hooks';
import { Server, Socket, createServer } from 'node:net';
import {
  FakeFreeswitch,
  FakeFreeswitchOptions,
} from '../../../../tools/fake-freeswitch/fake-freeswitch';
import { CALL_EVENT_NAMES, CallFact, mapCallEvent } from './call-event-mapper';
import { freePort } from '../../../../test/support/ports';
import { waitFor } from '../../../../test/support/wait';
import { EslClient, EslClientOptions, EslLogger, backoffDelay } from './esl-client';
import { EslEvent, EslParseError } from './esl-parser';

const EVENTS = ['CHANNEL_CREATE', 'CHANNEL_PROGRESS', 'CHANNEL_ANSWER', 'CHANNEL_HANGUP_COMPLETE'];

class MemoryLogger implements EslLogger {
  readonly lines: string[] = [];
  log(message: string): void {
    this.lines.push(`log ${message}`);
  }
  warn(message: string): void {
    this.lines.push(`warn ${message}`);
  }
  error(message: string): void {
    this.lines.push(`error ${message}`);
  }
}

/**
 * Records the timers (`Timeout` resources) created while enabled and forgets those that ran or
 * were cleared, so a test can prove that nothing it started is still pending.
 */
function trackTimers(): { readonly live: Set<number>; disable(): void } {
  const live = new Set<number>();
  const hook = createHook({
    init(asyncId, type) {
      if (type === 'Timeout') live.add(asyncId);
    },
    destroy(asyncId) {
      live.delete(asyncId);
    },
  });
  hook.enable();
  return { live, disable: () => hook.disable() };
}

/** Polls on the event loop without timers of its own (for `trackTimers`). */
async function waitForWithoutTimers(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 3000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** The reasons of the client's disconnections, as they happen. */
function disconnectReasons(client: EslClient): string[] {
  const reasons: string[] = [];
  client.on('disconnected', (reason) => reasons.push(reason));
  return reasons;
}

function openClientSockets(): number {
  return process.getActiveResourcesInfo().filter((type) => type === 'TCPSocketWrap').length;
}

describe('EslClient against a fake FreeSWITCH', () => {
  let fake: FakeFreeswitch;
  let client: EslClient | null;
  let logger: MemoryLogger;
  let events: EslEvent[];
  let parseErrors: EslParseError[];

  function makeClient(overrides: Partial<EslClientOptions> = {}): EslClient {
    const created = new EslClient({
      host: '127.0.0.1',
      port: fake.port,
      password: 'ClueCon',
      events: EVENTS,
      logger,
      backoff: { initialMs: 10, maxMs: 100 },
      ...overrides,
    });
    created.on('event', (event) => events.push(event));
    created.on('parseError', (error) => parseErrors.push(error));
    client = created;
    return created;
  }

  /** Replaces the fake FreeSWITCH with one of these options, on a port of its own. */
  async function restartFake(options: FakeFreeswitchOptions): Promise<void> {
    await fake.close();
    fake = new FakeFreeswitch(options);
    await fake.listen();
  }

  beforeEach(async () => {
    fake = new FakeFreeswitch();
    await fake.listen(0);
    client = null;
    logger = new MemoryLogger();
    events = [];
    parseErrors = [];
  });

  afterEach(async () => {
    await client?.stop();
    await fake.close();
  });

  it('authenticates, subscribes with event json and reports its state', async () => {
    const c = makeClient();
    const states: string[] = [];
    c.on('stateChanged', (state, previous) => states.push(`${previous}->${state}`));
    expect(c.state).toBe('disconnected');
    c.start();
    expect(c.state).toBe('connecting');
    await waitFor(() => c.state === 'connected', { what: 'connected' });
    expect(states).toEqual(['disconnected->connecting', 'connecting->connected']);
    expect(fake.commands).toEqual(['auth ***', `event json ${EVENTS.join(' ')} HEARTBEAT`]);
    expect(fake.subscribedCount).toBe(1);
    expect(logger.lines).toContain(`log ESL connected to 127.0.0.1:${fake.port}`);
  });

  it('retries after an auth failure and connects once the password is right', async () => {
    fake.setPassword('not-the-client-password');
    const c = makeClient({ password: 's3cret-pw' });
    const authFailures: string[] = [];
    c.on('authFailed', (reply) => authFailures.push(reply));
    c.start();
    await waitFor(() => authFailures.length >= 2, { what: 'two auth failures' });
    expect(authFailures[0]).toBe('-ERR invalid');
    expect(c.state).not.toBe('connected');
    expect(logger.lines.some((l) => l.startsWith('warn ESL authentication failed'))).toBe(true);
    expect(logger.lines.join('\n')).not.toContain('s3cret-pw');

    fake.setPassword('s3cret-pw');
    await waitFor(() => c.state === 'connected', { what: 'connected after retry' });
    expect(fake.commands.filter((cmd) => cmd === 'auth ***').length).toBeGreaterThanOrEqual(3);
  });

  it('runs api commands and raw commands, replies matched in order', async () => {
    const c = makeClient();
    await expect(c.api('status')).rejects.toThrow('not connected');
    c.start();
    await waitFor(() => c.state === 'connected');

    await expect(c.api('status')).resolves.toContain(
      'FreeSWITCH (Version 1.10.12 -release 64bit) is ready',
    );
    await expect(c.api('nosuch')).resolves.toBe('-ERR nosuch Command not found!\n');
    const [a, b, filter] = await Promise.all([
      c.api('echo first ☎'),
      c.api('echo second'),
      c.send('filter Unique-ID 4f0c5a2e'),
    ]);
    expect([a, b]).toEqual(['first ☎', 'second']);
    expect(filter.contentType).toBe('command/reply');
    expect(filter.headers['Reply-Text']).toBe('+OK filter added. [Unique-ID]=[4f0c5a2e]');
    await expect(c.send('api status\n\nexit')).rejects.toThrow('line breaks');
  });

  it('delivers realistic JSON channel events that map to ringing, answered and hangup', async () => {
    const subscribed = [...new Set([...EVENTS, ...CALL_EVENT_NAMES])];
    const c = makeClient({ events: subscribed });
    c.start();
    await waitFor(() => c.state === 'connected');

    const call = await fake.simulateCall({
      from: '0901234567',
      to: '02873001234',
      callerName: 'Nguyễn Văn An',
      extension: '1001',
      answer: true,
      talkSeconds: 42,
    });
    const expectedNames = call.events
      .filter((e) => subscribed.includes(e.name))
      .map((e) => `${e.name}:${e.headers['Unique-ID']}`);
    await waitFor(() => events.length === expectedNames.length, { what: 'all events' });
    expect(events.map((e) => `${e.name}:${e.headers['Unique-ID']}`)).toEqual(expectedNames);

    const answer = events.find(
      (e) => e.name === 'CHANNEL_ANSWER' && e.headers['Unique-ID'] === call.bLegUuid,
    );
    expect(answer?.headers).toMatchObject({
      'Event-Name': 'CHANNEL_ANSWER',
      'Call-Direction': 'outbound',
      'Channel-Call-UUID': call.callUuid,
      'Caller-Caller-ID-Name': 'Nguyễn Văn An',
      'Caller-Caller-ID-Number': '0901234567',
      'Caller-Destination-Number': '1001',
      'Other-Type': 'originator',
      'Other-Leg-Unique-ID': call.aLegUuid,
      'Other-Leg-Destination-Number': '02873001234',
      variable_dialed_user: '1001',
      variable_originating_leg_uuid: call.aLegUuid,
    });
    expect(answer?.headers['Caller-Channel-Answered-Time']).toMatch(/^\d{16}$/);

    const facts = events.map((e) => mapCallEvent(e)).filter((f): f is CallFact => f !== null);
    expect(facts.map((f) => f.kind)).toEqual(['ringing', 'answered', 'hangup']);
    expect(facts[2]).toMatchObject({
      call_uuid: call.callUuid,
      extension: '1001',
      direction: 'inbound',
      caller_number: '0901234567',
      destination_number: '02873001234',
      billsec: 42,
      hangup_cause: 'NORMAL_CLEARING',
    });
  });

  it('reassembles a frame split across several TCP packets', async () => {
    const c = makeClient();
    c.start();
    await waitFor(() => c.state === 'connected');

    const name = 'Trần Thị Bích ☎';
    const headers = {
      'Event-Name': 'CHANNEL_CREATE',
      'Unique-ID': '0d3f7a52-5b8e-4c55-9d61-2f6a3b1c9e07',
      'Caller-Caller-ID-Name': name,
    };
    // Cut inside the header block, right after it, and inside a multi-byte character.
    const bodyStart = 'Content-Length: 000\nContent-Type: text/event-json\n\n'.length;
    const json = `{\n\t"Event-Name":\t"CHANNEL_CREATE",\n\t"Unique-ID":\t"${headers['Unique-ID']}",\n\t"Caller-Caller-ID-Name":\t"Tr`;
    fake.splitNextFrame({
      at: [7, bodyStart, bodyStart + Buffer.byteLength(json) + 1],
      delayMs: 10,
    });
    await fake.sendEvent(headers);
    await fake.sendEvent({ ...headers, 'Unique-ID': 'after-the-split' });

    await waitFor(() => events.length === 2, { what: 'two events' });
    expect(events[0].headers).toEqual(headers);
    expect(events[1].headers['Unique-ID']).toBe('after-the-split');
    expect(parseErrors).toEqual([]);
  });

  it('survives malformed frames and a throwing listener, and keeps delivering events', async () => {
    const c = makeClient();
    const disconnects = disconnectReasons(c);
    c.start();
    await waitFor(() => c.state === 'connected');
    c.on('event', (event) => {
      if (event.headers['Unique-ID'] === 'explode') throw new Error('listener bug');
    });

    await fake.sendMalformed('invalid-json');
    await fake.sendEvent({ 'Event-Name': 'CHANNEL_CREATE', 'Unique-ID': 'explode' });
    await fake.sendMalformed('bad-content-length');
    await fake.sendEvent({ 'Event-Name': 'CHANNEL_ANSWER', 'Unique-ID': 'after-bad-length' });
    await fake.sendMalformed('garbage');
    await fake.sendEvent({ 'Event-Name': 'CHANNEL_HANGUP_COMPLETE', 'Unique-ID': 'after-garbage' });

    await waitFor(() => events.length === 3, { what: 'three good events' });
    expect(events.map((e) => e.headers['Unique-ID'])).toEqual([
      'explode',
      'after-bad-length',
      'after-garbage',
    ]);
    expect(parseErrors.map((e) => e.code)).toEqual([
      'invalid_event_json',
      'bad_content_length',
      'malformed_headers',
    ]);
    expect(logger.lines).toContain("error ESL 'event' listener threw: listener bug");
    expect(c.state).toBe('connected');
    expect(disconnects).toEqual([]);
    await expect(c.api('echo still-alive')).resolves.toBe('still-alive');
  });

  it('reconnects after the connection drops and resubscribes', async () => {
    const c = makeClient();
    const states: string[] = [];
    c.on('stateChanged', (state) => states.push(state));
    c.start();
    await waitFor(() => c.state === 'connected');

    fake.dropConnections();
    await waitFor(() => states.includes('disconnected'), { what: 'disconnected' });
    await waitFor(() => c.state === 'connected' && fake.subscribedCount === 1, {
      what: 'reconnected',
    });
    expect(states).toEqual(['connecting', 'connected', 'disconnected', 'connecting', 'connected']);
    expect(fake.commands.filter((cmd) => cmd.startsWith('event json')).length).toBe(2);
    expect(logger.lines.some((l) => l.startsWith('warn ESL connection lost'))).toBe(true);

    await fake.sendEvent({ 'Event-Name': 'CHANNEL_CREATE', 'Unique-ID': 'after-reconnect' });
    await waitFor(() => events.length === 1);
    expect(events[0].headers['Unique-ID']).toBe('after-reconnect');
  });

  it('rejects pending commands when the connection drops', async () => {
    const c = makeClient();
    c.start();
    await waitFor(() => c.state === 'connected');
    fake.splitNextFrame({ parts: 2, delayMs: 200 });
    const pending = c.api('status');
    await waitFor(() => fake.commands.includes('api status'));
    fake.dropConnections();
    await expect(pending).rejects.toThrow('connection ended before the reply');
  });

  it('replaces a connection that goes silent, and keeps one that sends heartbeats', async () => {
    await restartFake({ heartbeatMs: 0 });
    const c = makeClient({ idleTimeoutMs: 150 });
    const reasons = disconnectReasons(c);
    c.start();
    await waitFor(() => reasons.length >= 1, { what: 'idle disconnect' });
    expect(reasons[0]).toBe('no data for 150 ms');
    await c.stop();

    await restartFake({ heartbeatMs: 25 });
    const lively = makeClient({ idleTimeoutMs: 150 });
    const livelyReasons = disconnectReasons(lively);
    lively.start();
    // Twelve heartbeats span about 300 ms, twice the idle timeout.
    await waitFor(() => events.filter((e) => e.name === 'HEARTBEAT').length >= 12, {
      what: 'heartbeats',
    });
    expect(livelyReasons).toEqual([]);
    expect(lively.state).toBe('connected');
  });

  it('times out a handshake that never starts and retries', async () => {
    const sockets = new Set<Socket>();
    const silent: Server = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const c = makeClient({ port, handshakeTimeoutMs: 50 });
      const reasons = disconnectReasons(c);
      c.start();
      await waitFor(() => reasons.length >= 2, { what: 'two handshake timeouts' });
      expect(reasons.slice(0, 2)).toEqual(['handshake timed out', 'handshake timed out']);
      await c.stop();
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('stop() closes the socket and cancels timers, leaving no open handles', async () => {
    const timers = trackTimers();
    try {
      const c = makeClient();
      c.start();
      await waitFor(() => c.state === 'connected');
      await c.stop();
      expect(c.state).toBe('disconnected');
      await waitForWithoutTimers(
        () => timers.live.size === 0 && openClientSockets() === 0 && fake.connectionCount === 0,
        'sockets closed and timers gone',
      );

      // Stopping while a retry is pending (a 60 s one: the third delay) clears that timer too.
      let draws = 0;
      const refused = makeClient({
        port: await freePort(),
        backoff: { initialMs: 60_000, maxMs: 60_000 },
        random: () => (++draws <= 2 ? 0 : 0.999),
      });
      const reasons = disconnectReasons(refused);
      refused.start();
      await waitFor(() => reasons.length === 3, { what: 'three refused connects' });
      expect(timers.live.size).toBeGreaterThan(0);
      await refused.stop();
      expect(refused.state).toBe('disconnected');
      await waitForWithoutTimers(
        () => timers.live.size === 0 && openClientSockets() === 0,
        'retry timer cleared',
      );
      expect(reasons).toHaveLength(3);
    } finally {
      timers.disable();
    }
  });
});

describe('backoffDelay', () => {
  const backoff = { initialMs: 500, maxMs: 30_000 };

  it('grows exponentially up to maxMs, scaled by the jitter', () => {
    const top = (attempt: number): number => backoffDelay(attempt, backoff, () => 0.999999);
    expect([0, 1, 2, 3, 4, 5, 6, 7, 40].map(top)).toEqual([
      499, 999, 1999, 3999, 7999, 15999, 29999, 29999, 29999,
    ]);
    expect(backoffDelay(3, backoff, () => 0)).toBe(0);
    expect(backoffDelay(3, backoff, () => 0.5)).toBe(2000);
  });

  it('draws a different delay each time with the default random source', () => {
    const delays = new Set(Array.from({ length: 20 }, () => backoffDelay(10, backoff)));
    expect(delays.size).toBeGreaterThan(1);
    for (const d of delays) expect(d).toBeGreaterThanOrEqual(0);
    for (const d of delays) expect(d).toBeLessThan(30_000);
  });
});
