import type { DynamicModule, Type } from '@nestjs/common';
import type { AppConfig } from './config/app-config';
import { AutocallModule } from './modules/autocall/autocall.module';
import { DeliveriesModule } from './modules/deliveries/deliveries.module';
import { PbxModule } from './modules/pbx/pbx.module';
import { TelesalesModule } from './modules/telesales/telesales.module';
import { QueueModule } from './platform/queue.module';

/** The product's feature modules for a role; each decides what it runs in that role. */
export function featureModules(config: AppConfig): (Type | DynamicModule)[] {
  return [
    QueueModule.forRoot(config),
    DeliveriesModule.forRoot(config),
    PbxModule,
    TelesalesModule,
    AutocallModule,
  ];
}
