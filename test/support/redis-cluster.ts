import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import { waitFor } from './wait';

/** A real Redis Cluster of `redis-server` child processes on loopback, for one test file. */
export interface RedisClusterProcesses {
  ports: number[];
  /** `127.0.0.1:P1,127.0.0.1:P2,…`: the value of REDIS_CLUSTER_NODES. */
  nodes: string;
  /** Kills every node and removes their directory. */
  stop: () => Promise<void>;
}

const run = promisify(execFile);

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A free loopback port whose cluster bus port (port + 10000) is free too. */
async function freeNodePort(taken: Set<number>): Promise<number> {
  return waitFor(
    async () => {
      const port = 20_000 + Math.floor(Math.random() * 30_000);
      if (taken.has(port) || !(await canListen(port)) || !(await canListen(port + 10_000))) {
        return null;
      }
      taken.add(port);
      return port;
    },
    { timeoutMs: 10_000, intervalMs: 1, what: 'a free port pair for a Redis Cluster node' },
  );
}

function startNode(port: number, dir: string): ChildProcess {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir];
  args.push('--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`));
  args.push('--save', '', '--appendonly', 'no', '--daemonize', 'no');
  return spawn('redis-server', args, { stdio: 'ignore' });
}

/** Every node answers CLUSTER INFO with cluster_state:ok and all 16384 slots assigned. */
async function waitUntilClusterOk(ports: number[]): Promise<void> {
  const clients = ports.map((port) => new Redis({ port, host: '127.0.0.1', lazyConnect: true }));
  try {
    await waitFor(
      async () => {
        const infos = await Promise.all(clients.map((c) => c.cluster('INFO')));
        return infos.every((i) => /cluster_state:ok/.test(i) && /cluster_slots_ok:16384/.test(i));
      },
      { timeoutMs: 30_000, intervalMs: 100, what: 'the Redis Cluster to report cluster_state:ok' },
    );
  } finally {
    for (const c of clients) c.disconnect();
  }
}

/**
 * Starts `masters` redis-server processes in cluster mode (no persistence, no replicas), joins
 * them with `redis-cli --cluster create`, and waits until every node says the cluster is ok.
 */
export async function startRedisCluster(masters = 3): Promise<RedisClusterProcesses> {
  const dir = mkdtempSync(join(tmpdir(), 'zorio-redis-cluster-'));
  const taken = new Set<number>();
  const ports: number[] = [];
  for (let i = 0; i < masters; i++) ports.push(await freeNodePort(taken));
  const procs = ports.map((port) => startNode(port, dir));
  const stop = async (): Promise<void> => {
    await Promise.all(
      procs.map(async (p) => {
        if (p.exitCode !== null || p.signalCode !== null) return;
        const exited = new Promise((resolve) => p.once('exit', resolve));
        p.kill('SIGKILL');
        await exited;
      }),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      async () => {
        for (const port of ports) await run('redis-cli', ['-p', String(port), 'ping']);
        return true;
      },
      { timeoutMs: 15_000, intervalMs: 50, what: 'the Redis Cluster nodes to answer PING' },
    );
    const addresses = ports.map((p) => `127.0.0.1:${p}`);
    await run('redis-cli', [
      '--cluster',
      'create',
      ...addresses,
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    await waitUntilClusterOk(ports);
    return { ports, nodes: addresses.join(','), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
