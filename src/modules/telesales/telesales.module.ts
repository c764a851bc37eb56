import { Module } from '@nestjs/common';
import { TelesalesCampaignsController } from './campaigns.controller';
import { TelesalesLeadsController } from './leads.controller';
import { TelesalesService } from './telesales.service';

/** Telesales: campaigns, leads, dispositions. Owns the `telesales_*` tables. */
@Module({
  controllers: [TelesalesCampaignsController, TelesalesLeadsController],
  providers: [TelesalesService],
})
export class TelesalesModule {}
