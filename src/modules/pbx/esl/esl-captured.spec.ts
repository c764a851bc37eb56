import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EslParser, EslParserOutput } from './esl-parser';
import { summary } from '../../../../test/support/esl';

/**
 * The parser on bytes FreeSWITCH really sent, as public ESL libraries keep them among their test
 * fixtures (test/fixtures/esl/README.md names the sources). Every captured Content-Length matches
 * its body to the byte, so these frames are what the wire carried.
 */
const FIXTURES = join(__dirname, '../../../../test/fixtures/esl');
const captured = (name: string): Buffer => readFileSync(join(FIXTURES, name));

const ALL = [
  'bgapi-background-job.json.esl',
  'api-events.json.esl',
  'heartbeats.json.esl',
  'background-job.plain.esl',
  'disconnect-notice.esl',
];

function events(outputs: EslParserOutput[]) {
  return outputs.flatMap((o) => (o.kind === 'event' ? [o.event] : []));
}

describe('EslParser on captured FreeSWITCH traffic', () => {
  it('bgapi: the command/reply with its Job-UUID, then BACKGROUND_JOB in event json with its _body', () => {
    const out = new EslParser().push(captured('bgapi-background-job.json.esl'));
    expect(summary(out)).toEqual(['frame:command/reply', 'event:BACKGROUND_JOB']);
    const reply = out[0].kind === 'frame' ? out[0].frame : null;
    expect(reply?.headers['Reply-Text']).toBe('+OK Job-UUID: 7eb95f51-a8e3-4b30-80c1-230c2b9170ef');
    const [job] = events(out);
    expect(job.headers['Job-UUID']).toBe('7eb95f51-a8e3-4b30-80c1-230c2b9170ef');
    expect(job.headers['Content-Length']).toBe('340');
    expect(Buffer.byteLength(job.body ?? '')).toBe(340);
    expect(job.body).toMatch(
      /^UP 0 years, 19 days.*\nFreeSWITCH \(Version 1\.10\.0-release {2}64bit\) is ready\n/,
    );
    expect(job.headers).not.toHaveProperty('_body');
  });

  it('two API events, the first preceded by a blank line', () => {
    const out = new EslParser().push(captured('api-events.json.esl'));
    expect(summary(out)).toEqual(['event:API', 'event:API']);
    expect(events(out).map((e) => [e.headers['API-Command'], e.headers['Event-Sequence']])).toEqual(
      [
        ['uptime', '675'],
        ['sofia', '875'],
      ],
    );
    expect(events(out).every((e) => e.headers['FreeSWITCH-Switchname'] === 'fef3c021a821')).toBe(
      true,
    );
  });

  it('HEARTBEAT events, one with an extra outer header (Event-Name: SOCKET_DATA)', () => {
    const out = new EslParser().push(captured('heartbeats.json.esl'));
    expect(summary(out)).toEqual(['event:HEARTBEAT', 'event:HEARTBEAT']);
    const [first, second] = out.flatMap((o) => (o.kind === 'event' ? [o] : []));
    expect(first.frame.headers['Event-Name']).toBe('SOCKET_DATA');
    expect(first.event.name).toBe('HEARTBEAT');
    expect(first.event.headers['FreeSWITCH-Version']).toBe(
      '1.10.10-release+git~20230812T150155Z~591f1eb749~64bit',
    );
    expect(second.event.headers['Idle-CPU']).toBe('96.733333');
  });

  it('BACKGROUND_JOB in event plain: URL-decoded headers and the inner Content-Length body', () => {
    const out = new EslParser().push(captured('background-job.plain.esl'));
    expect(summary(out)).toEqual(['frame:command/reply', 'event:BACKGROUND_JOB']);
    const [job] = events(out);
    expect(job.headers['Event-Date-Local']).toBe('2019-12-10 15:41:55');
    expect(job.headers['FreeSWITCH-IPv6']).toBe('::1');
    expect(Buffer.byteLength(job.body ?? '')).toBe(342);
    expect(job.body).toMatch(/\nCurrent Stack Size\/Max 240K\/8192K\n$/);
  });

  it('the disconnect notice, body included', () => {
    const out = new EslParser().push(captured('disconnect-notice.esl'));
    expect(summary(out)).toEqual(['frame:text/disconnect-notice']);
    const notice = out[0].kind === 'frame' ? out[0].frame : null;
    expect(notice?.headers['Content-Disposition']).toBe('disconnect');
    expect(notice?.body).toBe(
      'Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n',
    );
  });

  it('gives the same output whatever byte offset cuts the captured session in two', () => {
    const stream = Buffer.concat(ALL.map(captured));
    const expected = new EslParser().push(stream);
    expect(summary(expected)).toHaveLength(9);
    const want = JSON.stringify(expected);
    const differing: number[] = [];
    for (let offset = 1; offset < stream.length; offset++) {
      const parser = new EslParser();
      const out = [
        ...parser.push(stream.subarray(0, offset)),
        ...parser.push(stream.subarray(offset)),
      ];
      if (JSON.stringify(out) !== want || parser.bufferedBytes !== 0) differing.push(offset);
    }
    expect(differing).toEqual([]);
  });

  it('loses no captured event to garbage, a frame without Content-Type or a bad Content-Length between them', () => {
    const junk = [
      Buffer.from([0x00, 0xff, 0xfe, 0x0a]),
      Buffer.from('Reply-Text: +OK\n\n'),
      Buffer.from('Content-Length: 12abc\nContent-Type: text/event-json\n\n{"Event-Name":"X"}'),
      Buffer.from('\r\n\r\n'),
    ];
    const clean = ALL.map(captured);
    const dirty = clean.flatMap((frame, i) => [junk[i % junk.length], frame]);
    const parser = new EslParser();
    const out = dirty.flatMap((chunk) => parser.push(chunk));
    const wanted = summary(new EslParser().push(Buffer.concat(clean)));
    expect(summary(out).filter((s) => !s.startsWith('error:'))).toEqual(wanted);
    expect(summary(out).filter((s) => s.startsWith('error:'))).toEqual([
      'error:malformed_headers', // binary garbage
      'error:malformed_headers', // a header block without Content-Type
      'error:bad_content_length',
      'error:malformed_headers', // the garbage again (the CRLF blank lines are no error)
    ]);
    expect(parser.bufferedBytes).toBe(0);
  });
});
