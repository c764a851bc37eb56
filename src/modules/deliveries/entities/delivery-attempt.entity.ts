import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

export type AttemptTrigger = 'auto' | 'replay' | 'test';

/**
 * Every attempt, as it was sent and answered. Partitioned by day on its delivery's created_at, so
 * it lives in its delivery's day and is dropped with it (no foreign key: see migration
 * 1764000060000).
 */
@Entity('delivery_attempts')
@Index('delivery_attempts_delivery_idx', ['deliveryId', 'number'])
export class DeliveryAttempt {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'delivery_id', type: 'uuid' })
  deliveryId!: string;

  /** The partition key: the created_at of the delivery. */
  @PrimaryColumn({ name: 'delivery_created_at', type: 'timestamptz' })
  deliveryCreatedAt!: Date;

  @Column({ type: 'integer' })
  number!: number;

  @Column({ type: 'varchar', length: 8 })
  trigger!: AttemptTrigger;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'duration_ms', type: 'integer' })
  durationMs!: number;

  @Column({ name: 'request_headers', type: 'jsonb' })
  requestHeaders!: Record<string, string>;

  @Column({ name: 'response_status', type: 'integer', nullable: true })
  responseStatus!: number | null;

  @Column({ name: 'response_headers', type: 'jsonb', nullable: true })
  responseHeaders!: Record<string, string> | null;

  /** The bytes the receiver answered (at most 64 KiB), exactly as sent: any bytes round-trip. */
  @Column({ name: 'response_body', type: 'bytea', nullable: true })
  responseBody!: Buffer | null;

  @Column({ name: 'response_body_truncated', type: 'boolean', default: false })
  responseBodyTruncated!: boolean;

  @Column({ name: 'error_code', type: 'varchar', length: 16, nullable: true })
  errorCode!: string | null;

  @Column({ name: 'error_message', type: 'text', nullable: true })
  errorMessage!: string | null;
}
