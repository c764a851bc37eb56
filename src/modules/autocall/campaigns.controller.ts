import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam } from '@nestjs/swagger';
import { PageQuery } from '../../common/query-dto';
import { IntParam } from '../../common/uuid.pipe';
import { ApiErrors, ApiPaging, DomainController } from '../../openapi';
import { AutocallService, LifecycleAction } from './autocall.service';
import {
  AutocallCampaignListResponse,
  AutocallCampaignResponse,
  AutocallImportResponse,
  AutocallLeadListResponse,
  CreateAutocallCampaignDto,
  ImportAutocallLeadsDto,
} from './dto/campaign.dto';
import { AutocallCampaign, presentAutocallCampaign } from './entities/autocall-campaign.entity';
import { presentAutocallLead } from './entities/autocall-lead.entity';

const EMPTY = { total_leads: 0, pending_leads: 0, completed_leads: 0 };

@DomainController('autocall_api_access', 'AutoCall')
@Controller('api/autocall/campaigns')
export class AutocallCampaignsController {
  constructor(private readonly autocall: AutocallService) {}

  @Post()
  @ApiOperation({ summary: 'Create a campaign (status `draft`)' })
  @ApiCreatedResponse({ type: AutocallCampaignResponse })
  @ApiErrors(400, 422)
  async create(@Body() dto: CreateAutocallCampaignDto) {
    return { data: presentAutocallCampaign(await this.autocall.createCampaign(dto), EMPTY) };
  }

  @Get()
  @ApiOperation({ summary: 'List campaigns', description: 'Newest first.' })
  @ApiOkResponse({ type: AutocallCampaignListResponse })
  @ApiErrors(400)
  @ApiPaging()
  async list(@Query() query: PageQuery) {
    const page = query.page ?? 1;
    const perPage = query.per_page ?? 50;
    const { rows, total } = await this.autocall.listCampaigns(page, perPage);
    const counts = await this.autocall.counts(rows.map((c) => c.id));
    return {
      data: rows.map((c) => presentAutocallCampaign(c, counts.get(c.id) ?? EMPTY)),
      meta: { page, per_page: perPage, total },
    };
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a campaign with its lead counts' })
  @ApiParam({ name: 'id', type: Number })
  @ApiOkResponse({ type: AutocallCampaignResponse })
  @ApiErrors(404)
  async get(@Param('id', IntParam) id: number) {
    return this.present(await this.autocall.getCampaign(id));
  }

  @Get(':id/leads')
  @ApiOperation({ summary: "List a campaign's leads", description: 'Oldest first.' })
  @ApiParam({ name: 'id', type: Number })
  @ApiOkResponse({ type: AutocallLeadListResponse })
  @ApiErrors(400, 404)
  @ApiPaging()
  async leads(@Param('id', IntParam) id: number, @Query() query: PageQuery) {
    const page = query.page ?? 1;
    const perPage = query.per_page ?? 50;
    const { rows, total } = await this.autocall.listLeads(id, page, perPage);
    return { data: rows.map(presentAutocallLead), meta: { page, per_page: perPage, total } };
  }

  @Post(':id/leads/import')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Import up to 5000 leads',
    description:
      'One transaction. Phones are normalised to `84…` (0912 345 678, +84…, 84…, with spaces, ' +
      'dots or dashes); invalid rows are reported by index, phones already in the campaign or ' +
      'repeated in the import are counted in `duplicates`. 409 once the campaign is finished. ' +
      'Body limit 10 MiB.',
  })
  @ApiParam({ name: 'id', type: Number })
  @ApiOkResponse({ type: AutocallImportResponse })
  @ApiErrors(400, 404, 409, 413, 422)
  async importLeads(@Param('id', IntParam) id: number, @Body() dto: ImportAutocallLeadsDto) {
    return { data: await this.autocall.importLeads(id, dto.leads) };
  }

  @Post(':id/start')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Start a draft campaign',
    description: 'Publishes `autocall.campaign.started`; 409 unless draft.',
  })
  @ApiParam({ name: 'id', type: Number })
  @ApiOkResponse({ type: AutocallCampaignResponse })
  @ApiErrors(404, 409)
  start(@Param('id', IntParam) id: number) {
    return this.act(id, 'start');
  }

  @Post(':id/pause')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Pause a running campaign',
    description: 'Publishes `autocall.campaign.paused`; 409 unless running.',
  })
  @ApiParam({ name: 'id', type: Number })
  @ApiOkResponse({ type: AutocallCampaignResponse })
  @ApiErrors(404, 409)
  pause(@Param('id', IntParam) id: number) {
    return this.act(id, 'pause');
  }

  @Post(':id/resume')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Resume a paused campaign',
    description: 'Publishes `autocall.campaign.resumed`; 409 unless paused.',
  })
  @ApiParam({ name: 'id', type: Number })
  @ApiOkResponse({ type: AutocallCampaignResponse })
  @ApiErrors(404, 409)
  resume(@Param('id', IntParam) id: number) {
    return this.act(id, 'resume');
  }

  @Post(':id/finish')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Finish a running or paused campaign',
    description:
      'Publishes `autocall.campaign.finished` with `finished_reason: "manual"`; 409 unless running or paused.',
  })
  @ApiParam({ name: 'id', type: Number })
  @ApiOkResponse({ type: AutocallCampaignResponse })
  @ApiErrors(404, 409)
  finish(@Param('id', IntParam) id: number) {
    return this.act(id, 'finish');
  }

  private async act(id: number, action: LifecycleAction) {
    return this.present(await this.autocall.transition(id, action));
  }

  private async present(campaign: AutocallCampaign) {
    const counts = await this.autocall.counts([campaign.id]);
    return { data: presentAutocallCampaign(campaign, counts.get(campaign.id) ?? EMPTY) };
  }
}
