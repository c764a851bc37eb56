import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { createRedisClient, type RedisClient } from './redis-connection';

/**
 * One shared ioredis connection (a Cluster client on a Redis Cluster) for sessions, throttles and
 * rate limits. Every command of theirs names one key, so nothing needs a hash tag: their keys
 * spread over every master of a cluster.
 */
@Injectable()
export class RedisService implements OnApplicationShutdown {
  readonly client: RedisClient;
  readonly prefix: string;

  constructor(@Inject(AppConfig) config: AppConfig) {
    this.client = createRedisClient(config, { maxRetriesPerRequest: 2 });
    this.prefix = config.REDIS_PREFIX;
  }

  key(...parts: (string | number)[]): string {
    return [this.prefix, ...parts].join(':');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }
}

@Global()
@Module({ providers: [RedisService], exports: [RedisService] })
export class RedisModule {}
