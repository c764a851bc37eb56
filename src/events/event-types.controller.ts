import { Get } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';
import { AdminController } from '../admin-openapi';
import { AppConfig } from '../config/app-config';
import { EVENT_NAMES, EVENT_TYPES } from './catalogue';
import { EventTypeList } from './dto/event-type.dto';

@AdminController('Event types', 'event-types')
export class EventTypesController {
  constructor(private readonly config: AppConfig) {}

  @Get()
  @ApiOkResponse({ type: EventTypeList, description: 'The event catalogue' })
  list(): EventTypeList {
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
