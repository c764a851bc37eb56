import { Module, OnModuleInit } from '@nestjs/common';
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
 * PBX: live call events from FreeSWITCH's event socket (roles that run it, when PBX_ESL_HOST is set)
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
  exports: [PbxEslListener],
})
export class PbxModule {}

/** Runs the event socket client (PbxEslListener) in the roles whose WorkerModule imports this. */
@Module({ imports: [PbxModule] })
export class PbxEslClientModule implements OnModuleInit {
  constructor(private readonly listener: PbxEslListener) {}

  onModuleInit(): void {
    this.listener.enable();
  }
}
