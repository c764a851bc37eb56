import { BullModule } from '@nestjs/bullmq';
import {
  DynamicModule,
  Global,
  Inject,
  Injectable,
  Module,
  OnApplicationShutdown,
} from '@nestjs/common';
import type { ConnectionOptions } from 'bullmq';
import { Cluster } from 'ioredis';
import { AppConfig } from '../config/app-config';
import { QUEUES, QueueName, bullConnection, bullPrefix } from './queues';

/**
 * BullMQ's connection, and on a Redis Cluster the owner of the Cluster client every queue and
 * worker shares (workers duplicate it for their blocking reads and close those themselves).
 * Its module is global and found before BullMQ's own, so Nest shuts it down after them: the
 * client is closed once the workers have finished their jobs and the queues are closed.
 */
@Injectable()
export class BullConnection implements OnApplicationShutdown {
  readonly options: ConnectionOptions;

  constructor(@Inject(AppConfig) config: AppConfig) {
    this.options = bullConnection(config);
  }

  async onApplicationShutdown(): Promise<void> {
    const cluster = this.options;
    if (cluster instanceof Cluster) await cluster.quit().catch(() => cluster.disconnect());
  }
}

@Global()
@Module({ providers: [BullConnection], exports: [BullConnection] })
class BullConnectionModule {}

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
        BullModule.forRootAsync({
          imports: [BullConnectionModule],
          inject: [BullConnection],
          useFactory: (c: BullConnection) => ({
            connection: c.options,
            prefix: bullPrefix(config),
          }),
        }),
        ...queues,
      ],
      exports: queues,
    };
  }
}
