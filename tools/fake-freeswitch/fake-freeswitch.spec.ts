import { Socket, createConnection } from 'node:net';
import { EslParser, EslParserOutput } from '../../src/modules/pbx/esl/esl-parser';
import { FakeFreeswitch } from './fake-freeswitch';
import { waitFor } from '../../test/support/wait';

/** A bare ESL connection: writes commands, collects parsed output, records the close. */
class RawSession {
  readonly outputs: EslParserOutput[] = [];
  closed = false;
  private readonly socket: Socket;
  private readonly parser = new EslParser();

  constructor(port: number) {
    this.socket = createConnection({ host: '127.0.0.1', port });
    this.socket.on('data', (chunk: Buffer) => this.outputs.push(...this.parser.push(chunk)));
    this.socket.on('close', () => (this.closed = true));
    this.socket.on('error', () => undefined);
  }

  /** Writes each command as its own ESL command (ended by a blank line), in order. */
  send(...commands: string[]): void {
    for (const command of commands) this.socket.write(`${command}\n\n`);
  }

  /** Waits until the server has closed the session; then every reply it sent. */
  async repliesUntilClosed(): Promise<string[]> {
    await waitFor(() => this.closed, { what: 'the server closing the session' });
    return this.replies();
  }

  replies(): string[] {
    return this.outputs.map((o) =>
      o.kind === 'frame'
        ? `${o.frame.contentType} ${o.frame.headers['Reply-Text'] ?? o.frame.body.split('\n')[0]}`
        : o.kind,
    );
  }

  destroy(): void {
    this.socket.destroy();
  }
}

describe('FakeFreeswitch wire protocol', () => {
  let fake: FakeFreeswitch;
  const sessions: RawSession[] = [];

  function open(): RawSession {
    const session = new RawSession(fake.port);
    sessions.push(session);
    return session;
  }

  beforeEach(async () => {
    fake = new FakeFreeswitch({ password: 'pw-1' });
    await fake.listen();
  });

  afterEach(async () => {
    for (const session of sessions.splice(0)) session.destroy();
    await fake.close();
  });

  it('asks for auth, refuses other commands and a wrong password, then disconnects', async () => {
    const s = open();
    await waitFor(() => s.outputs.length === 1, { what: 'auth/request' });
    s.send('api status', 'auth wrong');
    expect(await s.repliesUntilClosed()).toEqual([
      'auth/request ',
      'command/reply -ERR command not found',
      'command/reply -ERR invalid',
      'text/disconnect-notice Disconnected, goodbye.',
    ]);
    expect(fake.commands).toEqual(['api status', 'auth ***']);
  });

  it('sends plain events with URL-encoded values that decode to the JSON ones', async () => {
    const plain = open();
    const json = open();
    await waitFor(() => fake.connectionCount === 2, { what: 'two sessions' });
    plain.send('auth pw-1', 'event plain CHANNEL_ANSWER');
    json.send('auth pw-1', 'event json ALL');
    await waitFor(() => fake.subscribedCount === 2, { what: 'two subscriptions' });

    const call = await fake.simulateCall({
      from: '0901234567',
      callerName: 'Lê Thị Hồng & Co',
      extension: '1002',
      answer: true,
      talkSeconds: 3,
    });
    const events = (s: RawSession) =>
      s.outputs.flatMap((o) => (o.kind === 'event' ? [o.event] : []));
    await waitFor(() => events(json).length === call.events.length, { what: 'all json events' });
    await waitFor(() => events(plain).length === 2, { what: 'two plain answers' });

    const plainAnswer = events(plain)[0];
    const jsonAnswer = events(json).find((e) => e.name === 'CHANNEL_ANSWER');
    expect(plainAnswer.headers).toEqual(jsonAnswer?.headers);
    expect(plainAnswer.headers['Caller-Caller-ID-Name']).toBe('Lê Thị Hồng & Co');
    expect(events(json).map((e) => e.name)).toEqual(call.events.map((e) => e.name));
  });

  it('answers api commands and says goodbye on exit', async () => {
    const s = open();
    s.send('auth pw-1', 'api version', 'api hostname', 'exit');
    expect(await s.repliesUntilClosed()).toEqual([
      'auth/request ',
      'command/reply +OK accepted',
      'api/response FreeSWITCH Version 1.10.12-release~64bit (-release 64bit)',
      'api/response pbx-sim',
      'command/reply +OK bye',
      'text/disconnect-notice Disconnected, goodbye.',
    ]);
  });

  it('paces events in wall-clock time when timeScale is set', async () => {
    const started = Date.now();
    const call = await fake.simulateCall({
      from: '0901234567',
      extension: '1001',
      answer: true,
      ringSeconds: 1,
      talkSeconds: 2,
      timeScale: 20, // 20 ms per simulated second: ~66 ms for this 3.3 s call
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
    const times = call.events.map((e) => Number(e.headers['Event-Date-Timestamp']));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });
});
