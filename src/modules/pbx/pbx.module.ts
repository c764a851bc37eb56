import { Module } from '@nestjs/common';
import { CallCloser } from './call-closer';
import { CdrController } from './cdr.controller';
import { CdrService } from './cdr.service';
import { PbxCallsService } from './pbx-calls.service';
import { PbxEslListener } from './pbx-esl.listener';
import { PbxMetrics } from './pbx-metrics';
import { StaleCallsController } from './stale-calls.controller';
import { StaleCallsService } from './stale-calls.service';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PbxCall } from './entities/pbx-call.entity';
import { PbxCdr } from './entities/pbx-cdr.entity';

/**
 * PBX: live call events from FreeSWITCH's event socket (worker roles, when PBX_ESL_HOST is set)
 * and the CDR pipeline (`/api/pbx/cdr`). Owns `pbx_calls` and `pbx_cdrs`.
 */
@Module({
  imports: [TypeOrmModule.forFeature([PbxCall, PbxCdr])],
  controllers: [CdrController, StaleCallsController],
  providers: [
    PbxCallsService,
    PbxEslListener,
    CdrService,
    CallCloser,
    StaleCallsService,
    PbxMetrics,
  ],
})
export class PbxModule {}
