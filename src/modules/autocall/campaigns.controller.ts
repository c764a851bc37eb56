import { applyDecorators, Body, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { listPage } from '../../common/paging';
import { PageQuery } from '../../common/query-dto';
import { IntId } from '../../common/uuid.pipe';
import { ApiErrors, ApiIdOperation, ApiPaging, DomainController } from '../../openapi';
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

/** A lifecycle route, `POST :id/<action>`: the campaign after it, or 409 when its status forbids it. */
const Transition = (action: LifecycleAction, summary: string, description: string) =>
  applyDecorators(
    Post(`:id/${action}`),
    HttpCode(200),
    ApiIdOperation({ summary, description }),
    ApiOkResponse({ type: AutocallCampaignResponse }),
    ApiErrors(404, 409),
  );

@DomainController('autocall_api_access', 'AutoCall', 'autocall/campaigns')
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
  list(@Query() query: PageQuery) {
    return listPage(
      query,
      (page, perPage) => this.autocall.listCampaigns(page, perPage),
      async (rows) => {
        const counts = await this.autocall.counts(rows.map((c) => c.id));
        return rows.map((c) => presentAutocallCampaign(c, counts.get(c.id) ?? EMPTY));
      },
    );
  }

  @Get(':id')
  @ApiIdOperation({ summary: 'Get a campaign with its lead counts' })
  @ApiOkResponse({ type: AutocallCampaignResponse })
  @ApiErrors(404)
  async get(@IntId() id: number) {
    return this.present(await this.autocall.getCampaign(id));
  }

  @Get(':id/leads')
  @ApiIdOperation({ summary: "List a campaign's leads", description: 'Oldest first.' })
  @ApiOkResponse({ type: AutocallLeadListResponse })
  @ApiErrors(400, 404)
  @ApiPaging()
  leads(@IntId() id: number, @Query() query: PageQuery) {
    return listPage(
      query,
      (page, perPage) => this.autocall.listLeads(id, page, perPage),
      (rows) => rows.map(presentAutocallLead),
    );
  }

  @Post(':id/leads/import')
  @HttpCode(200)
  @ApiIdOperation({
    summary: 'Import up to 5000 leads',
    description:
      'One transaction. Phones are normalised to `84…` (0912 345 678, +84…, 84…, with spaces, ' +
      'dots or dashes); invalid rows are reported by index, phones already in the campaign or ' +
      'repeated in the import are counted in `duplicates`. 409 once the campaign is finished. ' +
      'Body limit 10 MiB.',
  })
  @ApiOkResponse({ type: AutocallImportResponse })
  @ApiErrors(400, 404, 409, 413, 422)
  async importLeads(@IntId() id: number, @Body() dto: ImportAutocallLeadsDto) {
    return { data: await this.autocall.importLeads(id, dto.leads) };
  }

  @Transition(
    'start',
    'Start a draft campaign',
    'Publishes `autocall.campaign.started`; 409 unless draft.',
  )
  start(@IntId() id: number) {
    return this.act(id, 'start');
  }

  @Transition(
    'pause',
    'Pause a running campaign',
    'Publishes `autocall.campaign.paused`; 409 unless running.',
  )
  pause(@IntId() id: number) {
    return this.act(id, 'pause');
  }

  @Transition(
    'resume',
    'Resume a paused campaign',
    'Publishes `autocall.campaign.resumed`; 409 unless paused.',
  )
  resume(@IntId() id: number) {
    return this.act(id, 'resume');
  }

  @Transition(
    'finish',
    'Finish a running or paused campaign',
    'Publishes `autocall.campaign.finished` with `finished_reason: "manual"`; 409 unless running or paused.',
  )
  finish(@IntId() id: number) {
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
