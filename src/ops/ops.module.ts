import { Global, Inject, Module, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { RedisService } from '../common/redis.module';
import { HealthRegistry } from './health.registry';
import { MetricsService } from './metrics';
import { OpsController } from './ops.controller';

@Global()
@Module({
  controllers: [OpsController],
  providers: [HealthRegistry, MetricsService],
  exports: [HealthRegistry, MetricsService],
})
export class OpsModule implements OnModuleInit {
  constructor(
    @Inject(HealthRegistry) private readonly health: HealthRegistry,
    @InjectDataSource() private readonly db: DataSource,
    private readonly redis: RedisService,
  ) {}

  onModuleInit(): void {
    this.health.register('database', async () => {
      await this.db.query('SELECT 1');
      return { status: 'up' };
    });
    this.health.register('redis', async () => {
      await this.redis.client.ping();
      return { status: 'up' };
    });
  }
}
