import { BadRequestException, Get, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces } from '@nestjs/swagger';
import { AdminController } from '../../admin-openapi';
import { ApiErrors } from '../../openapi';
import { stringify } from 'csv-stringify';
import type { Response } from 'express';
import { MESSAGES } from '../../common/errors';
import { Roles } from '../../platform/http/access.decorators';
import { AuditService, presentAuditEntry } from './audit.service';
import { csvCell } from './csv-cell';
import { AuditQueryDto } from './dto/audit-query.dto';
import { AuditEntryPage, AuditVerifyEnvelope } from './dto/audit-response.dto';

const CSV_COLUMNS = [
  'id',
  'occurred_at',
  'actor_type',
  'actor_id',
  'actor_name',
  'action',
  'target_type',
  'target_id',
  'ip',
  'user_agent',
  'changes',
  'hash',
];

const MAX_BIGINT = 9_223_372_036_854_775_807n;

/** Cursors are entry ids: digits within PostgreSQL's bigint (else the query itself would fail). */
const validCursor = (cursor: string): boolean =>
  /^\d{1,19}$/.test(cursor) && BigInt(cursor) <= MAX_BIGINT;

@AdminController('Audit log', 'audit-log')
@Roles('admin', 'auditor')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOkResponse({ type: AuditEntryPage, description: 'Newest first' })
  @ApiErrors(400, 422)
  async list(@Query() q: AuditQueryDto): Promise<AuditEntryPage> {
    if (q.cursor !== undefined && !validCursor(q.cursor)) {
      throw new BadRequestException({ message: `${MESSAGES[400]}: invalid cursor` });
    }
    const { entries, nextCursor } = await this.audit.list(q, q.limit ?? 50, q.cursor);
    return { data: entries.map(presentAuditEntry), next_cursor: nextCursor };
  }

  @Get('export')
  @ApiProduces('text/csv')
  @ApiOkResponse({
    description: 'The filtered entries as CSV (streamed; `changes` as JSON text)',
    schema: { type: 'string' },
  })
  @ApiErrors(422)
  async export(@Query() q: AuditQueryDto, @Res() res: Response): Promise<void> {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="audit-log-${stamp}.csv"`);
    const csv = stringify({ header: true, columns: CSV_COLUMNS });
    csv.pipe(res);
    let gone = false;
    res.once('close', () => {
      gone = true;
      csv.emit('drain');
    });
    try {
      for await (const e of this.audit.stream(q)) {
        if (gone) break;
        const entry: Record<string, unknown> = {
          ...presentAuditEntry(e),
          changes: e.changes ? JSON.stringify(e.changes) : '',
        };
        const row = Object.fromEntries(CSV_COLUMNS.map((c) => [c, csvCell(entry[c])]));
        if (!csv.write(row)) await new Promise((r) => csv.once('drain', r));
      }
      csv.end();
    } catch {
      res.destroy();
    }
  }

  @Get('verify')
  @ApiOkResponse({ type: AuditVerifyEnvelope, description: 'Walks the whole hash chain' })
  async verify(): Promise<AuditVerifyEnvelope> {
    return { data: await this.audit.verify() };
  }
}
