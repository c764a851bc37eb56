import { Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { UpdatedAt } from '../../../database/timestamps';
import { CallParties } from './call-parties';

export type PbxCallStatus = 'ringing' | 'answered' | 'ended';
export type PbxCallEventKind = 'ringing' | 'answered' | 'hangup';

/**
 * One leg of a call toward an extension, as seen on the event socket (a ring group rings several
 * extensions of one call: one row each). `published` lists the event kinds already published for
 * it, so a repeated frame (or a second worker on the same socket) publishes nothing. A leg is
 * `ended` once its hangup is published, from the event socket or from the call's CDR; the
 * partial index on open legs serves the stale-call count.
 */
@Entity('pbx_calls')
@Index('pbx_calls_open_idx', ['createdAt'], { where: "status <> 'ended'" })
@Unique('pbx_calls_call_extension_key', ['callUuid', 'extension'])
export class PbxCall extends CallParties {
  @PrimaryGeneratedColumn({ type: 'bigint', primaryKeyConstraintName: 'PK_pbx_calls' })
  id!: string;

  @Column({ name: 'call_uuid', type: 'uuid' })
  callUuid!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: PbxCallStatus;

  @Column({ name: 'ringing_at', type: 'timestamptz', nullable: true })
  ringingAt!: Date | null;

  @Column({ name: 'answered_at', type: 'timestamptz', nullable: true })
  answeredAt!: Date | null;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt!: Date | null;

  @Column({ type: 'int', nullable: true })
  duration!: number | null;

  @Column({ type: 'int', nullable: true })
  billsec!: number | null;

  @Column({ name: 'hangup_cause', type: 'varchar', length: 64, nullable: true })
  hangupCause!: string | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  published!: PbxCallEventKind[];

  @UpdatedAt()
  updatedAt!: Date;
}
