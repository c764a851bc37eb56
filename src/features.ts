import type { DynamicModule, Type } from '@nestjs/common';
import type { AppConfig } from './config/app-config';

/** The product's feature modules for a role; each decides what it runs in that role. */
export function featureModules(_config: AppConfig): (Type | DynamicModule)[] {
  return [];
}
