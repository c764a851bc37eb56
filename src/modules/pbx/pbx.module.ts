import { Module } from '@nestjs/common';
import { CdrController } from './cdr.controller';
import { CdrService } from './cdr.service';
import { PbxCallsService } from './pbx-calls.service';
import { PbxEslListener } from './pbx-esl.listener';

/**
 * PBX: live call events from FreeSWITCH's event socket (worker roles, when PBX_ESL_HOST is set)
 * and the CDR pipeline (`/api/pbx/cdr`). Owns `pbx_calls` and `pbx_cdrs`.
 */
@Module({
  controllers: [CdrController],
  providers: [PbxCallsService, PbxEslListener, CdrService],
})
export class PbxModule {}
