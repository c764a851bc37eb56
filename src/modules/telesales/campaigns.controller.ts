import { Body, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { listPage } from '../../common/paging';
import { PageQuery } from '../../common/query-dto';
import { IntId } from '../../common/uuid.pipe';
import { ApiErrors, ApiIdOperation, ApiPaging, DomainController } from '../../openapi';
import {
  CreateTelesalesCampaignDto,
  TelesalesCampaignListResponse,
  TelesalesCampaignResponse,
} from './dto/campaign.dto';
import {
  BulkImportTelesalesLeadsDto,
  CreateTelesalesLeadDto,
  ImportResponse,
  TelesalesLeadListResponse,
  TelesalesLeadResponse,
} from './dto/lead.dto';
import { presentTelesalesCampaign } from './entities/telesales-campaign.entity';
import { leadPayload } from './entities/telesales-lead.entity';
import { TelesalesService } from './telesales.service';

/** The counts of a campaign with no lead yet. */
const NO_LEADS = { total_leads: 0, dialed_leads: 0 };

@DomainController('telesales_api_access', 'Telesales', 'telesales/campaigns')
export class TelesalesCampaignsController {
  constructor(private readonly telesales: TelesalesService) {}

  @Post()
  @ApiOperation({ summary: 'Create a campaign' })
  @ApiCreatedResponse({ type: TelesalesCampaignResponse })
  @ApiErrors(400, 422)
  async create(@Body() dto: CreateTelesalesCampaignDto) {
    const campaign = await this.telesales.createCampaign(dto);
    return { data: presentTelesalesCampaign(campaign, NO_LEADS) };
  }

  @Get()
  @ApiOperation({ summary: 'List campaigns', description: 'Newest first.' })
  @ApiOkResponse({ type: TelesalesCampaignListResponse })
  @ApiErrors(400)
  @ApiPaging()
  list(@Query() query: PageQuery) {
    return listPage(
      query,
      (page, perPage) => this.telesales.listCampaigns(page, perPage),
      async (rows) => {
        const counts = await this.telesales.counts(rows.map((c) => c.id));
        return rows.map((c) => presentTelesalesCampaign(c, counts.get(c.id) ?? NO_LEADS));
      },
    );
  }

  @Get(':id')
  @ApiIdOperation({ summary: 'Get a campaign with its lead counts' })
  @ApiOkResponse({ type: TelesalesCampaignResponse })
  @ApiErrors(404)
  async get(@IntId() id: number) {
    const campaign = await this.telesales.getCampaign(id);
    const counts = await this.telesales.counts([id]);
    return { data: presentTelesalesCampaign(campaign, counts.get(id) ?? NO_LEADS) };
  }

  @Get(':id/leads')
  @ApiIdOperation({ summary: "List a campaign's leads", description: 'Oldest first.' })
  @ApiOkResponse({ type: TelesalesLeadListResponse })
  @ApiErrors(400, 404)
  @ApiPaging()
  leads(@IntId() id: number, @Query() query: PageQuery) {
    return listPage(
      query,
      (page, perPage) => this.telesales.listLeads(id, page, perPage),
      (rows) => rows.map(leadPayload),
    );
  }

  @Post(':id/leads')
  @ApiIdOperation({
    summary: 'Add a lead',
    description:
      'Publishes `telesales.lead.created`. 409 when the phone (after normalisation) is already ' +
      'in the campaign, or the campaign is completed.',
  })
  @ApiCreatedResponse({ type: TelesalesLeadResponse })
  @ApiErrors(400, 404, 409, 422)
  async createLead(@IntId() id: number, @Body() dto: CreateTelesalesLeadDto) {
    return { data: leadPayload(await this.telesales.createLead(id, dto)) };
  }

  @Post(':id/leads/bulk-import')
  @HttpCode(200)
  @ApiIdOperation({
    summary: 'Import up to 5000 leads',
    description:
      'One transaction. Invalid rows are reported by index (`invalid`), rows whose phone is ' +
      'already in the campaign or repeated in the import are counted in `duplicates`, every ' +
      'other row is created and publishes `telesales.lead.created`. Body limit 10 MiB.',
  })
  @ApiOkResponse({ type: ImportResponse })
  @ApiErrors(400, 404, 409, 413, 422)
  async bulkImport(@IntId() id: number, @Body() dto: BulkImportTelesalesLeadsDto) {
    return { data: await this.telesales.importLeads(id, dto.leads) };
  }
}
