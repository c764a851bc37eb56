import type { ConnectionOptions, DefaultJobOptions } from 'bullmq';
import type { AppConfig } from '../../config/app-config';

/** Every queue of the platform, with its options, in one place. */
export enum QueueName {
  /** One job per delivery; job id = delivery id, so enqueueing twice is harmless. */
  Deliveries = 'deliveries',
  /** Sweeps, retention and bulk replays. */
  Maintenance = 'delivery-maintenance',
}

export interface QueueSettings {
  concurrency: number;
  defaultJobOptions: DefaultJobOptions;
}

export const QUEUES: Record<QueueName, QueueSettings> = {
  [QueueName.Deliveries]: {
    // Sending is I/O-bound: many attempts in flight per worker process.
    concurrency: 64,
    defaultJobOptions: {
      // Retries are the delivery's own schedule (the job is moved to delayed); a BullMQ-level
      // retry only covers an infrastructure error (database or Redis away) mid-attempt.
      attempts: 5,
      backoff: { type: 'exponential', delay: 1000 },
      // Job ids must become free again for a replay; history lives in PostgreSQL.
      removeOnComplete: true,
      removeOnFail: true,
    },
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

export const DELIVER_JOB = 'deliver';
export interface DeliverJobData {
  deliveryId: string;
}

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
