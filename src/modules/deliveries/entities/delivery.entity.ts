import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

export type DeliveryStatus = 'pending' | 'retrying' | 'succeeded' | 'dead_letter' | 'cancelled';

/**
 * One delivery per (event × webhook): its id is the X-Zorio-Delivery UUID and its body the exact
 * bytes every attempt sends. Indexes are kept to what the console and the sweeper query.
 *
 * Partitioned by day on created_at (migration 1764000060000, partitions.ts): the primary key and
 * the fan-out dedupe key hold created_at, which fan-out sets to the event's time.
 */
@Entity('deliveries')
@Index('deliveries_event_webhook_uq', ['eventId', 'webhookId', 'createdAt'], { unique: true })
@Index('deliveries_created_idx', ['createdAt', 'id'])
@Index('deliveries_webhook_created_idx', ['webhookId', 'createdAt', 'id'])
@Index('deliveries_lane_due_idx', ['webhookId', 'nextAttemptAt', 'createdAt', 'eventId'], {
  where: "status IN ('pending', 'retrying')",
})
@Index('deliveries_lane_key_idx', ['webhookId', 'orderingKey', 'sequence'], {
  where: "status IN ('pending', 'retrying')",
})
@Index('deliveries_key_created_idx', ['orderingKey', 'createdAt', 'id'])
@Index('deliveries_event_created_idx', ['event', 'createdAt', 'id'])
@Index('deliveries_open_created_idx', ['createdAt', 'id'], {
  where: "status IN ('pending', 'retrying')",
})
@Index('deliveries_failed_created_idx', ['createdAt', 'id'], {
  where: "status IN ('dead_letter', 'cancelled')",
})
export class Delivery {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** The outbox event it came from; null for test deliveries. */
  @Column({ name: 'event_id', type: 'bigint', nullable: true })
  eventId!: string | null;

  @Column({ name: 'webhook_id', type: 'uuid', nullable: true })
  webhookId!: string | null;

  /**
   * The foreign key to webhooks(id). The target is named, not imported: the Webhook entity is the
   * webhooks module's internal (docs/architecture.md, "Module boundaries").
   */
  @ManyToOne('Webhook', { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'webhook_id', foreignKeyConstraintName: 'FK_deliveries_webhook' })
  webhook?: object | null;

  @Column({ name: 'webhook_name', type: 'varchar', length: 100 })
  webhookName!: string;

  @Column({ type: 'varchar', length: 2048 })
  url!: string;

  @Column({ type: 'varchar', length: 64 })
  event!: string;

  @Column({ type: 'text' })
  body!: string;

  /** The event's ordering key and its sequence within that key (null for test deliveries). */
  @Column({ name: 'ordering_key', type: 'text', nullable: true })
  orderingKey!: string | null;

  @Column({ type: 'bigint', nullable: true })
  sequence!: string | null;

  @Column({ name: 'is_test', type: 'boolean', default: false })
  isTest!: boolean;

  @Column({ type: 'varchar', length: 16 })
  status!: DeliveryStatus;

  @Column({ name: 'attempt_count', type: 'integer', default: 0 })
  attemptCount!: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', nullable: true })
  nextAttemptAt!: Date | null;

  /** Set while a worker is sending an attempt, so no other worker sends the same one. */
  @Column({ name: 'claimed_until', type: 'timestamptz', nullable: true })
  claimedUntil!: Date | null;

  /** The next attempt is an admin's replay (one attempt, no retries). */
  @Column({ name: 'replay_requested', type: 'boolean', default: false })
  replayRequested!: boolean;

  @Column({ name: 'last_response_status', type: 'integer', nullable: true })
  lastResponseStatus!: number | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  /** The partition key. A UUIDv7 id carries it (delivery-ids.ts); fan-out sets it to the event's time. */
  @PrimaryColumn({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
