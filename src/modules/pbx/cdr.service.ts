import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { fieldError, NotFound, ValidationFailed } from '../../common/errors';
import { EventBus } from '../../events/event-bus';
import { CallCloser } from './call-closer';
import { parseCdrDocument } from './cdr-document';
import { cdrPayload, PbxCdr } from './entities/pbx-cdr.entity';

const DAY_MS = 86_400_000;
export const CDR_WINDOW_DAYS = 30;

export interface CdrPage {
  rows: PbxCdr[];
  total: number;
}

@Injectable()
export class CdrService {
  constructor(
    @InjectRepository(PbxCdr) private readonly cdrRepo: Repository<PbxCdr>,
    private readonly events: EventBus,
    private readonly closer: CallCloser,
  ) {}

  /**
   * Stores a mod_json_cdr document and publishes `pbx.cdr.created`, or, when the call uuid is
   * already stored, does nothing (`created: false`). The insert is `ON CONFLICT DO NOTHING` on
   * the primary key, so two concurrent posts of the same CDR store and publish it once: the
   * second waits for the first to commit and then finds the row. A call that rang and whose
   * hangup never came gets that hangup first, from the CDR (CallCloser).
   */
  async ingest(body: unknown): Promise<{ cdr: PbxCdr; created: boolean }> {
    const parsed = parseCdrDocument(body);
    if (!parsed.ok) throw new ValidationFailed(parsed.errors);
    const c = parsed.cdr;
    const inserted = await this.cdrRepo.manager.transaction(async (tx) => {
      const result = await tx
        .createQueryBuilder()
        .insert()
        .into(PbxCdr)
        .values({
          uuid: c.uuid,
          extension: c.extension,
          direction: c.direction,
          callerNumber: c.callerNumber,
          destinationNumber: c.destinationNumber,
          startedAt: c.startedAt,
          answeredAt: c.answeredAt,
          endedAt: c.endedAt,
          duration: c.duration,
          billsec: c.billsec,
          hangupCause: c.hangupCause,
          result: c.result,
          queueName: c.queueName,
          trunkName: c.trunkName,
          recordingUrl: c.recordingUrl,
          variables: c.variables,
        })
        .orIgnore()
        .returning('*')
        .execute();
      if ((result.raw as unknown[]).length === 0) return null;
      const row = await tx.getRepository(PbxCdr).findOneByOrFail({ uuid: c.uuid });
      await this.closer.closeFromCdr(tx, row);
      await this.events.publish(tx, 'pbx.cdr.created', cdrPayload(row));
      return row;
    });
    if (inserted) return { cdr: inserted, created: true };
    return { cdr: await this.get(c.uuid), created: false };
  }

  async get(uuid: string): Promise<PbxCdr> {
    const row = await this.cdrRepo.findOneBy({ uuid });
    if (!row) throw new NotFound();
    return row;
  }

  /** CDRs of calls started in [from, to), newest first; the window is at most 30 days. */
  async list(query: { from?: Date; to?: Date; page: number; perPage: number }): Promise<CdrPage> {
    const to = query.to ?? new Date();
    const from = query.from ?? new Date(to.getTime() - CDR_WINDOW_DAYS * DAY_MS);
    if (from.getTime() > to.getTime()) throw fieldError('from', 'from must not be after to');
    if (to.getTime() - from.getTime() > CDR_WINDOW_DAYS * DAY_MS) {
      throw new ValidationFailed({
        to: [`the window from..to must be at most ${CDR_WINDOW_DAYS} days`],
      });
    }
    const [rows, total] = await this.cdrRepo
      .createQueryBuilder('c')
      .where('c.started_at >= :from AND c.started_at < :to', { from, to })
      .orderBy('c.started_at', 'DESC')
      .addOrderBy('c.uuid', 'DESC')
      .skip((query.page - 1) * query.perPage)
      .take(query.perPage)
      .getManyAndCount();
    return { rows, total };
  }
}
