import { randomUUID } from 'node:crypto';
import { EVENT_TYPES, type EventName } from '../../src/events/catalogue';
import { EventBus } from '../../src/events/event-bus';
import type { TestApp } from '../support/app';
import type { ReceivedRequest, ReceiverReply } from '../support/https-receiver';
import { waitFor } from '../support/wait';
import { WebhookFixture } from '../support/webhooks';

const CALL_EVENTS = ['pbx.call.ringing', 'pbx.call.answered', 'pbx.call.hangup'] as const;
type CallEvent = (typeof CALL_EVENTS)[number];

/** A small deterministic PRNG (mulberry32), so a failing run can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const keyOf = (q: ReceivedRequest) => String(q.headers['x-zorio-ordering-key']);
const seqOf = (q: ReceivedRequest) => Number(q.headers['x-zorio-sequence']);

async function publishCall(t: TestApp, call: string, name: CallEvent): Promise<void> {
  const data = { ...EVENT_TYPES[name].sample, call_uuid: call };
  await t.db.transaction((tx) => t.app.get(EventBus).publishMany(tx, [{ name, data } as never]));
}

describe('ordered delivery per key', () => {
  const f = new WebhookFixture({ WEBHOOK_RETRY_SCHEDULE: '0.2,0.2,0.2' });
  let t: TestApp;
  beforeAll(() => {
    ({ t } = f);
  });

  it('200 calls × 3 events to a per_key webhook failing 30 % of attempts: each call’s events arrive in sequence, other calls go on while a head is retried; an unordered webhook gets every event once with its key and sequence', async () => {
    const rand = random(20261201);
    const slow = randomUUID();
    let slowFailures = 0;
    const ordered = await f.receiver({
      respond: (q): ReceiverReply => {
        // The slow call's head fails three times: it is retried while the others go on.
        const slowHead = keyOf(q) === `call:${slow}` && seqOf(q) === 1;
        const fail = slowHead ? slowFailures++ < 3 : rand() < 0.3;
        return { status: fail ? 500 : 200 };
      },
    });
    const unordered = await f.receiver();
    await f.hook(ordered.url, [...CALL_EVENTS], 'ordered', {
      ordering: 'per_key',
      max_in_flight: 16,
    });
    await f.hook(unordered.url, [...CALL_EVENTS], 'unordered');

    const calls = [slow, ...Array.from({ length: 199 }, () => randomUUID())];
    for (const name of CALL_EVENTS) for (const call of calls) await publishCall(t, call, name);

    const expected = calls.length * CALL_EVENTS.length;
    await unordered.waitFor(expected, 60_000);
    const rows = await waitFor(
      async () => {
        const r: { status: string; ordering_key: string; sequence: string; id: string }[] =
          await t.db.query(
            `SELECT id, status, ordering_key, sequence::text AS sequence FROM deliveries
              WHERE webhook_id = $1`,
            [f.webhookIds[0]],
          );
        const done = r.filter((d) => d.status === 'succeeded' || d.status === 'dead_letter');
        return r.length === expected && done.length === expected ? r : null;
      },
      { timeoutMs: 90_000, what: 'every ordered delivery to finish' },
    );

    // No attempt of a key is made before the previous delivery of its key finished: every
    // call's attempts (and so its successful deliveries) arrive in sequence order.
    expect(new Set(rows.map((d) => d.id)).size).toBe(expected);
    for (const call of calls) {
      const seqs = ordered.received.filter((q) => keyOf(q) === `call:${call}`).map(seqOf);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    }
    const failed = ordered.received.length - expected;
    expect(failed).toBeGreaterThan(expected * 0.2);

    // While the slow call's head was being retried, other calls' events kept arriving.
    const slowHead = ordered.received.filter((q) => keyOf(q) === `call:${slow}` && seqOf(q) === 1);
    expect(slowHead).toHaveLength(4);
    const during = ordered.received.filter(
      (q) =>
        keyOf(q) !== `call:${slow}` &&
        q.arrivedAt > slowHead[0].arrivedAt &&
        q.arrivedAt < slowHead[3].arrivedAt,
    );
    expect(during.length).toBeGreaterThan(10);
    const slowRest = ordered.received.filter((q) => keyOf(q) === `call:${slow}` && seqOf(q) > 1);
    for (const q of slowRest) expect(q.arrivedAt).toBeGreaterThanOrEqual(slowHead[3].arrivedAt);

    // The unordered webhook: every event once, with the event's key and sequence.
    const seen = new Map<string, ReceivedRequest>();
    for (const q of unordered.received) seen.set(String(q.headers['x-zorio-delivery']), q);
    expect(seen.size).toBe(expected);
    const sequences = new Map<string, Set<number>>();
    for (const q of seen.values()) {
      const event = q.json<{ event: EventName; data: { call_uuid: string } }>();
      expect(keyOf(q)).toBe(`call:${event.data.call_uuid}`);
      expect(seqOf(q)).toBe(CALL_EVENTS.indexOf(event.event as CallEvent) + 1);
      const set = sequences.get(keyOf(q)) ?? new Set<number>();
      set.add(seqOf(q));
      sequences.set(keyOf(q), set);
    }
    for (const set of sequences.values()) expect([...set].sort()).toEqual([1, 2, 3]);
  });

  it('a dead-lettered head releases the next event of its key', async () => {
    const call = randomUUID();
    const r = await f.receiver({
      respond: (q) => ({ status: seqOf(q) === 1 ? 500 : 200 }),
    });
    const w = await f.hook(r.url, ['pbx.call.ringing', 'pbx.call.answered'], 'dead head', {
      ordering: 'per_key',
    });
    await publishCall(t, call, 'pbx.call.ringing');
    await publishCall(t, call, 'pbx.call.answered');
    const all = await r.waitFor(5, 15_000);
    expect(all.map(seqOf)).toEqual([1, 1, 1, 1, 2]);
    await waitFor(async () => {
      const rows: { status: string }[] = await t.db.query(
        `SELECT status FROM deliveries WHERE webhook_id = $1 ORDER BY sequence`,
        [w.id],
      );
      return rows.map((d) => d.status).join() === 'dead_letter,succeeded';
    });
  });

  it('a held delivery says which delivery it waits for, and the list filters by key', async () => {
    const call = randomUUID();
    const r = await f.receiver({ respond: 'hang' });
    const w = await f.hook(r.url, ['pbx.call.ringing', 'pbx.call.hangup'], 'held', {
      ordering: 'per_key',
    });
    await publishCall(t, call, 'pbx.call.ringing');
    await publishCall(t, call, 'pbx.call.hangup');
    await r.waitFor(1, 10_000);
    const list = await waitFor(async () => {
      const res = await f.admin
        .get(
          `/api/admin/deliveries?ordering_key=${encodeURIComponent(`call:${call}`)}&webhook_id=${w.id}`,
        )
        .expect(200);
      const data = res.body.data as { id: string; sequence: number; waiting_for: string | null }[];
      return data.length === 2 ? data : null;
    });
    const head = list.find((d) => d.sequence === 1);
    const next = list.find((d) => d.sequence === 2);
    expect(head?.waiting_for).toBeNull();
    expect(next?.waiting_for).toBe(head?.id);
    const detail = await f.admin.get(`/api/admin/deliveries/${next?.id}`).expect(200);
    expect(detail.body.data).toMatchObject({
      ordering_key: `call:${call}`,
      sequence: 2,
      waiting_for: head?.id,
      status: 'pending',
    });
    await f.admin.del(`/api/admin/webhooks/${w.id}`).expect(204);
  });
});
