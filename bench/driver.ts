/**
 * The load driver, in its own process: publishes events the way a domain module does — through the
 * real EventBus, inside a transaction — from a small script context (a TypeORM DataSource and the
 * bus, no Nest, no HTTP), so the driver costs little and is never the bottleneck. For (j) it also
 * drives the domain API over HTTP with machine tokens (`importLeads`).
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { Agent, request } from 'undici';
import { EVENT_TYPES, EventName } from '../src/events/catalogue';
import { EventBus, PublishedEvent } from '../src/events/event-bus';
import { serve, emit } from './lib/ipc';

let db: DataSource | null = null;
const bus = new EventBus();

function source(): DataSource {
  if (!db) throw new Error('driver not initialised');
  return db;
}

/**
 * Which call, lead or campaign event `n` belongs to: `eventsPerKey` consecutive events share one
 * (as a call's ringing, answered, hangup and CDR do), so ordering per key has keys to order.
 */
class Keys {
  /** A random UUID of this run; a key's UUID ends in its group number. */
  private readonly base = randomUUID().slice(0, 24);

  constructor(private readonly eventsPerKey: number) {}

  group(n: number): number {
    return Math.floor(n / this.eventsPerKey);
  }

  uuid(n: number): string {
    return this.base + this.group(n).toString(16).padStart(12, '0');
  }
}

/** The catalogue's sample with fresh ids (shared by the events of one key). */
function makeEvent(name: EventName, n: number, keys: Keys): PublishedEvent {
  const data: Record<string, unknown> = { ...EVENT_TYPES[name].sample };
  if ('call_uuid' in data) data.call_uuid = keys.uuid(n);
  if ('uuid' in data) data.uuid = keys.uuid(n);
  if ('id' in data) data.id = keys.group(n) + 1;
  return { name, data } as unknown as PublishedEvent;
}

async function publishBatch(name: EventName, from: number, count: number, keys: Keys) {
  const events = Array.from({ length: count }, (_, k) => makeEvent(name, from + k, keys));
  await source().transaction((tx) => bus.publishMany(tx, events));
}

export interface BulkArgs {
  event: EventName;
  count: number;
  /** Events per transaction (publishMany), as a bulk import would. */
  batch: number;
  /** Transactions in flight. */
  concurrency: number;
  /** Consecutive events sharing an ordering key (default 1: every event its own key). */
  eventsPerKey?: number;
}

/** Publishes `count` events as fast as the database takes them. */
async function publishBulk(a: BulkArgs): Promise<{ seconds: number }> {
  const t0 = performance.now();
  const keys = new Keys(a.eventsPerKey ?? 1);
  let next = 0;
  const lane = async () => {
    while (next < a.count) {
      const from = next;
      const n = Math.min(a.batch, a.count - from);
      next += n;
      await publishBatch(a.event, from, n, keys);
    }
  };
  await Promise.all(Array.from({ length: a.concurrency }, lane));
  return { seconds: (performance.now() - t0) / 1000 };
}

export interface PacedArgs {
  event: EventName;
  rate: number;
  /** How long to publish; `stopPaced` may end it earlier. */
  seconds: number;
}

/** Set by `stopPaced`: the running paced publish stops after its current event. */
let stopRequested = false;

/** One event per transaction at a steady rate (each publish is its own domain transaction). */
async function publishPaced(a: PacedArgs): Promise<{ published: number; maxLagMs: number }> {
  const total = Math.round(a.rate * a.seconds);
  const interval = 1000 / a.rate;
  const keys = new Keys(1);
  const t0 = performance.now();
  let published = 0;
  let maxLagMs = 0;
  const inflight = new Set<Promise<void>>();
  stopRequested = false;
  for (let i = 0; i < total && !stopRequested; i++) {
    const due = t0 + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    maxLagMs = Math.max(maxLagMs, performance.now() - due);
    const p: Promise<void> = publishBatch(a.event, i, 1, keys).then(() => {
      published++;
      inflight.delete(p);
    });
    inflight.add(p);
  }
  await Promise.all(inflight);
  return { published, maxLagMs: Math.round(maxLagMs) };
}

export interface ImportArgs {
  /** The api processes, used in turn. */
  apiUrls: string[];
  /** Machine tokens (`<id>|<secret>`, scope telesales_api_access), used in turn. */
  tokens: string[];
  /** One campaign per import in flight: an import locks its campaign until it commits. */
  campaignIds: number[];
  count: number;
  batch: number;
  /** Leads get phones 849xxxxxxxx from this number on (unique within a campaign). */
  firstPhone: number;
}

export interface ImportResult {
  seconds: number;
  created: number;
  requests: number;
  /** Imports answered by each api process (by index in apiUrls). */
  perApi: number[];
}

const http = new Agent({ connections: 16 });

async function importBatch(
  url: string,
  token: string,
  campaignId: number,
  from: number,
  n: number,
) {
  const leads = Array.from({ length: n }, (_, k) => ({
    full_name: `Bench Lead ${from + k}`,
    phone: `849${String(from + k).padStart(8, '0')}`,
    custom_fields: { source: 'bench', batch: Math.floor(from / n) },
  }));
  const res = await request(`${url}/api/telesales/campaigns/${campaignId}/leads/bulk-import`, {
    method: 'POST',
    dispatcher: http,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ leads }),
    headersTimeout: 120_000,
    bodyTimeout: 120_000,
  });
  const text = await res.body.text();
  if (res.statusCode !== 200)
    throw new Error(`bulk-import: ${res.statusCode} ${text.slice(0, 300)}`);
  return (JSON.parse(text) as { data: { created: number } }).data.created;
}

/**
 * Imports `count` leads through the domain API, one import in flight per campaign, spread over the
 * api processes and tokens in turn.
 */
async function importLeads(a: ImportArgs): Promise<ImportResult> {
  const t0 = performance.now();
  const perApi = a.apiUrls.map(() => 0);
  let next = 0;
  let requests = 0;
  let created = 0;
  const lane = async (campaignId: number) => {
    while (next < a.count) {
      const from = next;
      const n = Math.min(a.batch, a.count - from);
      next += n;
      const r = requests++;
      const api = r % a.apiUrls.length;
      const token = a.tokens[r % a.tokens.length];
      const got = await importBatch(a.apiUrls[api], token, campaignId, a.firstPhone + from, n);
      created += got;
      perApi[api]++;
    }
  };
  await Promise.all(a.campaignIds.map(lane));
  return { seconds: (performance.now() - t0) / 1000, created, requests, perApi };
}

serve({
  async init(args: { databaseUrl: string }): Promise<void> {
    db = new DataSource({
      type: 'postgres',
      url: args.databaseUrl,
      entities: [],
      extra: { max: 8, application_name: 'zorio-bench-driver' },
    });
    await db.initialize();
  },
  publishBulk: (args: BulkArgs) => publishBulk(args),
  publishPaced: (args: PacedArgs) => publishPaced(args),
  importLeads: (args: ImportArgs) => importLeads(args),
  stopPaced(): void {
    stopRequested = true;
  },
  async publishOne(args: { event: EventName }): Promise<void> {
    await publishBatch(args.event, 0, 1, new Keys(1));
  },
  async close(): Promise<void> {
    await db?.destroy();
    db = null;
    await http.close();
  },
});
emit('ready');
