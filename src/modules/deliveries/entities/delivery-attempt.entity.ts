import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Delivery } from './delivery.entity';

export type AttemptTrigger = 'auto' | 'replay' | 'test';

/** Every attempt, as it was sent and answered. Deleted with its delivery. */
@Entity('delivery_attempts')
@Index('delivery_attempts_delivery_idx', ['deliveryId', 'number'])
export class DeliveryAttempt {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'delivery_id', type: 'uuid' })
  deliveryId!: string;

  @ManyToOne(() => Delivery, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'delivery_id', foreignKeyConstraintName: 'FK_delivery_attempts_delivery' })
  delivery?: Delivery;

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
