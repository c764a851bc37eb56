import Redis, { Cluster, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { AppConfig } from '../config/app-config';
import { parseRedisNodes, type RedisNode } from '../config/redis-nodes';

/** A connection to the platform's Redis: one server (alone or a Sentinel set's master) or a Cluster. */
export type RedisClient = Redis | Cluster;

/**
 * Where the platform's Redis is and how to connect to it. REDIS_URL says how to authenticate
 * (user, password, `rediss:` for TLS) in every mode; REDIS_CLUSTER_NODES or REDIS_SENTINELS, when
 * set, say where instead of its host and port (a cluster has no database number).
 */
export type RedisTopology =
  | { kind: 'server'; options: RedisOptions }
  | { kind: 'sentinel'; options: RedisOptions }
  | { kind: 'cluster'; nodes: RedisNode[]; options: ClusterOptions };

export function redisTopology(config: AppConfig, extra: RedisOptions = {}): RedisTopology {
  const url = new URL(config.REDIS_URL);
  const tls = url.protocol === 'rediss:';
  const auth: RedisOptions = {
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    tls: tls ? {} : undefined,
  };
  const cluster = config.REDIS_CLUSTER_NODES ? parseRedisNodes(config.REDIS_CLUSTER_NODES) : null;
  if (cluster)
    return { kind: 'cluster', nodes: cluster, options: { redisOptions: { ...auth, ...extra } } };
  const db = url.pathname && url.pathname !== '/' ? Number(url.pathname.slice(1)) : 0;
  const sentinels = config.REDIS_SENTINELS ? parseRedisNodes(config.REDIS_SENTINELS) : null;
  if (sentinels) {
    const name = config.REDIS_SENTINEL_NAME;
    const options = { ...auth, db, sentinels, name, enableTLSForSentinelMode: tls, ...extra };
    return { kind: 'sentinel', options };
  }
  // `[::1]` in a URL is `::1` to a socket.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1';
  const port = url.port ? Number(url.port) : 6379;
  return { kind: 'server', options: { host, port, db, ...auth, ...extra } };
}

/**
 * A new client of the platform's Redis, whatever its topology; `cluster` adds options of the
 * Cluster client itself (its nodes' connections take `extra`).
 */
export function createRedisClient(
  config: AppConfig,
  extra: RedisOptions = {},
  cluster: Omit<ClusterOptions, 'redisOptions'> = {},
): RedisClient {
  const topology = redisTopology(config, extra);
  return topology.kind === 'cluster'
    ? new Cluster(topology.nodes, { ...topology.options, ...cluster })
    : new Redis(topology.options);
}

/**
 * Closes a client: QUIT (what was sent is answered first) when it is connected, else at once, as
 * a command queued for a server that is away would wait for it forever.
 */
export async function closeRedis(client: RedisClient): Promise<void> {
  if (client.status === 'ready') await client.quit().catch(() => client.disconnect());
  else client.disconnect();
}
