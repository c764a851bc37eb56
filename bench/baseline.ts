/**
 * The bare stack ceiling, in its own process: one BullMQ job per delivery (created in bulk while the
 * worker runs) → HMAC signatures → an undici HTTPS POST over keep-alive to the bench receiver →
 * one durable single-row INSERT per job (autocommit, synchronous_commit on). Same Redis,
 * PostgreSQL, receiver, concurrency and connection limits as the platform; no platform code.
 */
import { Queue, Worker } from 'bullmq';
import { createHmac, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Pool } from 'pg';
import { Agent } from 'undici';
import { serve, emit } from './lib/ipc';

export interface BaselineArgs {
  jobs: number;
  concurrency: number;
  connectionsPerOrigin: number;
  poolSize: number;
  databaseUrl: string;
  redis: { host: string; port: number };
  prefix: string;
  /** Receiver base URLs (one per origin); job i goes to urls[i % urls.length]. */
  urls: string[];
  secret: string;
  caPem: string;
  bodyBytes: number;
}

export interface BaselineResult {
  jobs: number;
  seconds: number;
  perSecond: number;
  cpuSeconds: number;
  failures: number;
  rssMb: number;
}

let pool: Pool | null = null;
const ENQUEUE_BULK = 2000;

async function run(a: BaselineArgs): Promise<BaselineResult> {
  pool = new Pool({ connectionString: a.databaseUrl, max: a.poolSize });
  const db = pool;
  await db.query(`CREATE TABLE IF NOT EXISTS bench_baseline (
    id bigserial PRIMARY KEY, job_id text NOT NULL, status integer, duration_ms integer NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now())`);
  const connection = { ...a.redis, maxRetriesPerRequest: null };
  const name = 'baseline';
  const queue = new Queue(name, { connection, prefix: a.prefix });
  await queue.obliterate({ force: true });
  // Jobs are created while the worker runs, in bulks like the relay's (one per 200 events × 10
  // webhooks), and the clock runs from the first one: creating a job is part of its cost.
  const produce = async () => {
    for (let i = 0; i < a.jobs; i += ENQUEUE_BULK) {
      const n = Math.min(ENQUEUE_BULK, a.jobs - i);
      await queue.addBulk(
        Array.from({ length: n }, (_, k) => ({
          name: 'deliver',
          data: { i: i + k },
          opts: { jobId: randomUUID(), removeOnComplete: true, removeOnFail: true },
        })),
      );
    }
  };
  const agent = new Agent({
    connect: { ca: a.caPem },
    connections: a.connectionsPerOrigin,
    pipelining: 1,
    headersTimeout: 5000,
    bodyTimeout: 5000,
  });
  const secret = Buffer.from(a.secret, 'utf8');
  const padding = 'x'.repeat(Math.max(0, a.bodyBytes - 120));
  let done = 0;
  let failures = 0;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const producing = produce();
  const worker = new Worker(
    name,
    async (job) => {
      const i = (job.data as { i: number }).i;
      const url = a.urls[i % a.urls.length];
      const id = job.id ?? '';
      const ts = Math.floor(Date.now() / 1000);
      const body = Buffer.from(
        `{"event":"bench.baseline","timestamp":"${new Date().toISOString()}","tenant_id":1,"data":{"i":${i},"pad":"${padding}"}}`,
      );
      const headers = {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': 'Zorio-Webhooks/1.0',
        'x-zorio-event': 'bench.baseline',
        'x-zorio-delivery': id,
        'x-zorio-timestamp': String(ts),
        'x-zorio-signature': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
        'webhook-id': id,
        'webhook-timestamp': String(ts),
        'webhook-signature': `v1,${createHmac('sha256', secret).update(`${id}.${ts}.`).update(body).digest('base64')}`,
      };
      const started = performance.now();
      const u = new URL(url);
      const res = await agent.request({
        origin: u.origin,
        path: u.pathname,
        method: 'POST',
        headers,
        body,
      });
      await res.body.text();
      await db.query(
        `INSERT INTO bench_baseline (job_id, status, duration_ms) VALUES ($1, $2, $3)`,
        [id, res.statusCode, Math.round(performance.now() - started)],
      );
      if (res.statusCode !== 200) failures++;
    },
    { connection, prefix: a.prefix, concurrency: a.concurrency },
  );
  worker.on('completed', () => {
    if (++done === a.jobs) finish();
  });
  worker.on('failed', () => {
    failures++;
    if (++done === a.jobs) finish();
  });
  await Promise.all([finished, producing]);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const rssMb = process.memoryUsage().rss / 1048576;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  await agent.close();
  // The pool stays open until `close`, so the orchestrator can read its backends' CPU time.
  return {
    jobs: a.jobs,
    seconds,
    perSecond: a.jobs / seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    failures,
    rssMb,
  };
}

serve({
  run: (args: BaselineArgs) => run(args),
  async close(): Promise<void> {
    await pool?.end();
    pool = null;
  },
});
emit('ready');
