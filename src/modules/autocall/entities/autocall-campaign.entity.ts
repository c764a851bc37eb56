import { Column, Entity } from 'typeorm';
import { Campaign } from '../../../common/leads/campaign-columns';
import type { AutocallCampaignFinishedPayload } from '../../../events/catalogue';

export type AutocallCampaignStatus = 'draft' | 'running' | 'paused' | 'finished';
export type FinishedReason = AutocallCampaignFinishedPayload['finished_reason'];

@Entity('autocall_campaigns')
export class AutocallCampaign extends Campaign('autocall_campaigns') {
  @Column({ name: 'max_concurrent', type: 'int', default: 10 })
  maxConcurrent!: number;

  @Column({ type: 'varchar', length: 16, default: 'draft' })
  status!: AutocallCampaignStatus;

  @Column({ name: 'finished_reason', type: 'varchar', length: 32, nullable: true })
  finishedReason!: FinishedReason | null;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;
}

export interface AutocallCounts {
  total_leads: number;
  pending_leads: number;
  completed_leads: number;
}

export function presentAutocallCampaign(c: AutocallCampaign, counts: AutocallCounts) {
  return {
    id: c.id,
    name: c.name,
    description: c.description,
    max_concurrent: c.maxConcurrent,
    status: c.status,
    finished_reason: c.finishedReason,
    total_leads: counts.total_leads,
    pending_leads: counts.pending_leads,
    completed_leads: counts.completed_leads,
    started_at: c.startedAt?.toISOString() ?? null,
    finished_at: c.finishedAt?.toISOString() ?? null,
    created_at: c.createdAt.toISOString(),
    updated_at: c.updatedAt.toISOString(),
  };
}
