import { Module } from '@nestjs/common';
import { TelesalesCampaignsController } from './campaigns.controller';
import { TelesalesLeadsController } from './leads.controller';
import { TelesalesService } from './telesales.service';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TelesalesCampaign } from './entities/telesales-campaign.entity';
import { TelesalesDisposition } from './entities/telesales-disposition.entity';
import { TelesalesLead } from './entities/telesales-lead.entity';

/** Telesales: campaigns, leads, dispositions. Owns the `telesales_*` tables. */
@Module({
  imports: [TypeOrmModule.forFeature([TelesalesCampaign, TelesalesDisposition, TelesalesLead])],
  controllers: [TelesalesCampaignsController, TelesalesLeadsController],
  providers: [TelesalesService],
})
export class TelesalesModule {}
