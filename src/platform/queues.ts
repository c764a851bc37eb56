import type { ConnectionOptions, DefaultJobOptions, WorkerOptions } from 'bullmq';
import type { AppConfig } from '../config/app-config';

/** Every queue of the platform. Payloads of deliveries never live in Redis: PostgreSQL is the backlog. */
export enum QueueName {
  /** One drain job per lane (webhook): job id `lane-<webhook id>`, so signalling twice is harmless. */
  Lanes = 'lanes',
  /** Retention and bulk replays. */
  Maintenance = 'delivery-maintenance',
}

/** Every job of the platform: queue, name and payload, checked at compile time. */
export interface JobMap {
  [QueueName.Lanes]: { drain: { webhookId: string } };
  [QueueName.Maintenance]: {
    retention: Record<string, never>;
    'bulk-replay': { webhookId: string; since: string; until: string };
  };
}

export interface QueueSettings {
  /** Jobs one worker process runs at once. */
  concurrency: number;
  defaultJobOptions: DefaultJobOptions;
  worker?: Partial<WorkerOptions>;
}

export const QUEUES: Record<QueueName, QueueSettings> = {
  [QueueName.Lanes]: {
    // A lane holds one slot while it drains (with at most its max_in_flight requests open), and
    // gives it back after a time slice: a hanging customer holds one slot, never the others'.
    concurrency: 64,
    defaultJobOptions: {
      // A drain that failed (the database away) is re-signalled by the sweeper.
      attempts: 1,
      removeOnComplete: true,
      removeOnFail: true,
    },
    // A killed worker's lane is back within seconds, not the default 30 s.
    worker: { lockDuration: 10_000, stalledInterval: 5_000, maxStalledCount: 1_000 },
  },
  [QueueName.Maintenance]: {
    concurrency: 1,
    defaultJobOptions: {
      attempts: 3,
      backoff: { type: 'exponential', delay: 5000 },
      removeOnComplete: { count: 100 },
      removeOnFail: { count: 100 },
    },
  },
};

/** ioredis options from REDIS_URL (BullMQ needs its own connections). */
export function bullConnection(config: AppConfig): ConnectionOptions {
  const url = new URL(config.REDIS_URL);
  return {
    host: url.hostname || '127.0.0.1',
    port: url.port ? Number(url.port) : 6379,
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: url.pathname && url.pathname !== '/' ? Number(url.pathname.slice(1)) : 0,
    tls: url.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: null,
  };
}
