import { Get } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';
import { AdminController } from '../../admin-openapi';
import { StaleCallsEnvelope } from './dto/stale-calls-response.dto';
import { StaleCallsService } from './stale-calls.service';

/** Console (admin): calls that rang and never ended, as a count plus the oldest few. */
@AdminController('PBX', 'pbx/stale-calls')
export class StaleCallsController {
  constructor(private readonly stale: StaleCallsService) {}

  @Get()
  @ApiOkResponse({ type: StaleCallsEnvelope })
  async summary(): Promise<StaleCallsEnvelope> {
    return { data: await this.stale.summary() };
  }
}
