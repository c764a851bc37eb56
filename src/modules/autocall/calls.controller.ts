import { Body, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiErrors, DomainController } from '../../openapi';
import { AutocallService } from './autocall.service';
import { AutocallCallResponse, CallEventDto } from './dto/call-event.dto';
import { presentAutocallCall } from './entities/autocall-call.entity';

@DomainController('autocall_api_access', 'AutoCall', 'autocall/calls')
export class AutocallCallsController {
  constructor(private readonly autocall: AutocallService) {}

  @Post('events')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Report a call event (dialer engine)',
    description:
      '`dialed` → `autocall.lead.dialed` (campaign must be running; needs `caller_id`), ' +
      '`answered` → `autocall.lead.answered`, `dtmf` → `autocall.lead.dtmf_pressed` (one per ' +
      'key press; needs `digit`), `transferred` → `autocall.lead.transferred` (needs ' +
      '`queue_name`), `completed` → marks the lead done and, when no lead of the campaign is ' +
      'left pending, finishes it (`autocall.campaign.finished`, `finished_reason: ' +
      '"all_leads_done"`). Repeating dialed/answered/transferred/completed for a call is a no-op. ' +
      '409 when the call was not dialed first, has ended, or the campaign is not running.',
  })
  @ApiOkResponse({ type: AutocallCallResponse })
  @ApiErrors(400, 409, 422)
  async report(@Body() dto: CallEventDto) {
    return { data: presentAutocallCall(await this.autocall.callEvent(dto)) };
  }
}
