import { Global, Module } from '@nestjs/common';
import { EventBus } from './event-bus';
import { EventTypesController } from './event-types.controller';
import { OutboxRelay } from './outbox-relay';

/** The internal event bus: catalogue, typed publish, outbox relay. */
@Global()
@Module({
  controllers: [EventTypesController],
  providers: [EventBus, OutboxRelay],
  exports: [EventBus, OutboxRelay],
})
export class EventsModule {}
