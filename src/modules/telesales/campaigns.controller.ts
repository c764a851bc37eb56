import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam } from '@nestjs/swagger';
import { PageQuery } from '../../common/query-dto';
import { IntParam } from '../../common/uuid.pipe';
import { ApiErrors, ApiPaging, DomainController } from '../../openapi';
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

@DomainController('telesales_api_access', 'Telesales')
@Controller('api/telesales/campaigns')
export class TelesalesCampaignsController {
  constructor(private readonly telesales: TelesalesService) {}

  @Post()
  @ApiOperation({ summary: 'Create a campaign' })
  @ApiCreatedResponse({ type: TelesalesCampaignResponse })
  @ApiErrors(400, 422)
  async create(@Body() dto: CreateTelesalesCampaignDto) {
    const campaign = await this.telesales.createCampaign(dto);
    return { data: presentTelesalesCampaign(campaign, { total_leads: 0, dialed_leads: 0 }) };
  }

  @Get()
  @ApiOperation({ summary: 'List campaigns', description: 'Newest first.' })
  @ApiOkResponse({ type: TelesalesCampaignListResponse })
  @ApiErrors(400)
  @ApiPaging()
  async list(@Query() query: PageQuery) {
    const page = query.page ?? 1;
    const perPage = query.per_page ?? 50;
    const { rows, total } = await this.telesales.listCampaigns(page, perPage);
    const counts = await this.telesales.counts(rows.map((c) => c.id));
    return {
      data: rows.map((c) =>
        presentTelesalesCampaign(c, counts.get(c.id) ?? { total_leads: 0, dialed_leads: 0 }),
      ),
      meta: { page, per_page: perPage, total },
    };
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a campaign with its lead counts' })
  @ApiParam({ name: 'id', type: Number })
  @ApiOkResponse({ type: TelesalesCampaignResponse })
  @ApiErrors(404)
  async get(@Param('id', IntParam) id: number) {
    const campaign = await this.telesales.getCampaign(id);
    const counts = await this.telesales.counts([id]);
    return {
      data: presentTelesalesCampaign(
        campaign,
        counts.get(id) ?? { total_leads: 0, dialed_leads: 0 },
      ),
    };
  }

  @Get(':id/leads')
  @ApiOperation({ summary: "List a campaign's leads", description: 'Oldest first.' })
  @ApiParam({ name: 'id', type: Number })
  @ApiOkResponse({ type: TelesalesLeadListResponse })
  @ApiErrors(400, 404)
  @ApiPaging()
  async leads(@Param('id', IntParam) id: number, @Query() query: PageQuery) {
    const page = query.page ?? 1;
    const perPage = query.per_page ?? 50;
    const { rows, total } = await this.telesales.listLeads(id, page, perPage);
    return { data: rows.map(leadPayload), meta: { page, per_page: perPage, total } };
  }

  @Post(':id/leads')
  @ApiOperation({
    summary: 'Add a lead',
    description:
      'Publishes `telesales.lead.created`. 409 when the phone (after normalisation) is already ' +
      'in the campaign, or the campaign is completed.',
  })
  @ApiParam({ name: 'id', type: Number })
  @ApiCreatedResponse({ type: TelesalesLeadResponse })
  @ApiErrors(400, 404, 409, 422)
  async createLead(@Param('id', IntParam) id: number, @Body() dto: CreateTelesalesLeadDto) {
    return { data: leadPayload(await this.telesales.createLead(id, dto)) };
  }

  @Post(':id/leads/bulk-import')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Import up to 5000 leads',
    description:
      'One transaction. Invalid rows are reported by index (`invalid`), rows whose phone is ' +
      'already in the campaign or repeated in the import are counted in `duplicates`, every ' +
      'other row is created and publishes `telesales.lead.created`. Body limit 10 MiB.',
  })
  @ApiParam({ name: 'id', type: Number })
  @ApiOkResponse({ type: ImportResponse })
  @ApiErrors(400, 404, 409, 413, 422)
  async bulkImport(@Param('id', IntParam) id: number, @Body() dto: BulkImportTelesalesLeadsDto) {
    return { data: await this.telesales.importLeads(id, dto.leads) };
  }
}
