import { BullModule, getQueueToken } from '@nestjs/bullmq';
import {
  DynamicModule,
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { ConnectionOptions, Queue } from 'bullmq';
import { Cluster } from 'ioredis';
import { closeRedis } from '../common/redis-connection';
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
    if (this.options instanceof Cluster) await closeRedis(this.options);
  }
}

@Global()
@Module({ providers: [BullConnection], exports: [BullConnection] })
class BullConnectionModule {}

/**
 * Logs what a queue reports (Redis away, a cluster refreshing its slots): a queue with no error
 * listener would have Node throw each one, which BullMQ then prints on stderr past the logger.
 */
@Injectable()
class QueueErrorLog implements OnModuleInit {
  private readonly logger = new Logger('Queues');

  constructor(private readonly modules: ModuleRef) {}

  onModuleInit(): void {
    for (const name of Object.values(QueueName)) {
      const queue = this.modules.get<Queue>(getQueueToken(name), { strict: false });
      queue.on('error', (err: Error) => this.logger.warn(`Queue ${name}: ${err.message}`));
    }
  }
}

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
      providers: [QueueErrorLog],
      exports: queues,
    };
  }
}
