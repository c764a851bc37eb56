import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { CallDisposedPayload } from '../../../events/catalogue';
import { TelesalesLead } from './telesales-lead.entity';

/** The outcome an agent set for one call to a lead (one per lead and call). */
@Entity('telesales_dispositions')
@Unique('telesales_dispositions_lead_call_key', ['leadId', 'callUuid'])
export class TelesalesDisposition {
  @PrimaryGeneratedColumn({ type: 'bigint', primaryKeyConstraintName: 'PK_telesales_dispositions' })
  id!: string;

  @Column({ name: 'lead_id', type: 'int' })
  leadId!: number;

  @ManyToOne(() => TelesalesLead, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'lead_id', foreignKeyConstraintName: 'telesales_dispositions_lead_fk' })
  lead?: TelesalesLead;

  @Column({ name: 'campaign_id', type: 'int' })
  campaignId!: number;

  @Column({ name: 'call_uuid', type: 'uuid' })
  callUuid!: string;

  @Column({ name: 'agent_extension', type: 'varchar', length: 32 })
  agentExtension!: string;

  @Column({ name: 'disposition_code', type: 'varchar', length: 64 })
  dispositionCode!: string;

  @Column({ type: 'text', nullable: true })
  note!: string | null;

  @Column({ name: 'callback_at', type: 'timestamptz', nullable: true })
  callbackAt!: Date | null;

  @Column({ name: 'disposed_at', type: 'timestamptz', default: () => 'now()' })
  disposedAt!: Date;
}

export function dispositionPayload(d: TelesalesDisposition): CallDisposedPayload {
  return {
    call_uuid: d.callUuid,
    lead_id: d.leadId,
    campaign_id: d.campaignId,
    agent_extension: d.agentExtension,
    disposition_code: d.dispositionCode,
    note: d.note,
    callback_at: d.callbackAt?.toISOString() ?? null,
    disposed_at: d.disposedAt.toISOString(),
  };
}
