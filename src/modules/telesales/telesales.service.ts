import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { canonicalJson } from '../../common/redact';
import { Conflict, fieldError, NotFound } from '../../common/errors';
import { findOr404 } from '../../common/find-or-404';
import { Paged, findPage } from '../../common/paging';
import type { ImportOutcome, RowResult } from '../../common/leads/lead-import';
import {
  insertInChunks,
  insertNewLeads,
  sortImportRows,
  validateImportRow,
} from '../../common/leads/lead-import';
import { LEAD_PHONE_MESSAGE, normalizeLeadPhone } from '../../common/leads/phone';
import { EventBus } from '../../events/event-bus';
import {
  CreateDispositionDto,
  CreateTelesalesLeadDto,
  UpdateTelesalesLeadDto,
} from './dto/lead.dto';
import { CreateTelesalesCampaignDto } from './dto/campaign.dto';
import { CampaignCounts, TelesalesCampaign } from './entities/telesales-campaign.entity';
import { TelesalesDisposition, dispositionPayload } from './entities/telesales-disposition.entity';
import { TelesalesLead, TelesalesLeadStatus, leadPayload } from './entities/telesales-lead.entity';

type NewLead = {
  fullName: string;
  phone: string;
  email: string | null;
  customFields: Record<string, unknown>;
};

/**
 * Telesales campaigns, leads and dispositions. Every change publishes its events with the
 * transaction's manager. Lock order, to stay deadlock-free: the campaign row first (FOR SHARE to
 * add leads, FOR UPDATE to dispose a call, so the "every lead dialed" check cannot miss a lead
 * being added), then the lead row.
 */
@Injectable()
export class TelesalesService {
  constructor(
    @InjectRepository(TelesalesCampaign)
    private readonly campaignRepo: Repository<TelesalesCampaign>,
    @InjectRepository(TelesalesLead) private readonly leadRepo: Repository<TelesalesLead>,
    private readonly events: EventBus,
  ) {}

  async createCampaign(dto: CreateTelesalesCampaignDto): Promise<TelesalesCampaign> {
    const repo = this.campaignRepo;
    return repo.save(
      repo.create({
        name: dto.name.trim() || dto.name,
        dialerMode: dto.dialer_mode,
        description: dto.description ?? null,
      }),
    );
  }

  getCampaign(id: number): Promise<TelesalesCampaign> {
    return findOr404(this.campaignRepo, { id });
  }

  listCampaigns(page: number, perPage: number): Promise<Paged<TelesalesCampaign>> {
    return findPage(this.campaignRepo, { order: { id: 'DESC' } }, page, perPage);
  }

  async counts(campaignIds: number[], tx: EntityManager = this.campaignRepo.manager) {
    const out = new Map<number, CampaignCounts>(
      campaignIds.map((id) => [id, { total_leads: 0, dialed_leads: 0 }]),
    );
    if (campaignIds.length === 0) return out;
    const rows: { campaign_id: number; total: number; dialed: number }[] = await tx.query(
      `SELECT campaign_id, count(*)::int AS total, count(dialed_at)::int AS dialed
         FROM telesales_leads WHERE campaign_id = ANY($1::int[]) GROUP BY campaign_id`,
      [campaignIds],
    );
    for (const r of rows) out.set(r.campaign_id, { total_leads: r.total, dialed_leads: r.dialed });
    return out;
  }

  getLead(id: number): Promise<TelesalesLead> {
    return findOr404(this.leadRepo, { id });
  }

  async listLeads(
    campaignId: number,
    page: number,
    perPage: number,
  ): Promise<Paged<TelesalesLead>> {
    await this.getCampaign(campaignId);
    return findPage(this.leadRepo, { where: { campaignId }, order: { id: 'ASC' } }, page, perPage);
  }

  /** 409 when the (normalised) phone is already in the campaign or the campaign is completed. */
  async createLead(campaignId: number, dto: CreateTelesalesLeadDto): Promise<TelesalesLead> {
    const row = toNewLead(dto);
    if (!row) throw fieldError('phone', LEAD_PHONE_MESSAGE);
    return this.campaignRepo.manager.transaction(async (tx) => {
      await this.lockOpenCampaign(tx, campaignId);
      const [lead] = await this.insertLeads(tx, campaignId, [row]);
      if (!lead) throw new Conflict('A lead with this phone is already in the campaign.');
      await this.events.publish(tx, 'telesales.lead.created', leadPayload(lead));
      return lead;
    });
  }

  /**
   * Imports up to 5000 rows in one transaction: invalid rows are reported by index, rows whose
   * phone is already in the campaign (or earlier in the import) are counted as duplicates, the
   * rest are created with one `telesales.lead.created` each. All or nothing: if anything fails,
   * no lead and no event remain.
   */
  async importLeads(campaignId: number, rows: unknown[]): Promise<ImportOutcome> {
    const sorted = sortImportRows(rows, validateLeadRow);
    return this.campaignRepo.manager.transaction(async (tx) => {
      await this.lockOpenCampaign(tx, campaignId);
      return insertInChunks(sorted, async (chunk) => {
        const leads = await this.insertLeads(tx, campaignId, chunk);
        await this.events.publishMany(
          tx,
          leads.map((lead) => ({ name: 'telesales.lead.created', data: leadPayload(lead) })),
        );
        return leads.length;
      });
    });
  }

  /**
   * Applies the given fields; `custom_fields` is merged (a null value removes the key). Publishes
   * `telesales.lead.updated` with `changed_fields` only when something changed; else nothing is
   * written at all.
   */
  async updateLead(id: number, dto: UpdateTelesalesLeadDto): Promise<TelesalesLead> {
    return this.campaignRepo.manager.transaction(async (tx) => {
      const repo = tx.getRepository(TelesalesLead);
      const lead = await repo.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!lead) throw new NotFound();
      const changes: Partial<TelesalesLead> = {};
      const changed: string[] = [];
      if (dto.full_name !== undefined && dto.full_name !== lead.fullName) {
        changes.fullName = dto.full_name;
        changed.push('full_name');
      }
      if (dto.email !== undefined && (dto.email ?? null) !== lead.email) {
        changes.email = dto.email ?? null;
        changed.push('email');
      }
      if (dto.custom_fields !== undefined) {
        const merged: Record<string, unknown> = { ...lead.customFields };
        for (const [key, value] of Object.entries(dto.custom_fields)) {
          if (value === null) delete merged[key];
          else merged[key] = value;
        }
        if (canonicalJson(merged) !== canonicalJson(lead.customFields)) {
          changes.customFields = merged;
          changed.push('custom_fields');
        }
      }
      if (
        dto.disposition_code !== undefined &&
        (dto.disposition_code ?? null) !== lead.dispositionCode
      ) {
        changes.dispositionCode = dto.disposition_code ?? null;
        changed.push('disposition_code');
      }
      if (changed.length === 0) return lead;
      await repo.update({ id }, {
        ...changes,
        updatedAt: new Date(),
      } as QueryDeepPartialEntity<TelesalesLead>);
      const updated = await repo.findOneByOrFail({ id });
      await this.events.publish(tx, 'telesales.lead.updated', {
        ...leadPayload(updated),
        changed_fields: changed,
      });
      return updated;
    });
  }

  /**
   * Records an agent's outcome for a call: `telesales.call.disposed`, the lead's new status and
   * disposition (`telesales.lead.updated` when they changed), and — when this was the campaign's
   * last undialed lead — `telesales.campaign.completed`, exactly once: the campaign row is locked
   * FOR UPDATE, so concurrent dispositions decide one after the other.
   */
  async dispose(
    leadId: number,
    dto: CreateDispositionDto,
  ): Promise<{ disposition: TelesalesDisposition; lead: TelesalesLead }> {
    const found = await this.getLead(leadId);
    return this.campaignRepo.manager.transaction(async (tx) => {
      const campaign = await tx.getRepository(TelesalesCampaign).findOne({
        where: { id: found.campaignId },
        lock: { mode: 'pessimistic_write' },
      });
      const lead = await tx.getRepository(TelesalesLead).findOne({
        where: { id: leadId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!campaign || !lead) throw new NotFound();
      const now = new Date();
      const disposition = await this.recordDisposition(tx, lead, dto, now);
      const updated = await this.applyOutcome(tx, lead, dto, now);
      if (campaign.status === 'active') await this.completeWhenAllDialed(tx, campaign, now);
      return { disposition, lead: updated };
    });
  }

  /** The disposition row and `telesales.call.disposed`; 409 when the call has one already. */
  private async recordDisposition(
    tx: EntityManager,
    lead: TelesalesLead,
    dto: CreateDispositionDto,
    now: Date,
  ): Promise<TelesalesDisposition> {
    const inserted = await tx
      .createQueryBuilder()
      .insert()
      .into(TelesalesDisposition)
      .values({
        leadId: lead.id,
        campaignId: lead.campaignId,
        callUuid: dto.call_uuid.toLowerCase(),
        agentExtension: dto.agent_extension,
        dispositionCode: dto.disposition_code,
        note: dto.note ?? null,
        callbackAt: dto.callback_at ? new Date(dto.callback_at) : null,
        disposedAt: now,
      })
      .orIgnore()
      .returning(['id'])
      .execute();
    const id = (inserted.raw as { id: string }[])[0]?.id;
    if (!id) throw new Conflict('This call already has a disposition for this lead.');
    const disposition = await tx.getRepository(TelesalesDisposition).findOneByOrFail({ id });
    await this.events.publish(tx, 'telesales.call.disposed', dispositionPayload(disposition));
    return disposition;
  }

  /**
   * The lead's new status and disposition, with `telesales.lead.updated` when they changed; the
   * lead counts as dialed from now on either way.
   */
  private async applyOutcome(
    tx: EntityManager,
    lead: TelesalesLead,
    dto: CreateDispositionDto,
    now: Date,
  ): Promise<TelesalesLead> {
    const leads = tx.getRepository(TelesalesLead);
    const status: TelesalesLeadStatus = dto.callback_at ? 'callback' : 'contacted';
    const changed: string[] = [];
    if (status !== lead.status) changed.push('status');
    if (dto.disposition_code !== lead.dispositionCode) changed.push('disposition_code');
    if (changed.length > 0) {
      await leads.update(
        { id: lead.id },
        {
          status,
          dispositionCode: dto.disposition_code,
          dialedAt: lead.dialedAt ?? now,
          updatedAt: now,
        },
      );
    } else if (!lead.dialedAt) {
      // Dialed for the first time with nothing else changing: not a lead update for receivers.
      await tx.query(`UPDATE telesales_leads SET dialed_at = $2 WHERE id = $1`, [lead.id, now]);
    }
    const updated = await leads.findOneByOrFail({ id: lead.id });
    if (changed.length > 0) {
      await this.events.publish(tx, 'telesales.lead.updated', {
        ...leadPayload(updated),
        changed_fields: changed,
      });
    }
    return updated;
  }

  /** Completes the campaign (the caller holds its row lock) once every lead has been dialed. */
  private async completeWhenAllDialed(
    tx: EntityManager,
    campaign: TelesalesCampaign,
    now: Date,
  ): Promise<void> {
    const counts = (await this.counts([campaign.id], tx)).get(campaign.id);
    if (!counts || counts.total_leads === 0 || counts.dialed_leads !== counts.total_leads) return;
    await tx
      .getRepository(TelesalesCampaign)
      .update({ id: campaign.id }, { status: 'completed', completedAt: now, updatedAt: now });
    await this.events.publish(tx, 'telesales.campaign.completed', {
      campaign_id: campaign.id,
      name: campaign.name,
      total_leads: counts.total_leads,
      dialed_leads: counts.dialed_leads,
      completed_at: now.toISOString(),
    });
  }

  /** Locks the campaign FOR SHARE (leads may be added concurrently, dispositions wait). */
  private async lockOpenCampaign(tx: EntityManager, id: number): Promise<TelesalesCampaign> {
    const campaign = await tx
      .getRepository(TelesalesCampaign)
      .findOne({ where: { id }, lock: { mode: 'pessimistic_read' } });
    if (!campaign) throw new NotFound();
    if (campaign.status === 'completed') {
      throw new Conflict('The campaign is completed: every lead has been dialed.');
    }
    return campaign;
  }

  /** Inserts, skipping phones already in the campaign; returns the created leads in input order. */
  private async insertLeads(
    tx: EntityManager,
    campaignId: number,
    rows: NewLead[],
  ): Promise<TelesalesLead[]> {
    const ids = await insertNewLeads(tx, TelesalesLead, campaignId, rows);
    if (ids.length === 0) return [];
    return tx.getRepository(TelesalesLead).find({ where: { id: In(ids) }, order: { id: 'ASC' } });
  }
}

function toNewLead(dto: CreateTelesalesLeadDto): NewLead | null {
  const phone = normalizeLeadPhone(dto.phone);
  if (!phone) return null;
  return {
    fullName: dto.full_name.trim() || dto.full_name,
    phone,
    email: dto.email ?? null,
    customFields: dto.custom_fields ?? {},
  };
}

/** One import row, validated like a single create. */
function validateLeadRow(raw: unknown): RowResult<NewLead> {
  return validateImportRow(CreateTelesalesLeadDto, raw, (dto): RowResult<NewLead> => {
    const lead = toNewLead(dto);
    return lead ? { lead } : { errors: { phone: [LEAD_PHONE_MESSAGE] } };
  });
}
