import { Processor, WorkerHost } from '@nestjs/bullmq';
import { DelayedError, Job } from 'bullmq';
import { DeliveryAttemptsService } from './delivery-attempts.service';
import { DeliverJobData, QUEUES, QueueName } from './queues';

/** Sends deliveries (worker role). A retry moves the same job (id = delivery id) to delayed. */
@Processor(QueueName.Deliveries, { concurrency: QUEUES[QueueName.Deliveries].concurrency })
export class DeliveryProcessor extends WorkerHost {
  constructor(private readonly attempts: DeliveryAttemptsService) {
    super();
  }

  async process(job: Job<DeliverJobData>, token?: string): Promise<void> {
    const outcome = await this.attempts.attempt(job.data.deliveryId);
    if ((outcome.kind === 'retry' || outcome.kind === 'held') && token) {
      await job.moveToDelayed(outcome.at.getTime(), token);
      throw new DelayedError();
    }
  }
}
