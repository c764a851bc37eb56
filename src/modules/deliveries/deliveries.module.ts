import { InjectQueue } from '@nestjs/bullmq';
import { Global, Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Queue } from 'bullmq';
import { OutboxRelay } from '../../events/outbox-relay';
import { HealthRegistry } from '../../ops/health.registry';
import { QueueName } from '../../platform/queues';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { WEBHOOK_LIFECYCLE, WEBHOOK_STATS } from '../webhooks/webhooks.service';
import { DeliveriesController, WebhookDeliveriesController } from './deliveries.controller';
import { DeliveryMetrics } from './delivery-metrics';
import { Delivery } from './entities/delivery.entity';
import { DeliveryAttempt } from './entities/delivery-attempt.entity';
import { DeliveryLane } from './entities/delivery-lane.entity';
import { DeliveryOutcomeHour } from './entities/delivery-outcome-hour.entity';
import { FanOutSubscriber } from './fan-out.subscriber';
import { DeliveryHistory } from './history/delivery-history.service';
import { AttemptRecorder } from './lanes/attempt-recorder';
import { AttemptSender } from './lanes/attempt-sender';
import { LaneClaims } from './lanes/lane-claims';
import { LaneDrainer } from './lanes/lane-drainer';
import { LaneSignals } from './lanes/lane-signals';
import { LaneStates } from './lanes/lane-state';
import { LaneSweeper } from './lanes/lane-sweeper';
import { LaneProcessor } from './lanes/lane.processor';
import { LaneRateLimiter } from './lanes/rate-limiter';
import { DeliveryPartitions } from './partitions';
import { ReplayService } from './replay.service';
import { MaintenanceProcessor, Retention } from './retention';
import { TestEventsService } from './test-events.service';
import { DeliveriesOnWebhookChange, WebhookFigures } from './webhook-lifecycle';

/**
 * Fan-out, lanes (claim → sign → send → record), history, replay, test events and retention.
 * Every role can signal lanes and send test events. What runs in the background (the lanes'
 * worker and sweeper, the maintenance jobs) is in LaneWorkersModule and MaintenanceWorkersModule
 * below, which src/platform/worker.module.ts imports in the roles that run them.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([Delivery, DeliveryAttempt, DeliveryLane, DeliveryOutcomeHour]),
    WebhooksModule,
  ],
  controllers: [DeliveriesController, WebhookDeliveriesController],
  providers: [
    DeliveryMetrics,
    LaneClaims,
    AttemptSender,
    AttemptRecorder,
    LaneStates,
    LaneRateLimiter,
    LaneSignals,
    LaneDrainer,
    DeliveryHistory,
    ReplayService,
    TestEventsService,
    DeliveryPartitions,
    Retention,
    FanOutSubscriber,
  ],
  exports: [
    DeliveryHistory,
    DeliveryPartitions,
    LaneDrainer,
    LaneSignals,
    ReplayService,
    Retention,
    WebhooksModule,
  ],
})
export class DeliveriesModule implements OnModuleInit {
  constructor(
    private readonly relay: OutboxRelay,
    private readonly fanOut: FanOutSubscriber,
    private readonly health: HealthRegistry,
    @InjectQueue(QueueName.Lanes) private readonly queue: Queue,
  ) {}

  /** Fan-out subscribes in every role; the relay hands it events only where it runs. */
  onModuleInit(): void {
    this.health.register('queue', async () => {
      await this.queue.getJobCounts('waiting');
      return { status: 'up' };
    });
    this.relay.subscribe(this.fanOut);
  }
}

/**
 * Binds the webhooks module's ports (WEBHOOK_LIFECYCLE, WEBHOOK_STATS) to deliveries. Global, so
 * the webhooks module injects them without importing deliveries: deliveries depends on webhooks,
 * never the other way round.
 */
@Global()
@Module({
  imports: [DeliveriesModule],
  providers: [
    { provide: WEBHOOK_LIFECYCLE, useClass: DeliveriesOnWebhookChange },
    { provide: WEBHOOK_STATS, useClass: WebhookFigures },
  ],
  exports: [WEBHOOK_LIFECYCLE, WEBHOOK_STATS],
})
export class WebhookPortsModule {}

/** The lanes' BullMQ worker (LaneProcessor) and the lane sweeper. */
@Module({ imports: [DeliveriesModule], providers: [LaneProcessor, LaneSweeper] })
export class LaneWorkersModule {}

/**
 * The maintenance queue's worker (retention, partitions ahead, bulk replays) and their schedules.
 */
@Module({ imports: [DeliveriesModule], providers: [MaintenanceProcessor] })
export class MaintenanceWorkersModule {}
