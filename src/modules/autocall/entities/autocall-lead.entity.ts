import { Column, Entity, Index, Unique } from 'typeorm';
import { CampaignLead } from '../../../common/leads/campaign-columns';
import { AutocallCampaign } from './autocall-campaign.entity';

/** `pending` until dialed, `in_call` while the dialer reports a call, `done` once completed. */
export type AutocallLeadStatus = 'pending' | 'in_call' | 'done';

@Entity('autocall_leads')
@Unique('autocall_leads_campaign_phone_key', ['campaignId', 'phone'])
@Index('autocall_leads_open_idx', ['campaignId'], { where: "status <> 'done'" })
export class AutocallLead extends CampaignLead('autocall_leads', () => AutocallCampaign) {
  @Column({ name: 'external_ref', type: 'varchar', length: 100, nullable: true })
  externalRef!: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  payload!: Record<string, unknown>;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status!: AutocallLeadStatus;

  @Column({ type: 'int', default: 0 })
  attempts!: number;
}

export function presentAutocallLead(l: AutocallLead) {
  return {
    id: l.id,
    campaign_id: l.campaignId,
    phone: l.phone,
    external_ref: l.externalRef,
    payload: l.payload,
    status: l.status,
    attempts: l.attempts,
    created_at: l.createdAt.toISOString(),
    updated_at: l.updatedAt.toISOString(),
  };
}
