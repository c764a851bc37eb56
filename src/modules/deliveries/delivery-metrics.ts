import { Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { Counter, Gauge, Histogram } from 'prom-client';
import { OutboxRelay } from '../../events/outbox-relay';
import { MetricsService } from '../../ops/metrics';
import { QueueName } from '../../platform/queues';

@Injectable()
export class DeliveryMetrics {
  readonly outcomes: Counter<'event' | 'outcome'>;
  readonly attemptDuration: Histogram<'outcome'>;

  constructor(
    metrics: MetricsService,
    relay: OutboxRelay,
    @InjectQueue(QueueName.Lanes) queue: Queue,
  ) {
    const registers = [metrics.registry];
    this.outcomes = new Counter({
      name: 'zorio_delivery_attempts_total',
      help: 'Delivery attempts by event and outcome (succeeded, failed, dead_letter, cancelled)',
      labelNames: ['event', 'outcome'] as const,
      registers,
    });
    this.attemptDuration = new Histogram({
      name: 'zorio_delivery_attempt_duration_seconds',
      help: 'Duration of one delivery attempt, by outcome',
      labelNames: ['outcome'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    new Gauge({
      name: 'zorio_delivery_queue_depth',
      help: 'Lane drain jobs by state (waiting: lanes with work for a free slot; active: draining; delayed: sleeping until a retry)',
      labelNames: ['state'] as const,
      registers,
      async collect() {
        const counts = await queue.getJobCounts('waiting', 'delayed', 'active', 'prioritized');
        for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
      },
    });
    new Gauge({
      name: 'zorio_outbox_lag_seconds',
      help: "Age of the oldest unpublished event in the outbox (0 when it's empty)",
      registers,
      async collect() {
        this.set(await relay.lagSeconds());
      },
    });
  }
}
