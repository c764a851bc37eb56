import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * How many of a webhook's deliveries finished in one clock hour, succeeded or dead-lettered
 * (test deliveries left out): the webhooks page's 24-hour success rate reads these, not the
 * history. Written by the record stage in the transaction that finishes the deliveries; rows
 * older than two days are deleted by retention.
 */
@Entity('delivery_outcome_hours')
export class DeliveryOutcomeHour {
  @PrimaryColumn({ name: 'webhook_id', type: 'uuid' })
  webhookId!: string;

  @PrimaryColumn({ type: 'timestamptz' })
  hour!: Date;

  @Column({ type: 'int' })
  succeeded!: number;

  @Column({ name: 'dead_lettered', type: 'int' })
  deadLettered!: number;
}
