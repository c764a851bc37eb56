import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { OutboxEvent } from './entities/outbox-event.entity';

/** The events module's retention: published outbox rows older than a cutoff go. */
@Injectable()
export class OutboxRetention {
  constructor(@InjectRepository(OutboxEvent) private readonly outbox: Repository<OutboxEvent>) {}

  /**
   * Deletes published events that occurred before `cutoff`, `batch` rows per statement so no
   * statement holds locks for long; unpublished rows are kept whatever their age. Returns the
   * number deleted.
   */
  async purgePublishedBefore(cutoff: Date, batch = 1000): Promise<number> {
    let total = 0;
    for (;;) {
      const res: [unknown[], number] = await this.outbox.query(
        `DELETE FROM outbox_events WHERE id IN (
           SELECT id FROM outbox_events
            WHERE occurred_at < $1 AND published_at IS NOT NULL ORDER BY occurred_at LIMIT $2)`,
        [cutoff, batch],
      );
      total += res[1];
      if (res[1] < batch) return total;
    }
  }
}
