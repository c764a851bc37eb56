import { Body, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse } from '@nestjs/swagger';
import { AdminController } from '../../admin-openapi';
import { Actor, CurrentActor } from '../../common/actor';
import { UuidId } from '../../common/uuid.pipe';
import { ApiTokensService } from './api-tokens.service';
import { ApiErrors } from '../../openapi';
import { ApiTokenCreated, ApiTokenList } from './dto/api-token-response.dto';
import { CreateApiTokenDto } from './dto/api-token.dto';
import { presentApiToken } from './entities/api-token.entity';

@AdminController('API tokens', 'api-tokens')
export class ApiTokensController {
  constructor(private readonly tokens: ApiTokensService) {}

  @Get()
  @ApiOkResponse({ type: ApiTokenList })
  async list(): Promise<ApiTokenList> {
    return { data: (await this.tokens.list()).map(presentApiToken) };
  }

  @Post()
  @ApiCreatedResponse({ type: ApiTokenCreated, description: 'The full token is shown once' })
  @ApiErrors(400, 422)
  async create(
    @CurrentActor() actor: Actor,
    @Body() dto: CreateApiTokenDto,
  ): Promise<ApiTokenCreated> {
    const { token, plain } = await this.tokens.create(actor, dto);
    return { data: presentApiToken(token), token: plain };
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Revoked at once' })
  @ApiErrors(404)
  async revoke(@CurrentActor() actor: Actor, @UuidId() id: string): Promise<void> {
    await this.tokens.revoke(actor, id);
  }
}
