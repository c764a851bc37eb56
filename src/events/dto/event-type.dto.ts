import { ApiProperty } from '@nestjs/swagger';
import { ApiJsonObject, ListOf } from '../../admin-openapi';
import type { EventModule } from '../catalogue';

const MODULES: EventModule[] = ['pbx', 'telesales', 'autocall'];

/** A catalogue event type (see docs/receiver-guide.md) with a full sample envelope. */
export class EventTypeResponse {
  @ApiProperty({ example: 'pbx.call.ended' }) name!: string;
  @ApiProperty({ enum: MODULES, enumName: 'EventModule' }) module!: EventModule;
  @ApiProperty() description!: string;
  @ApiJsonObject(false, { description: 'A full envelope, as test events send it' })
  sample!: Record<string, unknown>;
}
export class EventTypeList extends ListOf(EventTypeResponse) {}
