export interface RedisNode {
  host: string;
  port: number;
}

/** `host:port` with a host name, an IPv4 address or a bracketed IPv6 address (`[::1]:7000`). */
const NODE = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9_.-]+)):(\d{1,5})$/;

/**
 * `REDIS_CLUSTER_NODES` and `REDIS_SENTINELS`: a comma-separated list of `host:port`. Null when
 * the list is empty or any entry is not a host and a port from 1 to 65535.
 */
export function parseRedisNodes(value: string): RedisNode[] | null {
  const nodes: RedisNode[] = [];
  for (const entry of value.split(',').map((e) => e.trim())) {
    const m = NODE.exec(entry);
    const port = Number(m?.[3]);
    if (!m || port < 1 || port > 65535) return null;
    nodes.push({ host: m[1] ?? m[2], port });
  }
  return nodes.length > 0 ? nodes : null;
}

/** What is wrong with REDIS_SENTINELS given the rest of the configuration, or null. */
export function sentinelsProblem(config: object | undefined): string | null {
  const c = (config ?? {}) as Record<string, unknown>;
  if (c.REDIS_CLUSTER_NODES !== undefined) return 'cannot be set together with REDIS_CLUSTER_NODES';
  if (c.REDIS_SENTINEL_NAME === undefined) return 'needs REDIS_SENTINEL_NAME (the master name)';
  if (typeof c.REDIS_SENTINELS !== 'string' || !parseRedisNodes(c.REDIS_SENTINELS)) {
    return 'must be a comma-separated list of host:port, e.g. 10.0.0.1:26379,10.0.0.2:26379';
  }
  return null;
}
