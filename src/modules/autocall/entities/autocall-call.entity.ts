import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Created } from '../../../database/timestamps';
import { AutocallLead } from './autocall-lead.entity';

export type AutocallCallStatus = 'dialing' | 'answered' | 'transferred' | 'completed';

/** One call the dialer engine placed to a lead (its uuid is the dialer's call uuid). */
@Entity('autocall_calls')
@Index('autocall_calls_lead_idx', ['leadId'])
export class AutocallCall extends Created {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_autocall_calls' })
  uuid!: string;

  @Column({ name: 'campaign_id', type: 'int' })
  campaignId!: number;

  @Column({ name: 'lead_id', type: 'int' })
  leadId!: number;

  @ManyToOne(() => AutocallLead, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'lead_id', foreignKeyConstraintName: 'autocall_calls_lead_fk' })
  lead?: AutocallLead;

  @Column({ name: 'attempt_number', type: 'int' })
  attemptNumber!: number;

  @Column({ name: 'caller_id', type: 'varchar', length: 32 })
  callerId!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: AutocallCallStatus;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'answered_at', type: 'timestamptz', nullable: true })
  answeredAt!: Date | null;

  @Column({ name: 'transferred_at', type: 'timestamptz', nullable: true })
  transferredAt!: Date | null;

  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt!: Date | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  result!: string | null;
}

export function presentAutocallCall(c: AutocallCall) {
  return {
    uuid: c.uuid,
    campaign_id: c.campaignId,
    lead_id: c.leadId,
    attempt_number: c.attemptNumber,
    caller_id: c.callerId,
    status: c.status,
    started_at: c.startedAt.toISOString(),
    answered_at: c.answeredAt?.toISOString() ?? null,
    transferred_at: c.transferredAt?.toISOString() ?? null,
    ended_at: c.endedAt?.toISOString() ?? null,
    result: c.result,
  };
}
