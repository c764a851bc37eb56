import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The last sequence handed out per ordering key (see EventBus). Rows are never deleted: a key
 * may publish again at any time (a late ESL frame, a lead updated a year later), and restarting
 * at 1 would break receivers that order or dedupe by sequence. A row is a key and a bigint.
 */
@Entity('event_sequences')
export class EventSequence {
  @PrimaryColumn({
    name: 'ordering_key',
    type: 'text',
    primaryKeyConstraintName: 'PK_event_sequences',
  })
  orderingKey!: string;

  @Column({ name: 'last_sequence', type: 'bigint' })
  lastSequence!: string;
}
