import { Body, Get, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse } from '@nestjs/swagger';
import { IntId } from '../../common/uuid.pipe';
import { ApiErrors, ApiIdOperation, DomainController } from '../../openapi';
import {
  CreateDispositionDto,
  DispositionResponse,
  TelesalesLeadResponse,
  UpdateTelesalesLeadDto,
} from './dto/lead.dto';
import { dispositionPayload } from './entities/telesales-disposition.entity';
import { leadPayload } from './entities/telesales-lead.entity';
import { TelesalesService } from './telesales.service';

@DomainController('telesales_api_access', 'Telesales', 'telesales/leads')
export class TelesalesLeadsController {
  constructor(private readonly telesales: TelesalesService) {}

  @Get(':id')
  @ApiIdOperation({ summary: 'Get a lead' })
  @ApiOkResponse({ type: TelesalesLeadResponse })
  @ApiErrors(404)
  async get(@IntId() id: number) {
    return { data: leadPayload(await this.telesales.getLead(id)) };
  }

  @Patch(':id')
  @ApiIdOperation({
    summary: 'Update a lead',
    description:
      'Publishes `telesales.lead.updated` (with `changed_fields`) only when something changed.',
  })
  @ApiOkResponse({ type: TelesalesLeadResponse })
  @ApiErrors(400, 404, 422)
  async update(@IntId() id: number, @Body() dto: UpdateTelesalesLeadDto) {
    return { data: leadPayload(await this.telesales.updateLead(id, dto)) };
  }

  @Post(':id/dispositions')
  @ApiIdOperation({
    summary: 'Set the outcome of a call',
    description:
      'Publishes `telesales.call.disposed`, `telesales.lead.updated` when the lead’s status or ' +
      'disposition changed, and `telesales.campaign.completed` (once) when every lead of the ' +
      'campaign has now been dialed. 409 when this call already has a disposition for the lead.',
  })
  @ApiCreatedResponse({ type: DispositionResponse })
  @ApiErrors(400, 404, 409, 422)
  async dispose(@IntId() id: number, @Body() dto: CreateDispositionDto) {
    const { disposition, lead } = await this.telesales.dispose(id, dto);
    return { data: { ...dispositionPayload(disposition), lead: leadPayload(lead) } };
  }
}
