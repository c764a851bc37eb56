import { Client } from 'pg';
import {
  FakeFreeswitch,
  SimulateCallOptions,
  SimulatedCall,
  SimulatedEvent,
} from '../../tools/fake-freeswitch/fake-freeswitch';
import { login, Session } from '../support/app';
import { waitFor } from '../support/wait';
import { expectEvent, OutboxRow } from './support';
import { usePbxApp } from './suite';

/**
 * A hangup for every call that rang (docs/receiver-guide.md §5, docs/http-api.md on CDRs): the CDR
 * publishes the hangup the event socket never delivered, before `pbx.cdr.created` and exactly
 * once, whichever of the ESL hangup and the CDR comes first, also when they race.
 */

const HANGUP_FRAME = 'CHANNEL_HANGUP_COMPLETE';
const isHangupFrame = (e: SimulatedEvent): boolean => e.name === HANGUP_FRAME;

/** The mod_json_cdr document of a simulated call: its A-leg's variables at hangup, URL-encoded. */
function cdrOf(call: SimulatedCall): Record<string, unknown> {
  const aLegHangup = call.events.find(
    (e) => isHangupFrame(e) && e.headers['Unique-ID'] === call.aLegUuid,
  );
  if (!aLegHangup) throw new Error('the simulated call has no A-leg hangup');
  const variables: Record<string, string> = {};
  for (const [key, value] of Object.entries(aLegHangup.headers)) {
    if (key.startsWith('variable_')) variables[key.slice(9)] = encodeURIComponent(value);
  }
  return { 'core-uuid': 'e2e', switchname: 'pbx01', variables };
}

/** A call's events, then its CDR's, each with its sequence in the call's key. */
const CALL_THEN_CDR = [
  ['pbx.call.ringing', 1],
  ['pbx.call.answered', 2],
  ['pbx.call.hangup', 3],
  ['pbx.cdr.created', 4],
];

describe('PBX: a hangup for every call that rang', () => {
  const { api, fake: live } = usePbxApp();
  /** Plays calls to no one: their frames are then sent to the platform one by one. */
  const offline = new FakeFreeswitch();
  let admin: Session;

  beforeAll(async () => {
    admin = await login(api.t, 'admin');
    await waitFor(() => live.commands.some((c) => c.startsWith('event json ')), {
      what: 'the ESL subscription',
    });
  });

  afterAll(async () => {
    await offline.close();
  });

  let extension = 1100;
  const play = (over: Partial<SimulateCallOptions> = {}): Promise<SimulatedCall> =>
    offline.simulateCall({
      from: '84912345678',
      to: '842873001234',
      extension: String(extension++),
      answer: true,
      ringSeconds: 4,
      talkSeconds: 20,
      ...over,
    });

  const send = async (events: readonly SimulatedEvent[]): Promise<void> => {
    for (const e of events) await live.sendEvent({ ...e.headers });
  };

  /** The call's events in sequence order. */
  const eventsOf = async (call: SimulatedCall): Promise<OutboxRow[]> =>
    api.t.db.query(
      `SELECT id::text AS id, event_name, payload, ordering_key, sequence::int AS sequence
         FROM outbox_events WHERE ordering_key = $1 ORDER BY sequence`,
      [`call:${call.callUuid}`],
    );
  const namesOf = async (call: SimulatedCall): Promise<string[]> =>
    (await eventsOf(call)).map((r) => r.event_name);

  /** Every frame sent so far has been handled: frames are recorded in arrival order. */
  const settle = async (): Promise<void> => {
    const sentinel = await live.simulateCall({
      from: '84911111111',
      extension: '1999',
      answer: false,
      talkSeconds: 0,
      ringSeconds: 1,
    });
    await waitFor(async () => (await namesOf(sentinel)).includes('pbx.call.hangup'), {
      what: 'the sentinel call recorded',
    });
  };

  const postCdr = (call: SimulatedCall) => api.post('/api/pbx/cdr', cdrOf(call));

  it('a call whose ESL hangup never came gets exactly one hangup, from its CDR, before pbx.cdr.created', async () => {
    const call = await play();
    await send(call.events.filter((e) => !isHangupFrame(e)));
    await waitFor(async () => (await namesOf(call)).length === 2, { what: 'ringing, answered' });

    await postCdr(call).expect(201);
    const rows = await eventsOf(call);
    expect(rows.map((r) => [r.event_name, r.sequence])).toEqual(CALL_THEN_CDR);
    const answered = expectEvent(rows[1], 'pbx.call.answered');
    const hangup = expectEvent(rows[2], 'pbx.call.hangup');
    const cdr = expectEvent(rows[3], 'pbx.cdr.created');
    expect(hangup).toEqual({
      call_uuid: call.callUuid,
      extension: answered.extension,
      direction: 'inbound',
      caller_number: '84912345678',
      destination_number: '842873001234',
      started_at: cdr.started_at,
      answered_at: cdr.answered_at,
      ended_at: cdr.ended_at,
      duration: cdr.duration,
      billsec: cdr.billsec,
      hangup_cause: 'NORMAL_CLEARING',
    });

    // The ESL hangup arrives after all: dropped as a duplicate.
    await send(call.events.filter(isHangupFrame));
    await settle();
    expect(await namesOf(call)).toEqual([
      'pbx.call.ringing',
      'pbx.call.answered',
      'pbx.call.hangup',
      'pbx.cdr.created',
    ]);
    const legs: { status: string; published: string[] }[] = await api.t.db.query(
      `SELECT status, published FROM pbx_calls WHERE call_uuid = $1`,
      [call.callUuid],
    );
    expect(legs).toEqual([{ status: 'ended', published: ['ringing', 'answered', 'hangup'] }]);
  });

  it('an unanswered call whose hangup never came gets it from the CDR with its cause and no answer', async () => {
    const call = await play({ answer: false, talkSeconds: 0, ringSeconds: 30 });
    await send(call.events.filter((e) => !isHangupFrame(e)));
    await waitFor(async () => (await namesOf(call)).length === 1, { what: 'ringing' });
    await postCdr(call).expect(201);
    const rows = await eventsOf(call);
    expect(rows.map((r) => r.event_name)).toEqual([
      'pbx.call.ringing',
      'pbx.call.hangup',
      'pbx.cdr.created',
    ]);
    expect(expectEvent(rows[1], 'pbx.call.hangup')).toMatchObject({
      answered_at: null,
      billsec: 0,
      hangup_cause: 'NO_ANSWER',
    });
  });

  it('a call whose ESL hangup came first gets none from its CDR', async () => {
    const call = await play();
    await send(call.events);
    await waitFor(async () => (await namesOf(call)).length === 3, { what: 'the ESL hangup' });
    const eslHangup = (await eventsOf(call))[2];

    await postCdr(call).expect(201);
    const rows = await eventsOf(call);
    expect(rows.map((r) => [r.event_name, r.sequence])).toEqual(CALL_THEN_CDR);
    expect(rows[2]).toEqual(eslHangup);
  });

  it('the ESL hangup and the CDR racing give exactly one hangup per call, before pbx.cdr.created', async () => {
    const calls = await Promise.all(Array.from({ length: 8 }, () => play()));
    for (const call of calls) await send(call.events.filter((e) => !isHangupFrame(e)));
    await waitFor(
      async () => (await Promise.all(calls.map(namesOf))).every((names) => names.length === 2),
      { what: 'every call ringing and answered' },
    );

    // Hold the calls' legs so every CDR and the first ESL hangup queue up on them, then let go.
    const holder = new Client({ connectionString: api.t.config.DATABASE_URL });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT id FROM pbx_calls WHERE call_uuid = ANY($1) FOR UPDATE`, [
        calls.map((c) => c.callUuid),
      ]);
      const posts = calls.map((call) => postCdr(call).then((res) => res.status));
      const frames = send(calls.flatMap((call) => call.events.filter(isHangupFrame)));
      await waitFor(
        async () => {
          const rows: { n: number }[] = await api.t.db.query(
            `SELECT count(*)::int AS n FROM pg_stat_activity
              WHERE datname = current_database() AND wait_event_type = 'Lock'
                AND query ILIKE '%pbx_calls%'`,
          );
          return rows[0].n >= calls.length + 1;
        },
        { what: 'the CDRs and an ESL hangup waiting on the same legs' },
      );
      await holder.query('COMMIT');
      expect(await Promise.all(posts)).toEqual(calls.map(() => 201));
      await frames;
    } finally {
      await holder.end();
    }
    await settle();
    for (const call of calls) {
      const names = await namesOf(call);
      expect(names.filter((n) => n === 'pbx.call.hangup')).toHaveLength(1);
      expect(names.slice(-2)).toEqual(['pbx.call.hangup', 'pbx.cdr.created']);
    }
  });

  it('counts calls still open long after any plausible end, in /metrics and for the console', async () => {
    const metric = async (): Promise<number> => {
      const text = (await api.t.http().get('/metrics').expect(200)).text;
      const line = text.split('\n').find((l) => l.startsWith('zorio_pbx_stale_open_calls '));
      return Number(line?.split(' ')[1]);
    };
    const summary = async () =>
      (await admin.get('/api/admin/pbx/stale-calls').expect(200)).body.data as {
        count: number;
        older_than_seconds: number;
        oldest: { call_uuid: string; extension: string; status: string }[];
      };
    const before = await metric();
    expect((await summary()).count).toBe(before);

    const call = await play();
    await send(call.events.filter((e) => !isHangupFrame(e)));
    await waitFor(async () => (await namesOf(call)).length === 2, { what: 'ringing, answered' });
    expect(await metric()).toBe(before); // open, but not for long yet
    await api.t.db.query(
      `UPDATE pbx_calls SET created_at = now() - interval '7 hours' WHERE call_uuid = $1`,
      [call.callUuid],
    );
    expect(await metric()).toBe(before + 1);
    const stale = await summary();
    expect(stale).toMatchObject({ count: before + 1, older_than_seconds: 6 * 3600 });
    expect(stale.oldest).toContainEqual(
      expect.objectContaining({ call_uuid: call.callUuid, status: 'answered' }),
    );

    await postCdr(call).expect(201);
    expect(await metric()).toBe(before);
    expect((await summary()).oldest.map((c) => c.call_uuid)).not.toContain(call.callUuid);
    await api.t.http().get('/api/admin/pbx/stale-calls').expect(401);
  });
});
