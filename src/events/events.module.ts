import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventSequence } from './entities/event-sequence.entity';
import { OutboxEvent } from './entities/outbox-event.entity';
import { EventBus } from './event-bus';
import { EventTypesController } from './event-types.controller';
import { OutboxRelay } from './outbox-relay';
import { OutboxRetention } from './outbox-retention';

/** The internal event bus: catalogue, typed publish, outbox relay. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([OutboxEvent, EventSequence])],
  controllers: [EventTypesController],
  providers: [EventBus, OutboxRelay, OutboxRetention],
  exports: [EventBus, OutboxRelay, OutboxRetention],
})
export class EventsModule {}
