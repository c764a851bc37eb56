import { Module } from '@nestjs/common';
import { AutocallService } from './autocall.service';
import { AutocallCallsController } from './calls.controller';
import { AutocallCampaignsController } from './campaigns.controller';

/** AutoCall: campaigns with a lifecycle, lead imports, the dialer engine's call reports. */
@Module({
  controllers: [AutocallCampaignsController, AutocallCallsController],
  providers: [AutocallService],
})
export class AutocallModule {}
