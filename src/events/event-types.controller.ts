import { Controller, Get } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { AppConfig } from '../config/app-config';
import { EVENT_NAMES, EVENT_TYPES } from './catalogue';

@ApiExcludeController()
@Controller('api/admin/event-types')
export class EventTypesController {
  constructor(private readonly config: AppConfig) {}

  @Get()
  list() {
    return {
      data: EVENT_NAMES.map((name) => {
        const t = EVENT_TYPES[name];
        return {
          name,
          module: t.module,
          description: t.description,
          sample: {
            event: name,
            timestamp: '2026-06-29T03:30:12Z',
            tenant_id: this.config.TENANT_ID,
            data: t.sample,
          },
        };
      }),
    };
  }
}
