import type { DynamicModule, Type } from '@nestjs/common';
import type { AppConfig } from './config/app-config';
import { AutocallModule } from './modules/autocall/autocall.module';
import { DeliveriesModule, WebhookPortsModule } from './modules/deliveries/deliveries.module';
import { PbxModule } from './modules/pbx/pbx.module';
import { TelesalesModule } from './modules/telesales/telesales.module';
import { QueueModule } from './platform/queue.module';
import { WorkerModule } from './platform/worker.module';

/** The product's feature modules, and what the role runs in the background (WorkerModule). */
export function featureModules(config: AppConfig): (Type | DynamicModule)[] {
  return [
    QueueModule.forRoot(config),
    DeliveriesModule,
    WebhookPortsModule,
    PbxModule,
    TelesalesModule,
    AutocallModule,
    WorkerModule.forRole(config.ZORIO_ROLE),
  ];
}
