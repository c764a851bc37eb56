import { Cluster } from 'ioredis';
import { configWith } from '../../test/support/config';
import { bullConnection, bullPrefix } from '../platform/queues';
import { redisTopology } from './redis-connection';

describe('Redis topology from the configuration', () => {
  it('one server from REDIS_URL by default, with its credentials, database and TLS', () => {
    const config = configWith({ REDIS_URL: 'rediss://app:p%40ss@cache.internal:6380/3' });
    expect(redisTopology(config, { maxRetriesPerRequest: 2 })).toEqual({
      kind: 'server',
      options: {
        host: 'cache.internal',
        port: 6380,
        db: 3,
        username: 'app',
        password: 'p@ss',
        tls: {},
        maxRetriesPerRequest: 2,
      },
    });
    expect(redisTopology(configWith({ REDIS_URL: 'redis://[::1]' })).options).toEqual(
      expect.objectContaining({ host: '::1', port: 6379, db: 0 }),
    );
    expect(bullPrefix(config)).toBe('zorio:bull');
    expect(bullConnection(config)).toEqual(
      expect.objectContaining({ host: 'cache.internal', maxRetriesPerRequest: null }),
    );
  });

  it('a cluster from REDIS_CLUSTER_NODES, with REDIS_URL credentials on every node and a hash-tagged queue prefix', () => {
    const config = configWith({
      REDIS_URL: 'redis://:secret@ignored:1/5',
      REDIS_PREFIX: 'acme:prod',
      REDIS_CLUSTER_NODES: ' 10.0.0.1:7000, redis-b.internal:7001,[fd00::3]:7002 ',
    });
    expect(redisTopology(config)).toEqual({
      kind: 'cluster',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: 'redis-b.internal', port: 7001 },
        { host: 'fd00::3', port: 7002 },
      ],
      options: { redisOptions: { username: undefined, password: 'secret', tls: undefined } },
    });
    expect(bullPrefix(config)).toBe('{acme:prod:bull}');
    const connection = bullConnection({ ...config, REDIS_CLUSTER_NODES: '127.0.0.1:1' } as never);
    expect(connection).toBeInstanceOf(Cluster);
    const cluster = connection as Cluster;
    expect(cluster.options.redisOptions?.maxRetriesPerRequest).toBeNull();
    cluster.disconnect();
  });

  it('a Sentinel set from REDIS_SENTINELS and REDIS_SENTINEL_NAME', () => {
    const config = configWith({
      REDIS_URL: 'rediss://:pw@ignored/2',
      REDIS_SENTINELS: 's1:26379,s2:26379,s3:26380',
      REDIS_SENTINEL_NAME: 'mymaster',
    });
    expect(redisTopology(config)).toEqual({
      kind: 'sentinel',
      options: {
        sentinels: [
          { host: 's1', port: 26379 },
          { host: 's2', port: 26379 },
          { host: 's3', port: 26380 },
        ],
        name: 'mymaster',
        db: 2,
        username: undefined,
        password: 'pw',
        tls: {},
        enableTLSForSentinelMode: true,
      },
    });
    expect(bullPrefix(config)).toBe('zorio:bull');
  });
});
