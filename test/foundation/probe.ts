import { Body, Controller, Get, Module, Param, Post, Query } from '@nestjs/common';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { Actor, CurrentActor } from '../../src/common/actor';
import { PageQuery } from '../../src/common/query-dto';
import { NotFound } from '../../src/common/errors';
import { IntParam, UuidParam } from '../../src/common/uuid.pipe';
import { ApiToken } from '../../src/platform/http/access.decorators';

export class ProbeItemDto {
  @IsString()
  @Length(1, 50)
  name!: string;

  @IsInt()
  @Min(1)
  @Max(10)
  count!: number;

  @IsOptional()
  @IsIn(['a', 'b'])
  kind?: string;
}

/**
 * Test-only machine-token routes (the domain modules come later): what the guard lets through and
 * who it says called. Registered through `startApp(env, { features: [ProbeModule] })`.
 */
@Controller('api/test-probe')
export class ProbeController {
  @ApiToken('pbx_api_access')
  @Get('pbx')
  pbx(@CurrentActor() actor: Actor) {
    return { data: { actor } };
  }

  @ApiToken('telesales_api_access')
  @Get('telesales')
  telesales(@CurrentActor() actor: Actor) {
    return { data: { actor } };
  }

  @ApiToken('pbx_api_access')
  @Get('items')
  list(@Query() q: PageQuery) {
    return { data: [], meta: { page: q.page ?? 1, per_page: q.per_page ?? 50, total: 0 } };
  }

  @ApiToken('pbx_api_access')
  @Post('items')
  create(@Body() dto: ProbeItemDto) {
    return { data: { name: dto.name, count: dto.count, kind: dto.kind ?? null } };
  }

  @ApiToken('pbx_api_access')
  @Get('numbered/:id')
  numbered(@Param('id', IntParam) id: number) {
    if (id !== 1000) throw new NotFound(); // the one numbered resource there is
    return { data: { id, type: typeof id } };
  }

  @ApiToken('pbx_api_access')
  @Get('items/:id')
  get(@Param('id', UuidParam) _id: string): never {
    throw new NotFound();
  }
}

@Module({ controllers: [ProbeController] })
export class ProbeModule {}
