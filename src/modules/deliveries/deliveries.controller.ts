import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Actor, CurrentActor } from '../../common/actor';
import { UuidParam } from '../../common/uuid.pipe';
import { TestWebhookDto } from '../webhooks/dto/webhook.dto';
import { DeliveriesService } from './deliveries.service';
import { DeliveryQueryDto, ReplayDeadLettersDto } from './dto/delivery.dto';

@ApiExcludeController()
@Controller('api/admin/deliveries')
export class DeliveriesController {
  constructor(private readonly deliveries: DeliveriesService) {}

  @Get()
  list(@Query() q: DeliveryQueryDto) {
    return this.deliveries.list(q);
  }

  @Get(':id')
  async detail(@Param('id', UuidParam) id: string) {
    return { data: await this.deliveries.detail(id) };
  }

  @Post(':id/replay')
  @HttpCode(202)
  async replay(@CurrentActor() actor: Actor, @Param('id', UuidParam) id: string) {
    return { data: await this.deliveries.replay(actor, id) };
  }
}

/** The webhook actions that go through deliveries: test events and bulk replays. */
@ApiExcludeController()
@Controller('api/admin/webhooks')
export class WebhookDeliveriesController {
  constructor(private readonly deliveries: DeliveriesService) {}

  @Post(':id/test')
  @HttpCode(200)
  async test(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam) id: string,
    @Body() dto: TestWebhookDto,
  ) {
    return { data: await this.deliveries.sendTest(actor, id, dto.event) };
  }

  @Post(':id/replay-dead-letters')
  @HttpCode(202)
  async replayDeadLetters(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam) id: string,
    @Body() dto: ReplayDeadLettersDto,
  ) {
    return { data: { count: await this.deliveries.replayDeadLetters(actor, id, dto.since) } };
  }
}
