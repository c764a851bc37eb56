import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { orderingKeyOf, type EventName, type EventPayloads } from './catalogue';

export const OUTBOX_CHANNEL = 'zorio_outbox';

/**
 * Publishes domain events through the transactional outbox: the row is written with the caller's
 * manager, so it commits or rolls back with the domain change. The NOTIFY is delivered by
 * PostgreSQL only at commit, waking the relay.
 *
 * Every event gets its ordering key (from its catalogue entry) and the next sequence of that key
 * (EVENTS.md §2a), taken from `event_sequences` in the same transaction: the upsert locks the
 * key's row until commit, so concurrent publishers of one key are serialised and their sequences
 * follow their commit order, and a rolled-back increment vanishes with its transaction (nobody
 * ever sees a gap). Keys are locked in one statement in a fixed (sorted) order, so publishers of
 * several keys do not deadlock each other.
 */
@Injectable()
export class EventBus {
  async publish<N extends EventName>(
    manager: EntityManager,
    name: N,
    data: EventPayloads[N],
  ): Promise<void> {
    await this.publishMany(manager, [{ name, data } as PublishedEvent]);
  }

  /** Several events in one statement (bulk imports); events of one key are numbered in order. */
  async publishMany(manager: EntityManager, events: readonly PublishedEvent[]): Promise<void> {
    if (events.length === 0) return;
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error('EventBus.publish needs the manager of an open transaction');
    }
    const keys = events.map((e) => orderingKeyOf(e.name, e.data));
    const next = await this.reserveSequences(manager, keys);
    const sequences = keys.map((key) => {
      const sequence = next.get(key)!;
      next.set(key, sequence + 1);
      return sequence;
    });
    // Arrays, not one placeholder per value: a statement has at most 65,535 parameters.
    await manager.query(
      `INSERT INTO outbox_events (event_name, payload, occurred_at, ordering_key, sequence)
       SELECT name, payload::json, $5, key, seq
         FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[])
              WITH ORDINALITY AS t(name, payload, key, seq, i)
        ORDER BY i`,
      [
        events.map((e) => e.name),
        events.map((e) => JSON.stringify(e.data)),
        keys,
        sequences,
        new Date(),
      ],
    );
    await manager.query(`SELECT pg_notify('${OUTBOX_CHANNEL}', '')`);
  }

  /**
   * Adds each key's count of events to its last sequence (locking its row until commit) and
   * returns the first sequence reserved per key.
   */
  private async reserveSequences(
    manager: EntityManager,
    keys: readonly string[],
  ): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
    const sorted = [...counts.keys()].sort();
    const rows: { ordering_key: string; last_sequence: string }[] = await manager.query(
      `INSERT INTO event_sequences (ordering_key, last_sequence)
       SELECT k, n FROM unnest($1::text[], $2::bigint[]) WITH ORDINALITY AS t(k, n, i) ORDER BY i
       ON CONFLICT (ordering_key)
         DO UPDATE SET last_sequence = event_sequences.last_sequence + EXCLUDED.last_sequence
       RETURNING ordering_key, last_sequence::text AS last_sequence`,
      [sorted, sorted.map((k) => counts.get(k))],
    );
    return new Map(
      rows.map((r) => [r.ordering_key, Number(r.last_sequence) - counts.get(r.ordering_key)! + 1]),
    );
  }
}

/** A name with its own payload type, for publishMany. */
export type PublishedEvent = { [N in EventName]: { name: N; data: EventPayloads[N] } }[EventName];
