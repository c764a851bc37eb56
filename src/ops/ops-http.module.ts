import { DynamicModule, INestApplicationContext, Module } from '@nestjs/common';
import { HealthRegistry } from './health.registry';
import { MetricsService } from './metrics';
import { OpsController } from './ops.controller';

/**
 * The worker role's HTTP app: the OpsController alone (`/health/live`, `/health/ready`,
 * `/metrics`), answering with the worker's own readiness checks and metrics registry.
 */
@Module({})
export class OpsHttpModule {
  static of(worker: INestApplicationContext, logging: DynamicModule): DynamicModule {
    return {
      module: OpsHttpModule,
      imports: [logging],
      controllers: [OpsController],
      providers: [
        { provide: HealthRegistry, useValue: worker.get<HealthRegistry>(HealthRegistry) },
        { provide: MetricsService, useValue: worker.get<MetricsService>(MetricsService) },
      ],
    };
  }
}
