import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Actor, CurrentActor } from '../../common/actor';
import { UuidParam } from '../../common/uuid.pipe';
import { DeliveryQueryDto, ReplayDeadLettersDto, TestWebhookDto } from './dto/delivery.dto';
import { DeliveryHistory } from './history/delivery-history.service';
import { ReplayService } from './replay.service';
import { TestEventsService } from './test-events.service';

@ApiExcludeController()
@Controller('api/admin/deliveries')
export class DeliveriesController {
  constructor(
    private readonly history: DeliveryHistory,
    private readonly replays: ReplayService,
  ) {}

  @Get()
  list(@Query() q: DeliveryQueryDto) {
    return this.history.list(q);
  }

  @Get(':id')
  async detail(@Param('id', UuidParam) id: string) {
    return { data: await this.history.detail(id) };
  }

  @Post(':id/replay')
  @HttpCode(202)
  async replay(@CurrentActor() actor: Actor, @Param('id', UuidParam) id: string) {
    return { data: await this.replays.replay(actor, id) };
  }
}

/** The webhook actions that go through deliveries: test events and bulk replays. */
@ApiExcludeController()
@Controller('api/admin/webhooks')
export class WebhookDeliveriesController {
  constructor(
    private readonly tests: TestEventsService,
    private readonly replays: ReplayService,
  ) {}

  @Post(':id/test')
  @HttpCode(200)
  async test(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam) id: string,
    @Body() dto: TestWebhookDto,
  ) {
    return { data: await this.tests.send(actor, id, dto.event) };
  }

  @Post(':id/replay-dead-letters')
  @HttpCode(202)
  async replayDeadLetters(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam) id: string,
    @Body() dto: ReplayDeadLettersDto,
  ) {
    return { data: { count: await this.replays.requestBulk(actor, id, dto.since) } };
  }
}
