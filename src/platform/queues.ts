import type { ConnectionOptions, DefaultJobOptions, WorkerOptions } from 'bullmq';
import { Cluster } from 'ioredis';
import { redisTopology } from '../common/redis-connection';
import type { AppConfig } from '../config/app-config';

/** Every queue of the platform. Payloads of deliveries never live in Redis: PostgreSQL is the backlog. */
export enum QueueName {
  /** One drain job per lane (webhook): job id `lane-<webhook id>`, so signalling twice is harmless. */
  Lanes = 'lanes',
  /** Retention, delivery partitions ahead and bulk replays. */
  Maintenance = 'delivery-maintenance',
}

/** Every job of the platform: queue, name and payload, checked at compile time. */
export interface JobMap {
  [QueueName.Lanes]: { drain: { webhookId: string } };
  [QueueName.Maintenance]: {
    retention: Record<string, never>;
    partitions: Record<string, never>;
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

/**
 * BullMQ's key prefix. On a Redis Cluster it is in braces, a hash tag (`{zorio:bull}`): BullMQ's
 * scripts touch several keys of a queue at once, which a cluster allows only within one hash slot.
 * So every queue key of an install sits in one slot (the lanes queue carries nearly all the queue
 * traffic anyway; one queue cannot span slots). A single server or a Sentinel set keeps the plain
 * prefix, so upgrading an existing install leaves its queues where they are.
 */
export function bullPrefix(config: AppConfig): string {
  const prefix = `${config.REDIS_PREFIX}:bull`;
  return config.REDIS_CLUSTER_NODES ? `{${prefix}}` : prefix;
}

/**
 * BullMQ's connection: options for one server or a Sentinel set (BullMQ opens and closes its own
 * connections from them), a Cluster client on a cluster (BullMQ cannot open one from options;
 * whoever asks closes it, after the queues and workers).
 */
export function bullConnection(config: AppConfig): ConnectionOptions {
  const topology = redisTopology(config, { maxRetriesPerRequest: null });
  return topology.kind === 'cluster'
    ? new Cluster(topology.nodes, topology.options)
    : topology.options;
}
