/**
 * Redis memory: the server's `used_memory` (INFO memory), sampled while a scenario runs, and the
 * bytes held by the keys of the run's prefix (MEMORY USAGE of each), which other users of a shared
 * Redis do not move.
 */
import Redis from 'ioredis';
import { round } from './stats';

const MB = 1048576;

export async function usedMemoryMb(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return round(Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0) / MB);
}

/** Keys of the prefix (matched anywhere in the name: queue keys may wrap it in a hash tag). */
export async function prefixMemory(
  redis: Redis,
  prefix: string,
): Promise<{ keys: number; mb: number }> {
  let cursor = '0';
  let keys = 0;
  let bytes = 0;
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `*${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (batch.length === 0) continue;
    const pipeline = redis.pipeline();
    for (const key of batch) pipeline.memory('USAGE', key, 'SAMPLES', '0');
    for (const [err, n] of (await pipeline.exec()) ?? []) {
      if (!err && typeof n === 'number') bytes += n;
    }
    keys += batch.length;
  } while (cursor !== '0');
  return { keys, mb: round(bytes / MB) };
}

/** `used_memory` every half second: the peak between `start` and `stop`. */
export class MemoryPeak {
  peakMb = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly redis: Redis) {}

  start(): this {
    this.timer = setInterval(() => {
      void usedMemoryMb(this.redis)
        .then((mb) => (this.peakMb = Math.max(this.peakMb, mb)))
        .catch(() => undefined);
    }, 500);
    return this;
  }

  stop(): number {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    return this.peakMb;
  }
}
