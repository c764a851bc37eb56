import { randomUUID } from 'node:crypto';
import { SimulateCallOptions } from '../../tools/fake-freeswitch/fake-freeswitch';
import { ANSWERED_CALL } from '../support/cdr';
import { waitFor } from '../support/wait';
import { expectEvent, OutboxRow } from './support';
import { usePbxApp } from './suite';

/** A mod_json_cdr document as FreeSWITCH posts it (encode-values on: values URL-encoded). */
/**
 * mod_json_cdr's time variables of a call that started at `start` (epoch seconds), was answered
 * `answerAfter` and ended `endAfter` seconds later; `micros`: the microseconds of the three.
 */
function callTimes(start: number, answerAfter: number, endAfter: number, micros = ['0', '0', '0']) {
  const [startUs, answerUs, endUs] = micros.map((us) => us.padStart(6, '0'));
  return {
    start_epoch: String(start),
    start_uepoch: `${start}${startUs}`,
    answer_epoch: String(start + answerAfter),
    answer_uepoch: `${start + answerAfter}${answerUs}`,
    end_epoch: String(start + endAfter),
    end_uepoch: `${start + endAfter}${endUs}`,
  };
}

function cdrDocument(over: Record<string, string> = {}, uuid: string = randomUUID()) {
  const start = 1782703780;
  const vars: Record<string, string> = {
    direction: 'inbound',
    uuid,
    call_uuid: uuid,
    session_id: '41',
    sip_from_user: '84912345678',
    sip_to_user: '842873001234',
    sip_gateway_name: 'viettel-sip-01',
    caller_id_name: encodeURIComponent('Nguyễn Văn An'),
    caller_id_number: '84912345678',
    destination_number: '842873001234',
    dialed_extension: '1001',
    dialed_user: '1001',
    cc_queue: 'sales%40pbx.zorio.local',
    record_path: encodeURIComponent(
      '/var/lib/freeswitch/recordings/pbx.zorio.local/archive/2026/Jun/29',
    ),
    record_name: `${uuid}.wav`,
    start_stamp: encodeURIComponent('2026-06-29 10:29:40'),
    ...callTimes(start, 6, 32, ['123456', '200000', '900000']),
    duration: '32',
    billsec: '26',
    hangup_cause: 'NORMAL_CLEARING',
    hangup_cause_q850: '16',
    sip_term_status: '200',
    ...over,
  };
  return {
    'core-uuid': '2a5b0c6e-1f7e-4e0a-9f3c-0d1f5e6a7b8c',
    switchname: 'pbx01',
    channel_data: { state: 'CS_REPORTING', direction: 'inbound', state_number: '11' },
    callStats: { audio: { inbound: { raw_bytes: 41280, media_bytes: 41280 } } },
    variables: vars,
    app_log: { applications: [{ app_name: 'bridge', app_data: 'user/1001@pbx.zorio.local' }] },
    callflow: [
      {
        dialplan: 'XML',
        profile_index: '1',
        caller_profile: {
          username: '84912345678',
          caller_id_number: '84912345678',
          destination_number: '842873001234',
          uuid,
        },
        times: { created_time: `${start}123456`, answered_time: `${start + 6}200000` },
      },
    ],
  };
}

describe('PBX: event socket calls and the CDR pipeline', () => {
  const { api, fake } = usePbxApp();
  const { get } = api;
  const postCdr = (doc: object) => api.post('/api/pbx/cdr', doc);

  const readiness = async () => {
    const res = await api.t.http().get('/health/ready');
    return { status: res.status, pbx: res.body.checks?.pbx as { status: string } | undefined };
  };

  const eventsOfCall = async (mark: string, callUuid: string): Promise<OutboxRow[]> =>
    (await api.since(mark)).filter((r) => r.payload.call_uuid === callUuid);

  /** Plays a call on the fake PBX and waits until its events (published after now) are `done`. */
  async function playCall(
    options: SimulateCallOptions,
    done: (rows: OutboxRow[]) => boolean,
    what: string,
  ) {
    const mark = await api.mark();
    const call = await fake.simulateCall(options);
    const rows = await waitFor(
      async () => {
        const r = await eventsOfCall(mark, call.callUuid);
        return done(r) ? r : null;
      },
      { what },
    );
    return { call, rows };
  }
  const all3 = (rows: OutboxRow[]) => rows.length === 3;
  const hungUp = (rows: OutboxRow[]) => rows.some((r) => r.event_name === 'pbx.call.hangup');

  describe('live calls from the event socket', () => {
    it('subscribes to the channel events and reports pbx up in readiness', async () => {
      await waitFor(async () => (await readiness()).pbx?.status === 'up', {
        what: 'pbx readiness up',
      });
      const subscribe = fake.commands.find((c) => c.startsWith('event json '));
      for (const name of [
        'CHANNEL_PROGRESS',
        'CHANNEL_PROGRESS_MEDIA',
        'CHANNEL_ANSWER',
        'CHANNEL_HANGUP_COMPLETE',
      ]) {
        expect(subscribe?.split(' ')).toContain(name);
      }
    });

    it('an answered inbound call publishes ringing, answered and hangup once each, with the documented fields', async () => {
      const { call, rows } = await playCall(
        {
          from: '84912345678',
          to: '842873001234',
          extension: '1001',
          answer: true,
          ringSeconds: 4,
          talkSeconds: 26,
        },
        (r) => r.length >= 3,
        'three call events',
      );
      expect(rows.map((r) => r.event_name)).toEqual([
        'pbx.call.ringing',
        'pbx.call.answered',
        'pbx.call.hangup',
      ]);
      expect(rows.map((r) => [r.ordering_key, r.sequence])).toEqual([
        [`call:${call.callUuid}`, 1],
        [`call:${call.callUuid}`, 2],
        [`call:${call.callUuid}`, 3],
      ]);
      const ringing = expectEvent(rows[0], 'pbx.call.ringing');
      const answered = expectEvent(rows[1], 'pbx.call.answered');
      const hangup = expectEvent(rows[2], 'pbx.call.hangup');
      expect(ringing).toMatchObject({
        call_uuid: call.callUuid,
        extension: '1001',
        direction: 'inbound',
        caller_number: '84912345678',
        destination_number: '842873001234',
      });
      expect(answered).toMatchObject({ ...ringing });
      expect(Date.parse(answered.answered_at as string)).toBeGreaterThan(
        Date.parse(ringing.timestamp as string),
      );
      expect(hangup).toMatchObject({
        call_uuid: call.callUuid,
        extension: '1001',
        hangup_cause: 'NORMAL_CLEARING',
        answered_at: answered.answered_at,
        billsec: 26,
      });
      expect(hangup.duration).toBeGreaterThanOrEqual(30);

      const [row] = await api.t.db.query(
        `SELECT status, hangup_cause, billsec, published FROM pbx_calls WHERE call_uuid = $1`,
        [call.callUuid],
      );
      expect(row).toEqual({
        status: 'ended',
        hangup_cause: 'NORMAL_CLEARING',
        billsec: 26,
        published: ['ringing', 'answered', 'hangup'],
      });
    });

    it('repeated frames publish nothing more (idempotent per call, extension and kind)', async () => {
      const first = await fake.simulateCall({
        from: '84987654321',
        extension: '1002',
        to: '842873001234',
        answer: true,
        talkSeconds: 5,
      });
      await waitFor(async () => all3(await eventsOfCall('0', first.callUuid)), {
        what: 'the first call recorded',
      });
      const mark = await api.mark();
      for (const e of first.events) await fake.sendEvent({ ...e.headers });
      // A sentinel call after the replays: events are recorded in arrival order, so once its
      // hangup is in the outbox, every replayed frame has been handled.
      const sentinel = await fake.simulateCall({
        from: '84911111111',
        extension: '1003',
        answer: false,
        talkSeconds: 0,
        ringSeconds: 2,
      });
      await waitFor(async () => hungUp(await eventsOfCall(mark, sentinel.callUuid)), {
        what: 'sentinel hangup',
      });
      expect(await eventsOfCall(mark, first.callUuid)).toEqual([]);
      const [{ n }] = await api.t.db.query(
        `SELECT count(*)::int AS n FROM outbox_events WHERE payload->>'call_uuid' = $1`,
        [first.callUuid],
      );
      expect(n).toBe(3);
    });

    it('an unanswered call publishes ringing and a hangup with NO_ANSWER and no answered_at', async () => {
      const { rows } = await playCall(
        { from: '1005', extension: '1001', answer: false, talkSeconds: 0, ringSeconds: 30 },
        hungUp,
        'hangup of the unanswered call',
      );
      expect(rows.map((r) => r.event_name)).toEqual(['pbx.call.ringing', 'pbx.call.hangup']);
      expect(expectEvent(rows[0], 'pbx.call.ringing').direction).toBe('internal');
      expect(expectEvent(rows[1], 'pbx.call.hangup')).toMatchObject({
        answered_at: null,
        billsec: 0,
        hangup_cause: 'NO_ANSWER',
        direction: 'internal',
      });
    });

    it('keeps working after a malformed frame', async () => {
      await fake.sendMalformed('invalid-json');
      await playCall(
        { from: '84912222222', extension: '1001', answer: true, talkSeconds: 3 },
        all3,
        'events after a malformed frame',
      );
    });

    it('is degraded (not down) while the PBX is away, and up again after reconnecting', async () => {
      fake.setPassword('not-the-password');
      fake.dropConnections();
      const away = await waitFor(
        async () => {
          const r = await readiness();
          return r.pbx?.status === 'degraded' ? r : null;
        },
        { what: 'pbx degraded' },
      );
      expect(away.status).toBe(200);
      fake.setPassword('ClueCon');
      await waitFor(async () => (await readiness()).pbx?.status === 'up', {
        timeoutMs: 40_000,
        what: 'pbx up again',
      });
      await playCall(
        { from: '84913333333', extension: '1004', answer: true, talkSeconds: 2 },
        all3,
        'events after the reconnect',
      );
    });
  });

  describe('CDR pipeline', () => {
    it('stores a mod_json_cdr document and publishes pbx.cdr.created with the documented fields', async () => {
      const mark = await api.mark();
      const doc = cdrDocument();
      const uuid = doc.variables.uuid;
      const res = await postCdr(doc).expect(201);
      expect(res.headers['x-ratelimit-limit']).toBe('60');
      const rows = await api.since(mark, ['pbx.cdr.created']);
      expect(rows).toHaveLength(1);
      const data = expectEvent(rows[0], 'pbx.cdr.created');
      expect(data).toEqual({
        call_uuid: uuid,
        ...ANSWERED_CALL,
        result: 'answered',
        queue_name: 'sales@pbx.zorio.local',
        trunk_name: 'viettel-sip-01',
        recording_url: `file://pbx01/var/lib/freeswitch/recordings/pbx.zorio.local/archive/2026/Jun/29/${uuid}.wav`,
      });
      expect(res.body.data).toEqual({ ...data, created_at: expect.any(String) });
    });

    it('derives result and recording_url: busy, no_answer, cancelled, an http recording URL', async () => {
      const unanswered = (hangup_cause: string) => ({
        answer_epoch: '0',
        answer_uepoch: '0',
        billsec: '0',
        hangup_cause,
      });
      const cases: [Record<string, string>, string, string | null][] = [
        [unanswered('USER_BUSY'), 'busy', null],
        [unanswered('NO_ANSWER'), 'no_answer', null],
        [unanswered('ORIGINATOR_CANCEL'), 'cancelled', null],
        [unanswered('RECOVERY_ON_TIMER_EXPIRE'), 'failed', null],
        [
          {
            record_path: encodeURIComponent(
              'http_cache://https://rec.example.com/2026/06/29/a.wav',
            ),
            record_name: '',
          },
          'answered',
          'https://rec.example.com/2026/06/29/a.wav',
        ],
      ];
      for (const [over, result, url] of cases) {
        const doc = cdrDocument(over);
        if (url === null) {
          delete doc.variables.record_path;
          delete doc.variables.record_name;
        }
        const res = await postCdr(doc).expect(201);
        expect(res.body.data).toMatchObject({ result, recording_url: url });
        if (result !== 'answered') expect(res.body.data.answered_at).toBeNull();
      }
    });

    it('a repeated CDR is a 200 no-op that publishes nothing', async () => {
      const doc = cdrDocument();
      await postCdr(doc).expect(201);
      const mark = await api.mark();
      const again = await postCdr(
        cdrDocument({ hangup_cause: 'USER_BUSY' }, doc.variables.uuid),
      ).expect(200);
      expect(again.body.data.hangup_cause).toBe('NORMAL_CLEARING');
      expect(await api.since(mark)).toEqual([]);
    });

    it('concurrent posts of the same CDR store and publish it once', async () => {
      const doc = cdrDocument();
      const mark = await api.mark();
      const results = await Promise.all(Array.from({ length: 6 }, () => postCdr(doc)));
      expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 201]);
      const rows = await api.since(mark, ['pbx.cdr.created']);
      expect(rows.filter((r) => r.payload.call_uuid === doc.variables.uuid)).toHaveLength(1);
      const [{ n }] = await api.t.db.query(
        `SELECT count(*)::int AS n FROM pbx_cdrs WHERE uuid = $1`,
        [doc.variables.uuid],
      );
      expect(n).toBe(1);
    });

    it('rejects invalid documents with 422 naming the field, changing nothing', async () => {
      const mark = await api.mark();
      const noUuid = cdrDocument();
      delete noUuid.variables.uuid;
      expect((await postCdr(noUuid).expect(422)).body).toEqual({
        message: 'The given data was invalid.',
        errors: { 'variables.uuid': ['uuid must be a UUID'] },
      });
      expect(
        (await postCdr(cdrDocument({ start_epoch: 'yesterday' })).expect(422)).body.errors,
      ).toHaveProperty(['variables.start_epoch']);
      expect(
        (await postCdr(cdrDocument({ hangup_cause: 'normal clearing' })).expect(422)).body.errors,
      ).toHaveProperty(['variables.hangup_cause']);
      expect(
        (await postCdr(cdrDocument({ end_epoch: '1782703000', end_uepoch: '0' })).expect(422)).body
          .errors,
      ).toEqual({ 'variables.end_epoch': ['end_epoch must not be before start_epoch'] });
      expect((await postCdr({ foo: 1 }).expect(422)).body.errors).toHaveProperty(['variables']);
      await api.t
        .http()
        .post('/api/pbx/cdr')
        .set('Authorization', api.token)
        .set('Content-Type', 'application/json')
        .send('{"variables": ')
        .expect(400, { message: 'Malformed request body' });
      expect(await api.since(mark)).toEqual([]);
    });

    it('lists CDRs in a window of at most 30 days, paged, and gets one by uuid', async () => {
      const docs = [cdrDocument(), cdrDocument(), cdrDocument()];
      // Three calls on 2026-06-20, one minute apart.
      docs.forEach((d, i) => {
        const start = Date.parse('2026-06-20T08:00:00Z') / 1000 + i * 60;
        Object.assign(d.variables, callTimes(start, 5, 20));
      });
      for (const d of docs) {
        await postCdr(d).expect(201);
      }
      const list = await get('/api/pbx/cdr')
        .query({ from: '2026-06-20T00:00:00Z', to: '2026-06-21T00:00:00Z', per_page: 2, page: 1 })
        .expect(200);
      expect(list.body.meta).toEqual({ page: 1, per_page: 2, total: 3 });
      expect(list.body.data.map((c: { call_uuid: string }) => c.call_uuid)).toEqual([
        docs[2].variables.uuid,
        docs[1].variables.uuid,
      ]);
      const page2 = await get(
        '/api/pbx/cdr?from=2026-06-20T00:00:00Z&to=2026-06-21T00:00:00Z&per_page=2&page=2',
      ).expect(200);
      expect(page2.body.data.map((c: { call_uuid: string }) => c.call_uuid)).toEqual([
        docs[0].variables.uuid,
      ]);

      const tooWide = await get(
        '/api/pbx/cdr?from=2026-05-01T00:00:00Z&to=2026-06-21T00:00:00Z',
      ).expect(422);
      expect(tooWide.body.errors).toEqual({ to: ['the window from..to must be at most 30 days'] });
      await get('/api/pbx/cdr?from=2026-05-01T00:00:00Z').expect(422);
      // Bad query values are 400 (docs/http-api.md), naming the parameter.
      const perPage = await get('/api/pbx/cdr?per_page=500');
      expect(perPage.status).toBe(400);
      expect(perPage.body.errors).toHaveProperty(['per_page']);
      await get('/api/pbx/cdr?from=yesterday').expect(400);
      await get('/api/pbx/cdr?since=2026-06-01').expect(400);

      const one = await get(`/api/pbx/cdr/${docs[0].variables.uuid}`).expect(200);
      expect(one.body.data.call_uuid).toBe(docs[0].variables.uuid);
      await get(`/api/pbx/cdr/${randomUUID()}`).expect(404);
      await get('/api/pbx/cdr/not-a-uuid').expect(404);
    });

    it('needs a token with pbx_api_access: 401 without, 403 with another scope', async () => {
      await api.expectScopeRequired([
        { method: 'post', path: '/api/pbx/cdr', body: cdrDocument() },
        { method: 'get', path: '/api/pbx/cdr' },
      ]);
    });
  });
});
