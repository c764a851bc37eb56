import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { EVENT_TYPES, type CallAnsweredPayload } from '../../src/events/catalogue';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { EventBus, PublishedEvent } from '../../src/events/event-bus';
import { waitFor } from '../support/wait';

/**
 * Sequences at publish (docs/receiver-guide.md §5), on the real database: gap-free and strictly
 * increasing per key under concurrent publishers, in commit order, never observable with a gap.
 */

const bus = new EventBus();

/** A `pbx.call.answered` of a call; its key is `call:<uuid>`. */
function answered(callUuid: string): PublishedEvent {
  const data: CallAnsweredPayload = {
    ...EVENT_TYPES['pbx.call.answered'].sample,
    call_uuid: callUuid,
  };
  return { name: 'pbx.call.answered', data };
}

interface KeyRow {
  id: string;
  sequence: number;
}

class Rollback extends Error {}

describe('event sequences', () => {
  let db: DataSource;

  beforeAll(async () => {
    db = new DataSource({ ...dataSourceOptions(process.env.DATABASE_URL!), extra: { max: 24 } });
    await db.initialize();
  });

  afterAll(async () => {
    await db?.destroy();
  });

  const rowsOfKey = async (key: string): Promise<KeyRow[]> =>
    db.query(
      `SELECT id::text AS id, sequence::int AS sequence FROM outbox_events
        WHERE ordering_key = $1 ORDER BY sequence`,
      [key],
    );

  /** Runs `body` in a transaction; a Rollback thrown from it rolls back quietly. */
  const inTransaction = async (body: (tx: EntityManager) => Promise<void>): Promise<boolean> => {
    try {
      await db.transaction(body);
      return true;
    } catch (err) {
      if (err instanceof Rollback) return false;
      throw err;
    }
  };

  it('8 concurrent publishers of one key: gap-free, strictly increasing, in commit order, never seen with a gap', async () => {
    const call = randomUUID();
    const key = `call:${call}`;
    let running = true;
    let observations = 0;
    // An observer reading the key's committed sequences the whole time: at every moment they are
    // exactly 1..k (a later sequence committing before an earlier one would show a gap).
    const observer = (async () => {
      const seen: string[] = [];
      while (running) {
        const rows = await rowsOfKey(key);
        const ok = rows.every((r, i) => r.sequence === i + 1);
        if (!ok) seen.push(rows.map((r) => r.sequence).join(','));
        observations++;
      }
      return seen;
    })();

    let committed = 0;
    let rolledBack = 0;
    const publisher = async (p: number): Promise<void> => {
      for (let round = 0; round < 15; round++) {
        // 1 to 3 events of the key, mixed with an event of another key, in one publishMany.
        const n = 1 + ((p + round) % 3);
        const events = [answered(randomUUID()), ...Array.from({ length: n }, () => answered(call))];
        const rollback = (p * 7 + round) % 4 === 0;
        const ok = await inTransaction(async (tx) => {
          await bus.publishMany(tx, events);
          if (rollback) throw new Rollback();
        });
        if (ok) committed += n;
        else rolledBack += n;
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_, p) => publisher(p)));
    running = false;
    expect(await observer).toEqual([]);
    expect(observations).toBeGreaterThan(0);
    expect(rolledBack).toBeGreaterThan(0);

    const rows = await rowsOfKey(key);
    expect(rows.map((r) => r.sequence)).toEqual(Array.from({ length: committed }, (_, i) => i + 1));
    // Outbox ids are taken after the key's lock, so id order is sequence order too.
    const ids = rows.map((r) => BigInt(r.id));
    expect(ids.every((id, i) => i === 0 || id > ids[i - 1])).toBe(true);
    const [counter]: { last: number }[] = await db.query(
      `SELECT last_sequence::int AS last FROM event_sequences WHERE ordering_key = $1`,
      [key],
    );
    expect(counter.last).toBe(committed);
  });

  it('a second publisher of a key waits for the first; a rollback frees its sequence, a commit takes it', async () => {
    const call = randomUUID();
    const key = `call:${call}`;
    const pidOf = async (tx: EntityManager): Promise<number> => {
      const rows: { pid: number }[] = await tx.query(`SELECT pg_backend_pid() AS pid`);
      return rows[0].pid;
    };
    const waitingOnLock = async (pid: number): Promise<boolean> => {
      const rows: { w: string | null }[] = await db.query(
        `SELECT wait_event_type AS w FROM pg_stat_activity WHERE pid = $1`,
        [pid],
      );
      return rows[0]?.w === 'Lock';
    };

    /** A holds the key (one event, uncommitted) while B publishes; A then ends with `aEnds`. */
    const race = async (aEnds: 'commit' | 'rollback'): Promise<void> => {
      let releaseA!: () => void;
      const aMayEnd = new Promise<void>((resolve) => (releaseA = resolve));
      let aPublished!: () => void;
      const aHolds = new Promise<void>((resolve) => (aPublished = resolve));
      const a = inTransaction(async (tx) => {
        await bus.publishMany(tx, [answered(call)]);
        aPublished();
        await aMayEnd;
        if (aEnds === 'rollback') throw new Rollback();
      });
      await aHolds;
      let bPid = 0;
      const b = inTransaction(async (tx) => {
        bPid = await pidOf(tx);
        await bus.publishMany(tx, [answered(call)]);
      });
      await waitFor(async () => bPid !== 0 && (await waitingOnLock(bPid)), {
        what: 'the second publisher blocked on the key',
      });
      releaseA();
      expect(await a).toBe(aEnds === 'commit');
      expect(await b).toBe(true);
    };

    await race('rollback');
    expect((await rowsOfKey(key)).map((r) => r.sequence)).toEqual([1]);
    await race('commit');
    expect((await rowsOfKey(key)).map((r) => r.sequence)).toEqual([1, 2, 3]);
  });

  it('numbers several events of one key in the order given, each key on its own', async () => {
    const [x, y] = [randomUUID(), randomUUID()];
    await db.transaction((tx) =>
      bus.publishMany(tx, [answered(x), answered(y), answered(x), answered(x), answered(y)]),
    );
    const rows: { k: string; s: number }[] = await db.query(
      `SELECT ordering_key AS k, sequence::int AS s FROM outbox_events
        WHERE ordering_key = ANY($1) ORDER BY id`,
      [[`call:${x}`, `call:${y}`]],
    );
    expect(rows).toEqual([
      { k: `call:${x}`, s: 1 },
      { k: `call:${y}`, s: 1 },
      { k: `call:${x}`, s: 2 },
      { k: `call:${x}`, s: 3 },
      { k: `call:${y}`, s: 2 },
    ]);
  });

  it('publishers of the same keys in opposite orders do not deadlock', async () => {
    const calls = Array.from({ length: 4 }, () => randomUUID());
    const reversed = [...calls].reverse();
    const publish = (order: string[]) =>
      db.transaction(async (tx) => {
        await bus.publishMany(tx, order.map(answered));
        // Hold the locks a moment by doing more work in the same transaction.
        await tx.query(`SELECT count(*) FROM event_sequences`);
      });
    for (let round = 0; round < 10; round++) {
      await Promise.all([publish(calls), publish(reversed), publish(calls), publish(reversed)]);
    }
    for (const c of calls) {
      expect((await rowsOfKey(`call:${c}`)).map((r) => r.sequence)).toEqual(
        Array.from({ length: 40 }, (_, i) => i + 1),
      );
    }
  });
});
