import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse } from '@nestjs/swagger';
import { AdminController } from '../../admin-openapi';
import { ApiErrors } from '../../openapi';
import { Actor, CurrentActor } from '../../common/actor';
import { UuidParam } from '../../common/uuid.pipe';
import {
  DeliveryDetailEnvelope,
  DeliveryEnvelope,
  DeliveryPage,
  ReplayCountEnvelope,
} from './dto/delivery-response.dto';
import { DeliveryQueryDto, ReplayDeadLettersDto, TestWebhookDto } from './dto/delivery.dto';
import { DeliveryHistory } from './history/delivery-history.service';
import { ReplayService } from './replay.service';
import { TestEventsService } from './test-events.service';

@AdminController('Deliveries')
@Controller('api/admin/deliveries')
export class DeliveriesController {
  constructor(
    private readonly history: DeliveryHistory,
    private readonly replays: ReplayService,
  ) {}

  @Get()
  @ApiOkResponse({ type: DeliveryPage, description: 'Newest first' })
  @ApiErrors(400, 422)
  list(@Query() q: DeliveryQueryDto): Promise<DeliveryPage> {
    return this.history.list(q);
  }

  @Get(':id')
  @ApiOkResponse({ type: DeliveryDetailEnvelope })
  @ApiErrors(404)
  async detail(@Param('id', UuidParam) id: string): Promise<DeliveryDetailEnvelope> {
    return { data: await this.history.detail(id) };
  }

  @Post(':id/replay')
  @HttpCode(202)
  @ApiAcceptedResponse({
    type: DeliveryEnvelope,
    description: 'One more attempt: same delivery id, fresh timestamp and signature',
  })
  @ApiErrors(404, 409)
  async replay(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam) id: string,
  ): Promise<DeliveryEnvelope> {
    return { data: await this.replays.replay(actor, id) };
  }
}

/** The webhook actions that go through deliveries: test events and bulk replays. */
@AdminController('Webhooks')
@Controller('api/admin/webhooks')
export class WebhookDeliveriesController {
  constructor(
    private readonly tests: TestEventsService,
    private readonly replays: ReplayService,
  ) {}

  @Post(':id/test')
  @HttpCode(200)
  @ApiOkResponse({
    type: DeliveryDetailEnvelope,
    description: 'After the single attempt finished',
  })
  @ApiErrors(400, 404, 422)
  async test(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam) id: string,
    @Body() dto: TestWebhookDto,
  ): Promise<DeliveryDetailEnvelope> {
    return { data: await this.tests.send(actor, id, dto.event) };
  }

  @Post(':id/replay-dead-letters')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: ReplayCountEnvelope })
  @ApiErrors(400, 404, 422)
  async replayDeadLetters(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam) id: string,
    @Body() dto: ReplayDeadLettersDto,
  ): Promise<ReplayCountEnvelope> {
    return { data: { count: await this.replays.requestBulk(actor, id, dto.since) } };
  }
}
