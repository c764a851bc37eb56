import { Column, Entity, Index, Unique } from 'typeorm';
import { CampaignLead } from '../../../common/leads/campaign-columns';
import type { LeadPayload } from '../../../events/catalogue';
import { TelesalesCampaign } from './telesales-campaign.entity';

/** `new` until an agent disposes a call to it; then `contacted`, or `callback` when one is set. */
export type TelesalesLeadStatus = 'new' | 'contacted' | 'callback';

@Entity('telesales_leads')
@Unique('telesales_leads_campaign_phone_key', ['campaignId', 'phone'])
@Index('telesales_leads_undialed_idx', ['campaignId'], { where: 'dialed_at IS NULL' })
export class TelesalesLead extends CampaignLead('telesales_leads', () => TelesalesCampaign) {
  @Column({ name: 'full_name', type: 'varchar', length: 200 })
  fullName!: string;

  @Column({ type: 'varchar', length: 254, nullable: true })
  email!: string | null;

  @Column({ name: 'custom_fields', type: 'jsonb', default: () => "'{}'" })
  customFields!: Record<string, unknown>;

  @Column({ type: 'varchar', length: 16, default: 'new' })
  status!: TelesalesLeadStatus;

  @Column({ name: 'disposition_code', type: 'varchar', length: 64, nullable: true })
  dispositionCode!: string | null;

  /** First disposition: the lead counts as dialed for campaign completion. */
  @Column({ name: 'dialed_at', type: 'timestamptz', nullable: true })
  dialedAt!: Date | null;
}

/** The lead resource, also the `telesales.lead.created` payload (docs/receiver-guide.md §9). */
export function leadPayload(l: TelesalesLead): LeadPayload {
  return {
    id: l.id,
    campaign_id: l.campaignId,
    full_name: l.fullName,
    phone: l.phone,
    email: l.email,
    custom_fields: l.customFields,
    status: l.status,
    disposition_code: l.dispositionCode,
    created_at: l.createdAt.toISOString(),
    updated_at: l.updatedAt.toISOString(),
  };
}
