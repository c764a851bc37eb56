import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * What a lane (one webhook's deliveries) keeps besides its deliveries: until when a 429/503 with
 * Retry-After throttles it as a whole. A row exists once a lane was throttled.
 */
@Entity('delivery_lanes')
export class DeliveryLane {
  @PrimaryColumn({ name: 'webhook_id', type: 'uuid' })
  webhookId!: string;

  @Column({ name: 'throttled_until', type: 'timestamptz', nullable: true })
  throttledUntil!: Date | null;
}
