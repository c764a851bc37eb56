import { Column, Entity } from 'typeorm';
import { Campaign } from '../../../common/leads/campaign-columns';

export const DIALER_MODES = ['manual', 'preview', 'progressive', 'predictive'] as const;
export type DialerMode = (typeof DIALER_MODES)[number];
export type TelesalesCampaignStatus = 'active' | 'completed';

@Entity('telesales_campaigns')
export class TelesalesCampaign extends Campaign('telesales_campaigns') {
  @Column({ name: 'dialer_mode', type: 'varchar', length: 16 })
  dialerMode!: DialerMode;

  /** `completed` once every lead has been dialed (`telesales.campaign.completed`, once). */
  @Column({ type: 'varchar', length: 16, default: 'active' })
  status!: TelesalesCampaignStatus;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt!: Date | null;
}

export interface CampaignCounts {
  total_leads: number;
  dialed_leads: number;
}

export function presentTelesalesCampaign(c: TelesalesCampaign, counts: CampaignCounts) {
  return {
    id: c.id,
    name: c.name,
    dialer_mode: c.dialerMode,
    description: c.description,
    status: c.status,
    total_leads: counts.total_leads,
    dialed_leads: counts.dialed_leads,
    completed_at: c.completedAt?.toISOString() ?? null,
    created_at: c.createdAt.toISOString(),
    updated_at: c.updatedAt.toISOString(),
  };
}
