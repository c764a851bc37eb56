import { EslParser, EslParserOutput, parsePlainEvent } from './esl-parser';
import { summary } from '../../../../test/support/esl';

/** A text/event-json frame of `body`, its Content-Length the body's bytes unless `length` says. */
function rawEventJsonFrame(body: string, length: string | number = Buffer.byteLength(body)) {
  return Buffer.from(`Content-Length: ${length}\nContent-Type: text/event-json\n\n${body}`);
}

function eventJsonFrame(headers: Record<string, string>): Buffer {
  return rawEventJsonFrame(JSON.stringify(headers));
}

const REPLY = Buffer.from('Content-Type: command/reply\nReply-Text: +OK accepted\n\n');
const EVENT = eventJsonFrame({
  'Event-Name': 'CHANNEL_ANSWER',
  'Unique-ID': '6b4f3c1e-8d7a-4a0e-9b2c-1f2e3d4c5b6a',
  'Caller-Caller-ID-Name': 'Nguyễn Văn An ☎',
  'Caller-Caller-ID-Number': '0901234567',
  'Caller-Channel-Answered-Time': '1782703812345678',
});

/** What a fresh parser makes of these frames sent in one chunk. */
function parseFrames(...frames: Buffer[]): EslParserOutput[] {
  return new EslParser().push(Buffer.concat(frames));
}

function pushAll(parser: EslParser, chunks: Buffer[]): EslParserOutput[] {
  return chunks.flatMap((chunk) => parser.push(chunk));
}

describe('EslParser', () => {
  it('parses a header-only frame and a Content-Length frame', () => {
    const parser = new EslParser();
    const out = parser.push(Buffer.concat([REPLY, EVENT]));
    expect(summary(out)).toEqual(['frame:command/reply', 'event:CHANNEL_ANSWER']);
    const [reply, event] = out;
    expect(reply.kind === 'frame' && reply.frame.headers['Reply-Text']).toBe('+OK accepted');
    expect(event.kind === 'event' && event.event.headers['Caller-Caller-ID-Name']).toBe(
      'Nguyễn Văn An ☎',
    );
    expect(parser.bufferedBytes).toBe(0);
  });

  it('yields the same frames whatever byte offset splits a two-frame stream', () => {
    const stream = Buffer.concat([REPLY, EVENT]);
    const expected = new EslParser().push(stream);
    for (let offset = 0; offset <= stream.length; offset++) {
      const parser = new EslParser();
      const out = pushAll(parser, [stream.subarray(0, offset), stream.subarray(offset)]);
      expect(out).toEqual(expected);
      expect(parser.bufferedBytes).toBe(0);
    }
  });

  it('handles a stream delivered one byte at a time', () => {
    const stream = Buffer.concat([EVENT, REPLY, EVENT]);
    const parser = new EslParser();
    const bytes = Array.from(stream, (_, i) => stream.subarray(i, i + 1));
    expect(summary(pushAll(parser, bytes))).toEqual([
      'event:CHANNEL_ANSWER',
      'frame:command/reply',
      'event:CHANNEL_ANSWER',
    ]);
  });

  it('decodes a multi-byte UTF-8 character split across chunks (Content-Length in bytes)', () => {
    const at = EVENT.indexOf(Buffer.from('☎')) + 1; // inside the 3-byte character
    const parser = new EslParser();
    expect(parser.push(EVENT.subarray(0, at))).toEqual([]);
    const [out] = parser.push(EVENT.subarray(at));
    expect(out.kind === 'event' && out.event.headers['Caller-Caller-ID-Name']).toBe(
      'Nguyễn Văn An ☎',
    );
  });

  it('parses several frames arriving in one chunk, with a partial one kept for later', () => {
    const api = Buffer.from('Content-Type: api/response\nContent-Length: 14\n\n+OK Job-UUID\n\n');
    const notice = Buffer.from(
      'Content-Type: text/disconnect-notice\nContent-Length: 23\n\nDisconnected, goodbye.\n',
    );
    const log = Buffer.from('Content-Type: log/data\nContent-Length: 6\nLog-Level: 7\n\nhello\n');
    const stream = Buffer.concat([
      Buffer.from('Content-Type: auth/request\n\n'),
      api,
      log,
      notice,
      EVENT,
    ]);
    const parser = new EslParser();
    const out = parser.push(stream.subarray(0, stream.length - 10));
    expect(summary(out)).toEqual([
      'frame:auth/request',
      'frame:api/response',
      'frame:log/data',
      'frame:text/disconnect-notice',
    ]);
    expect(out[1].kind === 'frame' && out[1].frame.body).toBe('+OK Job-UUID\n\n');
    expect(out[2].kind === 'frame' && out[2].frame.headers['Log-Level']).toBe('7');
    expect(summary(parser.push(stream.subarray(stream.length - 10)))).toEqual([
      'event:CHANNEL_ANSWER',
    ]);
  });

  it('reports a bad Content-Length and resynchronises on the next frame', () => {
    const bad = rawEventJsonFrame('{"Event-Name": "X"}', '12abc');
    for (const badLength of ['12abc', '-5', '99999999999', '']) {
      const frame = rawEventJsonFrame('{"Event-Name": "X"}', badLength);
      const out = parseFrames(frame, REPLY, EVENT);
      expect(summary(out)).toEqual([
        'error:bad_content_length',
        'frame:command/reply',
        'event:CHANNEL_ANSWER',
      ]);
    }
    const whole = parseFrames(bad, EVENT);
    expect(whole[0].kind === 'error' && whole[0].error.discardedBytes).toBe(bad.length);
    // Split inside the garbage body: the resync still finds the next frame.
    const stream = Buffer.concat([bad, EVENT]);
    for (const cutAt of [bad.length - 5, bad.length + 3, bad.length + 15]) {
      const parser = new EslParser();
      const out = pushAll(parser, [stream.subarray(0, cutAt), stream.subarray(cutAt)]);
      expect(summary(out)).toEqual(['error:bad_content_length', 'event:CHANNEL_ANSWER']);
    }
  });

  it('reports a Content-Length that overruns into the next frame, then recovers', () => {
    const body = '{"Event-Name": "CHANNEL_CREATE"}';
    const tooLong = rawEventJsonFrame(body, body.length + 20);
    const out = parseFrames(tooLong, REPLY, EVENT, REPLY);
    // The over-long body swallows the start of the reply; its tail is garbage until the event.
    expect(summary(out)).toEqual([
      'error:invalid_event_json',
      'error:malformed_headers',
      'event:CHANNEL_ANSWER',
      'frame:command/reply',
    ]);
  });

  it('reports invalid JSON in an event-json frame without losing the frames around it', () => {
    const body = '{"Event-Name": "CHANNEL_CREATE", "Unique-ID": ';
    const broken = rawEventJsonFrame(body);
    const notObject = rawEventJsonFrame('[42]');
    const noName = rawEventJsonFrame('{}');
    const out = parseFrames(EVENT, broken, notObject, noName, EVENT);
    expect(summary(out)).toEqual([
      'event:CHANNEL_ANSWER',
      'error:invalid_event_json',
      'error:invalid_event_json',
      'error:invalid_event_json',
      'event:CHANNEL_ANSWER',
    ]);
    const error = out[1].kind === 'error' ? out[1].error : null;
    expect(error?.discardedBytes).toBe(0);
    expect(error?.sample).toBe(body);
  });

  it('skips garbage bytes and header blocks that are not ESL', () => {
    const garbage = Buffer.concat([
      Buffer.from([0x00, 0xff, 0xfe]),
      Buffer.from('this is not an ESL frame\nnor: is\tthis\n\n'),
    ]);
    const noType = Buffer.from('Reply-Text: +OK\n\n');
    const out = parseFrames(garbage, EVENT, noType, REPLY);
    expect(summary(out)).toEqual([
      'error:malformed_headers',
      'event:CHANNEL_ANSWER',
      'error:malformed_headers',
      'frame:command/reply',
    ]);
  });

  it('gives up on a header block that never ends, then recovers', () => {
    const parser = new EslParser({ maxHeaderBytes: 64 });
    const out = pushAll(parser, [Buffer.from('x'.repeat(100)), REPLY]);
    expect(summary(out)).toEqual(['error:headers_too_large', 'frame:command/reply']);
  });

  it('parses text/event-plain with URL-encoded values and an event body', () => {
    const inner = 'Hello ☎';
    const plain =
      `Event-Name: BACKGROUND_JOB\nJob-UUID: 7f4db78a\nJob-Command: originate\n` +
      `Caller-Caller-ID-Name: Nguy%E1%BB%85n%20V%C4%83n%20An\nContent-Length: ${Buffer.byteLength(inner)}\n\n${inner}`;
    const frame = Buffer.concat([
      Buffer.from(
        `Content-Length: ${Buffer.byteLength(plain)}\nContent-Type: text/event-plain\n\n`,
      ),
      Buffer.from(plain),
    ]);
    const [out] = new EslParser().push(frame);
    expect(out.kind).toBe('event');
    if (out.kind !== 'event') return;
    expect(out.event.name).toBe('BACKGROUND_JOB');
    expect(out.event.headers['Caller-Caller-ID-Name']).toBe('Nguyễn Văn An');
    expect(out.event.body).toBe(inner);
    expect(parsePlainEvent('no colon here\n\n')).toMatchObject({ code: 'invalid_event_plain' });
  });

  it('keeps JSON _body apart and stringifies non-string values', () => {
    const frame = eventJsonFrame({
      'Event-Name': 'BACKGROUND_JOB',
      _body: '+OK 1234\n',
      // FreeSWITCH sends strings, but a proxy might not.
      ...({ 'Event-Sequence': 42, Flag: true, Gone: null } as unknown as Record<string, string>),
    });
    const [out] = new EslParser().push(frame);
    expect(out.kind === 'event' && out.event).toEqual({
      name: 'BACKGROUND_JOB',
      headers: { 'Event-Name': 'BACKGROUND_JOB', 'Event-Sequence': '42', Flag: 'true' },
      body: '+OK 1234\n',
    });
  });

  it('accepts CRLF line ends and ignores blank lines between frames', () => {
    const crlf = Buffer.from('Content-Type: command/reply\r\nReply-Text: +OK\r\n\r\n');
    const out = new EslParser().push(
      Buffer.concat([Buffer.from('\n\n'), crlf, Buffer.from('\n'), REPLY]),
    );
    expect(summary(out)).toEqual(['frame:command/reply', 'frame:command/reply']);
    expect(out[0].kind === 'frame' && out[0].frame.headers['Reply-Text']).toBe('+OK');
  });

  it('assembles a large body delivered in many small chunks', () => {
    const big = eventJsonFrame({ 'Event-Name': 'CUSTOM', Data: 'é'.repeat(200_000) });
    const parser = new EslParser();
    const out: EslParserOutput[] = [];
    for (let i = 0; i < big.length; i += 1000) out.push(...parser.push(big.subarray(i, i + 1000)));
    expect(out).toHaveLength(1);
    expect(out[0].kind === 'event' && out[0].event.headers.Data).toHaveLength(200_000);
  });
});
