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
 * (docs/receiver-guide.md §5), taken from `event_sequences` in the same transaction: the upsert
 * locks the key's row until commit, so concurrent publishers of one key are serialised and their
 * sequences follow their commit order, and a rolled-back increment vanishes with its transaction
 * (nobody ever sees a gap). Keys are locked in one statement in a fixed (sorted) order, so
 * publishers of several keys do not deadlock each other.
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
    const counts = new Map<string, number>();
    for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
    const lockOrder = [...counts.keys()].sort();
    // One round trip: reserve each key's sequences (locking its row, in lockOrder), number the
    // key's events in the order given, insert them and notify. Arrays, not one placeholder per
    // value: a statement has at most 65,535 parameters.
    await manager.query(
      `WITH seq AS (
         INSERT INTO event_sequences (ordering_key, last_sequence)
         SELECT k, n FROM unnest($4::text[], $5::bigint[]) WITH ORDINALITY AS t(k, n, i) ORDER BY i
         ON CONFLICT (ordering_key)
           DO UPDATE SET last_sequence = event_sequences.last_sequence + EXCLUDED.last_sequence
         RETURNING ordering_key, last_sequence
       ), ins AS (
         INSERT INTO outbox_events (event_name, payload, occurred_at, ordering_key, sequence)
         SELECT e.name, e.payload::json, $6, e.key,
                s.last_sequence - count(*) OVER w + row_number() OVER (w ORDER BY e.i)
           FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS e(name, payload, key, i)
           JOIN seq s ON s.ordering_key = e.key
         WINDOW w AS (PARTITION BY e.key)
          ORDER BY e.i
         RETURNING 1
       )
       SELECT pg_notify('${OUTBOX_CHANNEL}', '') FROM (SELECT 1 FROM ins LIMIT 1) AS published`,
      [
        events.map((e) => e.name),
        events.map((e) => JSON.stringify(e.data)),
        keys,
        lockOrder,
        lockOrder.map((k) => counts.get(k)),
        new Date(),
      ],
    );
  }
}

/** A name with its own payload type, for publishMany. */
export type PublishedEvent = { [N in EventName]: { name: N; data: EventPayloads[N] } }[EventName];
