import { Controller, Get } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { StaleCallsService } from './stale-calls.service';

/** Console (admin): calls that rang and never ended, as a count plus the oldest few. */
@ApiExcludeController()
@Controller('api/admin/pbx/stale-calls')
export class StaleCallsController {
  constructor(private readonly stale: StaleCallsService) {}

  @Get()
  async summary() {
    return { data: await this.stale.summary() };
  }
}
