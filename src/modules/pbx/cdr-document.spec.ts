import { parseCdrDocument, recordingUrl, resultOf, trimTrailingSlashes } from './cdr-document';
import { minimalCdr } from '../../../test/support/cdr';

const UUID = '6f1c2b0e-4d1a-4c8e-9a57-3e2f8b1d7c40';

function doc(vars: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return { ...minimalCdr(vars, UUID), callflow: [{ caller_profile: {} }], ...extra };
}

function parsed(vars: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const result = parseCdrDocument(doc(vars, extra));
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.cdr;
}

describe('parseCdrDocument', () => {
  it('reads times (seconds, or microseconds when present) and derives duration and billsec', () => {
    const cdr = parsed({});
    expect(cdr.startedAt.toISOString()).toBe('2026-06-29T03:29:40.000Z');
    expect(cdr.answeredAt?.toISOString()).toBe('2026-06-29T03:29:46.000Z');
    expect(cdr.endedAt.toISOString()).toBe('2026-06-29T03:30:12.000Z');
    expect([cdr.duration, cdr.billsec]).toEqual([32, 26]);
    const precise = parsed({ start_uepoch: '1782703780250000', duration: '40', billsec: '30' });
    expect(precise.startedAt.toISOString()).toBe('2026-06-29T03:29:40.250Z');
    expect([precise.duration, precise.billsec]).toEqual([40, 30]);
    const unanswered = parsed({ answer_epoch: '0', hangup_cause: 'NO_ANSWER' });
    expect(unanswered.answeredAt).toBeNull();
    expect(unanswered.billsec).toBe(0);
    expect(unanswered.result).toBe('no_answer');
  });

  it('URL-decodes encoded values once and accepts numbers', () => {
    const cdr = parsed({
      caller_id_number: '%2B84912345678',
      cc_queue: 'sales%40pbx.local',
      start_epoch: 1782703780,
      raw_percent: '100%',
    });
    expect(cdr.callerNumber).toBe('+84912345678');
    expect(cdr.queueName).toBe('sales@pbx.local');
    expect(cdr.variables.raw_percent).toBe('100%');
    expect(cdr.variables.start_epoch).toBe('1782703780');
  });

  it('finds the extension and the direction', () => {
    expect(parsed({ dialed_user: '1002', destination_number: '842873001234' })).toMatchObject({
      extension: '1002',
      direction: 'inbound',
    });
    expect(parsed({ caller_id_number: '1001', destination_number: '0912345678' })).toMatchObject({
      extension: '1001',
      direction: 'outbound',
    });
    expect(parsed({ caller_id_number: '1001', destination_number: '1002' })).toMatchObject({
      extension: '1002',
      direction: 'internal',
    });
    expect(parsed({ call_direction: 'local' }).direction).toBe('internal');
    expect(parsed({ destination_number: '842873001234' }).extension).toBe('');
  });

  it('maps the hangup cause to a result', () => {
    expect(resultOf(true, 'NORMAL_CLEARING')).toBe('answered');
    expect(resultOf(false, 'USER_BUSY')).toBe('busy');
    expect(resultOf(false, 'NO_USER_RESPONSE')).toBe('no_answer');
    expect(resultOf(false, 'ORIGINATOR_CANCEL')).toBe('cancelled');
    expect(resultOf(false, 'LOSE_RACE')).toBe('cancelled');
    expect(resultOf(false, 'CALL_REJECTED')).toBe('failed');
  });

  it('reads queue and trunk names from the usual variables', () => {
    expect(parsed({ fifo_name: 'support', sip_gateway: 'gw1' })).toMatchObject({
      queueName: 'support',
      trunkName: 'gw1',
    });
    expect(parsed({ queue_name: 'q', trunk_name: 't', sip_gateway_name: 'gw' })).toMatchObject({
      queueName: 'q',
      trunkName: 't',
    });
    expect(parsed({})).toMatchObject({ queueName: null, trunkName: null });
  });

  it('rejects what is not a CDR, naming the variable', () => {
    const errors = (body: unknown) => {
      const r = parseCdrDocument(body);
      return r.ok ? null : r.errors;
    };
    expect(errors(null)).toHaveProperty(['variables']);
    expect(errors([])).toHaveProperty(['variables']);
    expect(errors({ variables: 'x' })).toHaveProperty(['variables']);
    expect(errors(doc({ uuid: 'abc' }))).toEqual({ 'variables.uuid': ['uuid must be a UUID'] });
    expect(errors(doc({ start_epoch: '0' }))).toHaveProperty(['variables.start_epoch']);
    expect(errors(doc({ end_epoch: undefined }))).toHaveProperty(['variables.end_epoch']);
    expect(errors(doc({ hangup_cause: '' }))).toHaveProperty(['variables.hangup_cause']);
    expect(errors(doc({ billsec: '-1' }))).toHaveProperty(['variables.billsec']);
    expect(errors(doc({ end_epoch: '1782703779' }))).toEqual({
      'variables.end_epoch': ['end_epoch must not be before start_epoch'],
    });
  });
});

describe('recordingUrl', () => {
  it('uses an http(s) recording_url variable as is', () => {
    expect(recordingUrl({ recording_url: 'https://rec.example.com/a.wav' }, 'pbx01')).toBe(
      'https://rec.example.com/a.wav',
    );
  });

  it('joins FusionPBX record_path and record_name into a file URL on the switch', () => {
    expect(
      recordingUrl(
        { record_path: '/var/lib/freeswitch/recordings/2026/Jun/29/', record_name: 'a b.wav' },
        'pbx01',
      ),
    ).toBe('file://pbx01/var/lib/freeswitch/recordings/2026/Jun/29/a%20b.wav');
    expect(recordingUrl({ recording_file: '/rec/x.mp3' }, '')).toBe('file:///rec/x.mp3');
  });

  it('unwraps http_cache:// locations and ignores what is neither a URL nor an absolute path', () => {
    expect(recordingUrl({ record_path: 'http_cache://http://rec.local/x.wav' }, 'pbx01')).toBe(
      'http://rec.local/x.wav',
    );
    expect(recordingUrl({ record_path: 'relative/x.wav' }, 'pbx01')).toBeNull();
    expect(recordingUrl({ recording_url: 'ftp://x/y.wav' }, 'pbx01')).toBeNull();
    expect(recordingUrl({}, 'pbx01')).toBeNull();
    expect(recordingUrl({ record_file: '/x.wav' }, 'bad host/name')).toBe('file:///x.wav');
  });

  it('accepts the form encoding (encode=true): cdr=<json>', () => {
    const result = parseCdrDocument({ cdr: JSON.stringify(doc({ record_path: '/rec/a.wav' })) });
    expect(result.ok && result.cdr.recordingUrl).toBe('file://pbx01/rec/a.wav');
    expect(parseCdrDocument({ cdr: '{"variables": ' })).toEqual({
      ok: false,
      errors: { cdr: ['cdr must be a mod_json_cdr JSON document'] },
    });
  });

  it('stores NUL and lone surrogates escaped, also those URL-decoding produces', () => {
    const cdr = parsed({
      sip_user_agent: 'ua%00x',
      note: '%ED%A0%80',
      hangup_cause: 'NORMAL_CLEARING',
    });
    expect(cdr.variables.sip_user_agent).toBe('ua\\u0000x');
    expect(cdr.variables.note).toBe('%ED%A0%80');
    const form = parseCdrDocument({ cdr: JSON.stringify(doc({ x: 'a\u0000\ud800' })) });
    expect(form.ok && form.cdr.variables.x).toBe('a\\u0000\\ud800');
  });

  it('trims a long run of slashes in linear time and refuses over-long recording URLs', () => {
    const slashes = '/'.repeat(100_000);
    expect(trimTrailingSlashes(`${slashes}x`)).toBe(`${slashes}x`);
    expect(trimTrailingSlashes(`/a${slashes}`)).toBe('/a');
    expect(parsed({ record_path: `${slashes}x`, record_name: 'a.wav' }).recordingUrl).toBeNull();
    expect(parsed({ record_path: '/r//', record_name: 'a.wav' }).recordingUrl).toBe(
      'file://pbx01/r/a.wav',
    );
  });
});
