import { BullModule, InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { DynamicModule, Inject, Module, OnModuleInit, Provider } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { OutboxRelay } from '../../events/outbox-relay';
import { HealthRegistry } from '../../ops/health.registry';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { DeliveriesController, WebhookDeliveriesController } from './deliveries.controller';
import { DeliveriesService } from './deliveries.service';
import { DeliveryAttemptsService } from './delivery-attempts.service';
import { DeliveryMaintenance, DeliveryMaintenanceProcessor } from './delivery-maintenance';
import { DeliveryMetrics } from './delivery-metrics';
import { DeliveryProcessor } from './delivery.processor';
import { FanOutSubscriber } from './fan-out.subscriber';
import { QUEUES, QueueName, bullConnection } from './queues';

const WORKERS = Symbol('deliveries:workers');

/**
 * Fan-out, sending, retries, history, replay and retention. Every role can enqueue; only worker
 * roles (all, worker) relay the outbox and run the processors and the sweeper.
 */
@Module({})
export class DeliveriesModule implements OnModuleInit {
  constructor(
    @Inject(WORKERS) private readonly workers: boolean,
    private readonly relay: OutboxRelay,
    private readonly fanOut: FanOutSubscriber,
    private readonly health: HealthRegistry,
    @InjectQueue(QueueName.Deliveries) private readonly queue: Queue,
  ) {}

  static forRoot(config: AppConfig): DynamicModule {
    const workerProviders: Provider[] = config.runsWorkers
      ? [DeliveryProcessor, DeliveryMaintenanceProcessor]
      : [];
    return {
      module: DeliveriesModule,
      imports: [
        WebhooksModule,
        BullModule.forRoot({
          connection: bullConnection(config),
          prefix: `${config.REDIS_PREFIX}:bull`,
        }),
        ...Object.values(QueueName).map((name) =>
          BullModule.registerQueue({ name, defaultJobOptions: QUEUES[name].defaultJobOptions }),
        ),
      ],
      controllers: [DeliveriesController, WebhookDeliveriesController],
      providers: [
        { provide: WORKERS, useValue: config.runsWorkers },
        DeliveryMetrics,
        DeliveryAttemptsService,
        DeliveryMaintenance,
        DeliveriesService,
        FanOutSubscriber,
        ...workerProviders,
      ],
      exports: [DeliveriesService],
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
