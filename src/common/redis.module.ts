import {
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import { Cluster } from 'ioredis';
import { AppConfig } from '../config/app-config';
import { closeRedis, createRedisClient, type RedisClient } from './redis-connection';

/** How long boot waits for a Redis Cluster to be ready before serving anyway (health says down). */
const CLUSTER_READY_MS = 10_000;

/**
 * One shared ioredis connection (a Cluster client on a Redis Cluster) for sessions, throttles and
 * rate limits. Every command of theirs names one key, so nothing needs a hash tag: their keys
 * spread over every master of a cluster.
 *
 * A command fails rather than waits while Redis is away: one server's connection retries it twice
 * (`maxRetriesPerRequest`); a Cluster client holds no offline queue (it would keep a request
 * waiting until the whole cluster is back), so boot waits until it is ready.
 */
@Injectable()
export class RedisService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Redis');
  readonly client: RedisClient;
  readonly prefix: string;

  constructor(@Inject(AppConfig) config: AppConfig) {
    this.client = createRedisClient(
      config,
      { maxRetriesPerRequest: 2 },
      { enableOfflineQueue: false },
    );
    this.prefix = config.REDIS_PREFIX;
    this.client.on('error', (err: Error) => this.logger.warn(`Redis: ${err.message}`));
  }

  key(...parts: (string | number)[]): string {
    return [this.prefix, ...parts].join(':');
  }

  async onModuleInit(): Promise<void> {
    const cluster = this.client;
    if (!(cluster instanceof Cluster) || cluster.status === 'ready') return;
    let timer: NodeJS.Timeout | undefined;
    const ready = await new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), CLUSTER_READY_MS);
      cluster.once('ready', () => resolve(true));
    });
    clearTimeout(timer);
    if (!ready) this.logger.warn(`The Redis Cluster is not ready after ${CLUSTER_READY_MS} ms`);
  }

  async onApplicationShutdown(): Promise<void> {
    await closeRedis(this.client);
  }
}

@Global()
@Module({ providers: [RedisService], exports: [RedisService] })
export class RedisModule {}
