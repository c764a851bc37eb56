import { Module } from '@nestjs/common';
import { AutocallService } from './autocall.service';
import { AutocallCallsController } from './calls.controller';
import { AutocallCampaignsController } from './campaigns.controller';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AutocallCall } from './entities/autocall-call.entity';
import { AutocallCampaign } from './entities/autocall-campaign.entity';
import { AutocallLead } from './entities/autocall-lead.entity';

/** AutoCall: campaigns with a lifecycle, lead imports, the dialer engine's call reports. */
@Module({
  imports: [TypeOrmModule.forFeature([AutocallCall, AutocallCampaign, AutocallLead])],
  controllers: [AutocallCampaignsController, AutocallCallsController],
  providers: [AutocallService],
})
export class AutocallModule {}
