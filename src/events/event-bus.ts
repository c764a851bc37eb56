import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { EventName, EventPayloads } from './catalogue';

export const OUTBOX_CHANNEL = 'zorio_outbox';

/**
 * Publishes domain events through the transactional outbox: the row is written with the caller's
 * manager, so it commits or rolls back with the domain change. The NOTIFY is delivered by
 * PostgreSQL only at commit, waking the relay.
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

  /** Several events in one statement (bulk imports). */
  async publishMany(manager: EntityManager, events: readonly PublishedEvent[]): Promise<void> {
    if (events.length === 0) return;
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error('EventBus.publish needs the manager of an open transaction');
    }
    const now = new Date();
    const params: unknown[] = [];
    const rows = events.map((e, i) => {
      params.push(e.name, JSON.stringify(e.data), now);
      return `($${i * 3 + 1}, $${i * 3 + 2}::json, $${i * 3 + 3})`;
    });
    await manager.query(
      `INSERT INTO outbox_events (event_name, payload, occurred_at) VALUES ${rows.join(', ')}`,
      params,
    );
    await manager.query(`SELECT pg_notify('${OUTBOX_CHANNEL}', '')`);
  }
}

/** A name with its own payload type, for publishMany. */
export type PublishedEvent = { [N in EventName]: { name: N; data: EventPayloads[N] } }[EventName];
