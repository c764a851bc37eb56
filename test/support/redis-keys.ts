import type { Cluster, Redis } from 'ioredis';
import type { RedisClient } from '../../src/common/redis-connection';

/**
 * The key patterns of a REDIS_PREFIX: plain (`p:…`, sessions, throttles, rate limits and the
 * queues of a single server) and hash-tagged (`{p:…}`, the queues on a cluster), so sub-prefixes
 * (`p:label`) of scratch apps are included.
 */
export function prefixPatterns(prefix: string): string[] {
  return [`${prefix}:*`, `{${prefix}:*`];
}

const isCluster = (client: RedisClient): client is Cluster =>
  'nodes' in client && 'slots' in client;

/** The one server, or every master of a cluster. */
function servers(client: RedisClient): Redis[] {
  return isCluster(client) ? client.nodes('master') : [client];
}

async function scanServer(server: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for (const pattern of prefixPatterns(prefix)) {
    let cursor = '0';
    do {
      const [next, batch] = await server.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      keys.push(...batch);
      cursor = next;
    } while (cursor !== '0');
  }
  return keys;
}

/** Every key of the prefix, scanned on the one server or on every master of a cluster. */
export async function scanPrefix(client: RedisClient, prefix: string): Promise<string[]> {
  const found = await Promise.all(servers(client).map((s) => scanServer(s, prefix)));
  return found.flat();
}

/**
 * Deletes every key of the prefix, server by server, one key per command (a cluster refuses a
 * command over keys of several hash slots). Returns how many there were.
 */
export async function deletePrefix(client: RedisClient, prefix: string): Promise<number> {
  let deleted = 0;
  for (const server of servers(client)) {
    const keys = await scanServer(server, prefix);
    for (let i = 0; i < keys.length; i += 1000) {
      const pipeline = server.pipeline();
      for (const key of keys.slice(i, i + 1000)) pipeline.unlink(key);
      const results = (await pipeline.exec()) ?? [];
      deleted += results.reduce((n, [, removed]) => n + Number(removed ?? 0), 0);
    }
  }
  return deleted;
}
