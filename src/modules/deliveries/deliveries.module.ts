import { InjectQueue } from '@nestjs/bullmq';
import { DynamicModule, Inject, Module, OnModuleInit, Provider } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { AppConfig } from '../../config/app-config';
import { OutboxRelay } from '../../events/outbox-relay';
import { HealthRegistry } from '../../ops/health.registry';
import { QueueName } from '../../platform/queues';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { DeliveriesController, WebhookDeliveriesController } from './deliveries.controller';
import { DeliveryMetrics } from './delivery-metrics';
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
import { ReplayService } from './replay.service';
import { MaintenanceProcessor, Retention } from './retention';
import { TestEventsService } from './test-events.service';
import { WebhookLifecycle } from './webhook-lifecycle';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Delivery } from './entities/delivery.entity';
import { DeliveryAttempt } from './entities/delivery-attempt.entity';
import { DeliveryLane } from './entities/delivery-lane.entity';

const WORKERS = Symbol('deliveries:workers');

/**
 * Fan-out, lanes (claim → sign → send → record), history, replay, test events and retention.
 * Every role can signal lanes and send test events; only worker roles (all, worker) relay the
 * outbox, drain lanes, sweep and run the maintenance jobs.
 */
@Module({})
export class DeliveriesModule implements OnModuleInit {
  constructor(
    @Inject(WORKERS) private readonly workers: boolean,
    private readonly relay: OutboxRelay,
    private readonly fanOut: FanOutSubscriber,
    private readonly health: HealthRegistry,
    @InjectQueue(QueueName.Lanes) private readonly queue: Queue,
  ) {}

  static forRoot(config: AppConfig): DynamicModule {
    const workerProviders: Provider[] = config.runsWorkers
      ? [LaneProcessor, LaneSweeper, MaintenanceProcessor]
      : [];
    return {
      module: DeliveriesModule,
      imports: [
        TypeOrmModule.forFeature([Delivery, DeliveryAttempt, DeliveryLane]),
        WebhooksModule,
      ],
      controllers: [DeliveriesController, WebhookDeliveriesController],
      providers: [
        { provide: WORKERS, useValue: config.runsWorkers },
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
        Retention,
        FanOutSubscriber,
        WebhookLifecycle,
        ...workerProviders,
      ],
      exports: [DeliveryHistory],
    };
  }

  onModuleInit(): void {
    this.health.register('queue', async () => {
      await this.queue.getJobCounts('waiting');
      return { status: 'up' };
    });
    if (!this.workers) return;
    this.relay.subscribe(this.fanOut);
    this.relay.enable();
  }
}
