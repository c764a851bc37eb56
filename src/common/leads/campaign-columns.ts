import { Column, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Timestamped } from '../../database/timestamps';

/**
 * The columns a campaign has in both campaign modules (Telesales, AutoCall): an integer id (its
 * primary key named `PK_<table>` as the migrations created it), a name and an optional description.
 */
export function Campaign(table: string) {
  abstract class CampaignColumns extends Timestamped {
    @PrimaryGeneratedColumn({ primaryKeyConstraintName: `PK_${table}` })
    id!: number;

    @Column({ type: 'varchar', length: 200 })
    name!: string;

    @Column({ type: 'text', nullable: true })
    description!: string | null;
  }
  return CampaignColumns;
}

/**
 * The columns a lead has in both campaign modules (Telesales, AutoCall): an integer id, its
 * campaign (its leads go with it) and its phone, normalised to digits (`84…` for Vietnamese
 * numbers, see phone.ts). Each module's lead entity extends `CampaignLead(table, campaign)`;
 * `table` names the keys as the migrations created them (`PK_<table>`, `<table>_campaign_fk`).
 */
export function CampaignLead<C>(table: string, campaign: () => new () => C) {
  abstract class Lead extends Timestamped {
    @PrimaryGeneratedColumn({ primaryKeyConstraintName: `PK_${table}` })
    id!: number;

    @Column({ name: 'campaign_id', type: 'int' })
    campaignId!: number;

    @ManyToOne(campaign, { onDelete: 'CASCADE' })
    @JoinColumn({ name: 'campaign_id', foreignKeyConstraintName: `${table}_campaign_fk` })
    campaign?: C;

    @Column({ type: 'varchar', length: 20 })
    phone!: string;
  }
  return Lead;
}
