import { Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';

/** The transactional outbox: one row per published event, written in the domain transaction. */
@Entity('outbox_events')
@Index('outbox_events_unpublished_idx', ['id'], { where: 'published_at IS NULL' })
@Index('outbox_events_occurred_idx', ['occurredAt'])
@Unique('outbox_events_key_sequence_key', ['orderingKey', 'sequence'])
export class OutboxEvent {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'event_name', type: 'varchar', length: 64 })
  eventName!: string;

  /** json, not jsonb: the text keeps the publisher's key order, so bodies read naturally. */
  @Column({ type: 'json' })
  payload!: unknown;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  /**
   * docs/receiver-guide.md §5: e.g. `call:<uuid>`, `lead:<id>` (the catalogue entry's
   * `orderingKey`).
   */
  @Column({ name: 'ordering_key', type: 'text' })
  orderingKey!: string;

  /** The event's position among its key's events: 1, 2, 3, … in commit order, no gaps. */
  @Column({ type: 'bigint' })
  sequence!: string;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt!: Date | null;
}
