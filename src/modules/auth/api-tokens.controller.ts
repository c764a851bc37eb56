import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Actor, CurrentActor } from '../../common/actor';
import { UuidParam } from '../../common/uuid.pipe';
import { ApiTokensService } from './api-tokens.service';
import { CreateApiTokenDto } from './dto/api-token.dto';
import { presentApiToken } from './entities/api-token.entity';

@ApiExcludeController()
@Controller('api/admin/api-tokens')
export class ApiTokensController {
  constructor(private readonly tokens: ApiTokensService) {}

  @Get()
  async list() {
    return { data: (await this.tokens.list()).map(presentApiToken) };
  }

  @Post()
  async create(@CurrentActor() actor: Actor, @Body() dto: CreateApiTokenDto) {
    const { token, plain } = await this.tokens.create(actor, dto);
    return { data: presentApiToken(token), token: plain };
  }

  @Delete(':id')
  @HttpCode(204)
  async revoke(@CurrentActor() actor: Actor, @Param('id', UuidParam) id: string): Promise<void> {
    await this.tokens.revoke(actor, id);
  }
}
