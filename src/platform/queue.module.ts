import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { QUEUES, QueueName, bullConnection } from './queues';

/** The BullMQ connection and every queue of the platform, registered once. */
@Module({})
export class QueueModule {
  static forRoot(config: AppConfig): DynamicModule {
    const queues = Object.values(QueueName).map((name) =>
      BullModule.registerQueue({ name, defaultJobOptions: QUEUES[name].defaultJobOptions }),
    );
    return {
      module: QueueModule,
      global: true,
      imports: [
        BullModule.forRoot({
          connection: bullConnection(config),
          prefix: `${config.REDIS_PREFIX}:bull`,
        }),
        ...queues,
      ],
      exports: queues,
    };
  }
}
