import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
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
import { VN_PHONE_MESSAGE, normalizeVietnamesePhone } from '../../common/leads/phone';
import type { AutocallCampaignPayload } from '../../events/catalogue';
import { EventBus } from '../../events/event-bus';
import { AutocallLeadRowDto, CreateAutocallCampaignDto } from './dto/campaign.dto';
import { CallEventDto } from './dto/call-event.dto';
import {
  AutocallCampaign,
  AutocallCampaignStatus,
  AutocallCounts,
} from './entities/autocall-campaign.entity';
import { AutocallCall } from './entities/autocall-call.entity';
import { AutocallLead } from './entities/autocall-lead.entity';

export type LifecycleAction = 'start' | 'pause' | 'resume' | 'finish';

/** draft → running ⇄ paused → finished: which statuses each action leaves, and where it goes. */
const TRANSITIONS: Record<
  LifecycleAction,
  {
    from: AutocallCampaignStatus[];
    to: AutocallCampaignStatus;
    event: 'started' | 'paused' | 'resumed' | 'finished';
  }
> = {
  start: { from: ['draft'], to: 'running', event: 'started' },
  pause: { from: ['running'], to: 'paused', event: 'paused' },
  resume: { from: ['paused'], to: 'running', event: 'resumed' },
  finish: { from: ['running', 'paused'], to: 'finished', event: 'finished' },
};

type NewLead = { phone: string; externalRef: string | null; payload: Record<string, unknown> };

/**
 * AutoCall campaigns, their leads and the dialer engine's call reports. Every change publishes its
 * events with the transaction's manager. Lock order: campaign, then lead, then call. The campaign
 * row is taken FOR UPDATE by lifecycle actions and by `completed` reports (so "no lead left
 * pending → finish" is decided by one transaction at a time and fires once), FOR SHARE by imports
 * and `dialed` reports.
 */
@Injectable()
export class AutocallService {
  constructor(
    @InjectRepository(AutocallCampaign) private readonly campaignRepo: Repository<AutocallCampaign>,
    @InjectRepository(AutocallLead) private readonly leadRepo: Repository<AutocallLead>,
    private readonly events: EventBus,
  ) {}

  createCampaign(dto: CreateAutocallCampaignDto): Promise<AutocallCampaign> {
    const repo = this.campaignRepo;
    return repo.save(
      repo.create({
        name: dto.name.trim() || dto.name,
        description: dto.description ?? null,
        maxConcurrent: dto.max_concurrent ?? 10,
      }),
    );
  }

  getCampaign(id: number): Promise<AutocallCampaign> {
    return findOr404(this.campaignRepo, { id });
  }

  listCampaigns(page: number, perPage: number): Promise<Paged<AutocallCampaign>> {
    return findPage(this.campaignRepo, { order: { id: 'DESC' } }, page, perPage);
  }

  async listLeads(campaignId: number, page: number, perPage: number): Promise<Paged<AutocallLead>> {
    await this.getCampaign(campaignId);
    return findPage(this.leadRepo, { where: { campaignId }, order: { id: 'ASC' } }, page, perPage);
  }

  async counts(
    campaignIds: number[],
    tx: EntityManager = this.campaignRepo.manager,
  ): Promise<Map<number, AutocallCounts>> {
    const out = new Map<number, AutocallCounts>(
      campaignIds.map((id) => [id, { total_leads: 0, pending_leads: 0, completed_leads: 0 }]),
    );
    if (campaignIds.length === 0) return out;
    const rows: { campaign_id: number; total: number; done: number }[] = await tx.query(
      `SELECT campaign_id, count(*)::int AS total, count(*) FILTER (WHERE status = 'done')::int AS done
         FROM autocall_leads WHERE campaign_id = ANY($1::int[]) GROUP BY campaign_id`,
      [campaignIds],
    );
    for (const r of rows) {
      out.set(r.campaign_id, {
        total_leads: r.total,
        pending_leads: r.total - r.done,
        completed_leads: r.done,
      });
    }
    return out;
  }

  /**
   * Imports up to 5000 rows in one transaction: phones normalised to `84…`, invalid rows reported
   * by index, phones already in the campaign (or earlier in the import) counted as duplicates.
   * 409 once the campaign is finished.
   */
  async importLeads(campaignId: number, rows: unknown[]): Promise<ImportOutcome> {
    const sorted = sortImportRows(rows, validateLeadRow);
    return this.campaignRepo.manager.transaction(async (tx) => {
      const campaign = await tx
        .getRepository(AutocallCampaign)
        .findOne({ where: { id: campaignId }, lock: { mode: 'pessimistic_read' } });
      if (!campaign) throw new NotFound();
      if (campaign.status === 'finished') {
        throw new Conflict('The campaign is finished: no leads can be added.');
      }
      return insertInChunks(sorted, async (chunk) => {
        const ids = await insertNewLeads(tx, AutocallLead, campaignId, chunk);
        return ids.length;
      });
    });
  }

  /** Applies a lifecycle action or answers 409 when the campaign's status does not allow it. */
  async transition(id: number, action: LifecycleAction): Promise<AutocallCampaign> {
    const rule = TRANSITIONS[action];
    return this.campaignRepo.manager.transaction(async (tx) => {
      const repo = tx.getRepository(AutocallCampaign);
      const campaign = await repo.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!campaign) throw new NotFound();
      if (!rule.from.includes(campaign.status)) {
        throw new Conflict(`A ${campaign.status} campaign cannot be ${pastTense(action)}.`);
      }
      const now = new Date();
      if (action === 'finish') return this.finish(tx, campaign, 'manual', now);
      await repo.update(
        { id },
        {
          status: rule.to,
          updatedAt: now,
          ...(action === 'start' ? { startedAt: now } : {}),
        },
      );
      const payload: AutocallCampaignPayload = {
        campaign_id: id,
        name: campaign.name,
        status: rule.to,
        occurred_at: now.toISOString(),
      };
      if (rule.event === 'started') {
        await this.events.publish(tx, 'autocall.campaign.started', payload);
      } else if (rule.event === 'paused') {
        await this.events.publish(tx, 'autocall.campaign.paused', payload);
      } else {
        await this.events.publish(tx, 'autocall.campaign.resumed', payload);
      }
      return repo.findOneByOrFail({ id });
    });
  }

  /**
   * A report from the dialer engine about one call → the matching `autocall.lead.*` event.
   * `dialed` needs a running campaign and a lead not done; the other types need the call to have
   * been dialed for that lead. Repeats of dialed/answered/transferred/completed for a call are
   * 200 no-ops; every `dtmf` is a key press of its own. `completed` marks the lead done and, when
   * no lead of the campaign is left pending, finishes it (`all_leads_done`).
   */
  async callEvent(dto: CallEventDto): Promise<AutocallCall> {
    const at = dto.occurred_at ? new Date(dto.occurred_at) : new Date();
    const uuid = dto.uuid.toLowerCase();
    const found = await this.leadRepo.findOneBy({ id: dto.lead_id });
    if (!found) throw fieldError('lead_id', 'lead_id names no lead');
    return this.campaignRepo.manager.transaction(async (tx) => {
      if (dto.type === 'dialed') return this.dialed(tx, dto, found.campaignId, uuid, at);
      const completed = dto.type === 'completed';
      const campaign = completed ? await lockCampaign(tx, found.campaignId, 'write') : null;
      const lead = completed ? await lockLead(tx, dto.lead_id) : found;
      const calls = tx.getRepository(AutocallCall);
      const call = await calls.findOne({ where: { uuid }, lock: { mode: 'pessimistic_write' } });
      if (!call) throw new Conflict(`Call ${uuid} has not been dialed: report "dialed" first.`);
      if (call.leadId !== dto.lead_id || !lead) {
        throw fieldError('lead_id', 'lead_id is not the lead of this call');
      }
      const report: CallReport = { tx, dto, uuid, at, call, lead };
      const applied = completed
        ? await this.completed(report, campaign)
        : await this.during(report);
      return applied ? calls.findOneByOrFail({ uuid }) : call;
    });
  }

  /**
   * `answered`, `dtmf` or `transferred` on a call that has not ended; false when it repeats an
   * answer or transfer already recorded.
   */
  private async during({ tx, dto, uuid, at, call, lead }: CallReport): Promise<boolean> {
    if (dto.type === 'answered' && call.answeredAt) return false;
    if (dto.type === 'transferred' && call.transferredAt) return false;
    if (call.endedAt !== null) throw new Conflict('The call has ended.');
    const calls = tx.getRepository(AutocallCall);
    if (dto.type === 'answered') {
      await calls.update({ uuid }, { answeredAt: at, status: 'answered' });
      await this.events.publish(tx, 'autocall.lead.answered', {
        uuid,
        campaign_id: call.campaignId,
        lead_id: lead.id,
        phone: lead.phone,
        external_ref: lead.externalRef,
        attempt_number: call.attemptNumber,
        answered_at: at.toISOString(),
      });
    } else if (dto.type === 'dtmf') {
      await this.events.publish(tx, 'autocall.lead.dtmf_pressed', {
        uuid,
        campaign_id: call.campaignId,
        lead_id: lead.id,
        digit: dto.digit ?? '',
        action_type: dto.action_type ?? null,
        pressed_at: at.toISOString(),
      });
    } else {
      await calls.update({ uuid }, { transferredAt: at, status: 'transferred' });
      await this.events.publish(tx, 'autocall.lead.transferred', {
        uuid,
        campaign_id: call.campaignId,
        lead_id: lead.id,
        digit: dto.digit ?? null,
        queue_name: dto.queue_name ?? '',
        transferred_at: at.toISOString(),
      });
    }
    return true;
  }

  /**
   * `completed`: the call ends, its lead is done, and a running or paused campaign with no lead
   * left pending finishes (`all_leads_done`); false when the call had ended already.
   */
  private async completed(
    { tx, dto, uuid, at, call, lead }: CallReport,
    campaign: AutocallCampaign | null,
  ): Promise<boolean> {
    if (call.endedAt !== null) return false;
    await tx
      .getRepository(AutocallCall)
      .update({ uuid }, { endedAt: at, status: 'completed', result: dto.result ?? null });
    await tx.getRepository(AutocallLead).update({ id: lead.id }, { status: 'done' });
    if (campaign && (campaign.status === 'running' || campaign.status === 'paused')) {
      const counts = (await this.counts([campaign.id], tx)).get(campaign.id);
      if (counts && counts.pending_leads === 0) {
        await this.finish(tx, campaign, 'all_leads_done', new Date());
      }
    }
    return true;
  }

  /**
   * `dialed`: a new call (attempt) for a lead of a running campaign, or the call already reported
   * for that lead.
   */
  private async dialed(
    tx: EntityManager,
    dto: CallEventDto,
    campaignId: number,
    uuid: string,
    at: Date,
  ): Promise<AutocallCall> {
    const campaign = await lockCampaign(tx, campaignId, 'read');
    const lead = await lockLead(tx, dto.lead_id);
    if (!campaign || !lead) throw fieldError('lead_id', 'lead_id names no lead');
    const calls = tx.getRepository(AutocallCall);
    const existing = await calls.findOneBy({ uuid });
    if (existing) {
      if (existing.leadId === lead.id) return existing;
      throw new Conflict(`Call ${uuid} was reported for another lead.`);
    }
    if (campaign.status !== 'running') {
      throw new Conflict(
        `The campaign is ${campaign.status}: calls are dialed only while it runs.`,
      );
    }
    if (lead.status === 'done') throw new Conflict('The lead is done.');
    const attempt = lead.attempts + 1;
    const callerId = dto.caller_id ?? '';
    await insertCall(tx, { uuid, campaignId, lead, attempt, callerId, at });
    await tx
      .getRepository(AutocallLead)
      .update({ id: lead.id }, { attempts: attempt, status: 'in_call' });
    await this.events.publish(tx, 'autocall.lead.dialed', {
      uuid,
      campaign_id: campaignId,
      lead_id: lead.id,
      phone: lead.phone,
      external_ref: lead.externalRef,
      attempt_number: attempt,
      caller_id: callerId,
      started_at: at.toISOString(),
    });
    return calls.findOneByOrFail({ uuid });
  }

  /** Finishes a campaign (the caller holds its row lock) and publishes `finished`. */
  private async finish(
    tx: EntityManager,
    campaign: AutocallCampaign,
    reason: 'manual' | 'all_leads_done',
    now: Date,
  ): Promise<AutocallCampaign> {
    const repo = tx.getRepository(AutocallCampaign);
    await repo.update(
      { id: campaign.id },
      { status: 'finished', finishedReason: reason, finishedAt: now, updatedAt: now },
    );
    const counts = (await this.counts([campaign.id], tx)).get(campaign.id);
    await this.events.publish(tx, 'autocall.campaign.finished', {
      campaign_id: campaign.id,
      name: campaign.name,
      status: 'finished',
      occurred_at: now.toISOString(),
      total_leads: counts?.total_leads ?? 0,
      completed_leads: counts?.completed_leads ?? 0,
      finished_reason: reason,
    });
    return repo.findOneByOrFail({ id: campaign.id });
  }
}

/** A report about a dialed call, with its call and lead rows. */
interface CallReport {
  tx: EntityManager;
  dto: CallEventDto;
  uuid: string;
  at: Date;
  call: AutocallCall;
  lead: AutocallLead;
}

function lockCampaign(
  tx: EntityManager,
  id: number,
  mode: 'read' | 'write',
): Promise<AutocallCampaign | null> {
  return tx.getRepository(AutocallCampaign).findOne({
    where: { id },
    lock: { mode: mode === 'read' ? 'pessimistic_read' : 'pessimistic_write' },
  });
}

function lockLead(tx: EntityManager, id: number): Promise<AutocallLead | null> {
  return tx
    .getRepository(AutocallLead)
    .findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
}

/** The call's row, `dialing`; 409 when a concurrent report of the same call inserted it first. */
async function insertCall(
  tx: EntityManager,
  call: {
    uuid: string;
    campaignId: number;
    lead: AutocallLead;
    attempt: number;
    callerId: string;
    at: Date;
  },
): Promise<void> {
  const inserted = await tx
    .createQueryBuilder()
    .insert()
    .into(AutocallCall)
    .values({
      uuid: call.uuid,
      campaignId: call.campaignId,
      leadId: call.lead.id,
      attemptNumber: call.attempt,
      callerId: call.callerId,
      status: 'dialing',
      startedAt: call.at,
    })
    .orIgnore()
    .returning(['uuid'])
    .execute();
  if ((inserted.raw as unknown[]).length === 0) {
    throw new Conflict(`Call ${call.uuid} was reported concurrently; retry.`);
  }
}

function pastTense(action: LifecycleAction): string {
  return { start: 'started', pause: 'paused', resume: 'resumed', finish: 'finished' }[action];
}

/** One import row: the row DTO, then the Vietnamese phone rule. */
function validateLeadRow(raw: unknown): RowResult<NewLead> {
  return validateImportRow(AutocallLeadRowDto, raw, (dto): RowResult<NewLead> => {
    const phone = normalizeVietnamesePhone(dto.phone);
    if (!phone) return { errors: { phone: [VN_PHONE_MESSAGE] } };
    return {
      lead: { phone, externalRef: dto.external_ref ?? null, payload: dto.payload ?? {} },
    };
  });
}
