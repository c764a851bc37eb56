import { Body, Get, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { listPage } from '../../common/paging';
import { UuidParam } from '../../common/uuid.pipe';
import { ApiErrors, ApiPaging, DomainController } from '../../openapi';
import { CdrService } from './cdr.service';
import { CdrDocument, CdrListQuery, CdrListResponse, CdrResponse } from './dto/cdr.dto';
import { presentCdr } from './entities/pbx-cdr.entity';

@DomainController('pbx_api_access', 'PBX', 'pbx/cdr')
export class CdrController {
  constructor(private readonly cdrs: CdrService) {}

  @Post()
  @ApiOperation({
    summary: 'Ingest a CDR (mod_json_cdr)',
    description:
      'Point FreeSWITCH mod_json_cdr at this URL. Stores the CDR, derives `result` and ' +
      '`recording_url`, and publishes `pbx.cdr.created`. Posting the same call uuid again is a ' +
      "200 no-op (no second event), also when two posts race. Both of mod_json_cdr's " +
      'encodings are accepted: the raw JSON document (its default) and, with `encode=true`, ' +
      '`application/x-www-form-urlencoded` `cdr=<the JSON document>`. NUL characters and ' +
      'unpaired surrogates in the document are stored escaped (as the text `\\u0000`); a ' +
      'string over 128 KiB is a 422 naming it.',
  })
  @ApiConsumes('application/json', 'application/x-www-form-urlencoded')
  @ApiBody({ type: CdrDocument })
  @ApiResponse({
    status: 201,
    description: 'Stored; `pbx.cdr.created` published',
    type: CdrResponse,
  })
  @ApiResponse({ status: 200, description: 'Already stored: nothing changed', type: CdrResponse })
  @ApiErrors(400, 413, 422)
  async ingest(@Body() body: Record<string, unknown>, @Res({ passthrough: true }) res: Response) {
    // The document has many keys besides `variables`: it is validated by parseCdrDocument, not
    // by the global whitelist (a plain object parameter is not validated by the ValidationPipe).
    const { cdr, created } = await this.cdrs.ingest(body);
    res.status(created ? 201 : 200);
    return { data: presentCdr(cdr) };
  }

  @Get()
  @ApiOperation({
    summary: 'List CDRs',
    description:
      'CDRs of calls started in [from, to), newest first. The window is at most 30 days.',
  })
  @ApiOkResponse({ type: CdrListResponse })
  @ApiErrors(400, 422)
  @ApiPaging()
  list(@Query() query: CdrListQuery) {
    return listPage(
      query,
      (page, perPage) => this.cdrs.list({ from: query.from, to: query.to, page, perPage }),
      (rows) => rows.map(presentCdr),
    );
  }

  @Get(':uuid')
  @ApiOperation({ summary: 'Get a CDR by call uuid' })
  @ApiParam({ name: 'uuid', format: 'uuid' })
  @ApiOkResponse({ type: CdrResponse })
  @ApiErrors(404)
  async get(@Param('uuid', UuidParam) uuid: string) {
    return { data: presentCdr(await this.cdrs.get(uuid)) };
  }
}
