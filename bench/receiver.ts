/**
 * The bench's HTTPS receiver, in its own process: listens on several loopback ports (one origin per
 * simulated customer), answers `/<tag>/ok/<n>` with 200, `/<tag>/slow/<n>` with 200 after a set
 * delay, `/<tag>/fail/<n>` with 500, and never answers `/<tag>/hang/<n>` (it reads the whole
 * request, then holds the connection open until the sender gives up or the bench releases it). It checks the X-Zorio-Signature of every request whose
 * path has a registered secret, counts requests arriving out of their key's sequence order
 * (X-Zorio-Ordering-Key, X-Zorio-Sequence), and measures latency from the envelope's `timestamp`
 * (set by EventBus.publish) to the arrival of the request.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { serve, emit } from './lib/ipc';
import { LatencySummary, Samples } from './lib/stats';

interface TagStats {
  count: number;
  /** Healthy requests per second since the first one: count, those over 50 ms, the slowest. */
  timeline: Map<number, { n: number; over50: number; max: number }>;
  byMode: Map<string, { count: number; latency: Samples }>;
  ids: Set<string>;
  duplicates: number;
  /** Per path and ordering key: the highest sequence seen; arrivals below it are out of order. */
  sequences: Map<string, number>;
  /** Requests that carried an ordering key and a sequence. */
  sequenced: number;
  outOfOrder: number;
  /**
   * For tags that asked (`track`): the delivery ids each event arrived under, per path, so a
   * re-send under a new id shows; and the ids that arrived more than once.
   */
  identities: Map<string, Set<string>> | null;
  repeatedIds: Set<string>;
  /** Requests held open now (hang mode), and the most held at once. */
  held: Set<ServerResponse>;
  maxHeld: number;
  badSignatures: number;
  unsigned: number;
  firstAt: number;
  lastAt: number;
}

export interface TagReport {
  count: number;
  distinct: number;
  duplicates: number;
  /** Requests with X-Zorio-Ordering-Key and X-Zorio-Sequence, and those out of their key's order. */
  sequenced: number;
  outOfOrder: number;
  /** Hang mode: requests held open now, and the most held open at once. */
  held: number;
  maxHeld: number;
  /** Tracked tags only: ids that arrived more than once, and events that came under two ids. */
  repeatedIds: string[];
  eventsUnderSeveralIds: number;
  badSignatures: number;
  unsigned: number;
  firstAt: number;
  lastAt: number;
  modes: Record<string, { count: number; latency: LatencySummary }>;
  /** Per second: [second, requests, over 50 ms, slowest ms]. */
  timeline: [number, number, number, number][];
}

const servers: Server[] = [];
const secrets = new Map<string, Buffer>();
const tags = new Map<string, TagStats>();
/** Tags whose identities are tracked (see TagStats.identities); kept across a reset. */
const tracked = new Set<string>();
/** How long `/<tag>/slow/<n>` takes to answer. */
let slowMs = 100;
const OK = Buffer.from('ok');
const FAIL = Buffer.from('receiver says no');
const TIMESTAMP = /"timestamp":"([^"]+)"/;

function statsOf(tag: string): TagStats {
  let s = tags.get(tag);
  if (!s) {
    s = {
      count: 0,
      timeline: new Map(),
      byMode: new Map(),
      ids: new Set(),
      duplicates: 0,
      sequences: new Map(),
      sequenced: 0,
      outOfOrder: 0,
      identities: tracked.has(tag) ? new Map() : null,
      repeatedIds: new Set(),
      held: new Set(),
      maxHeld: 0,
      badSignatures: 0,
      unsigned: 0,
      firstAt: 0,
      lastAt: 0,
    };
    tags.set(tag, s);
  }
  return s;
}

function record(
  path: string,
  headers: IncomingMessage['headers'],
  body: Buffer,
  arrivedAt: number,
) {
  const parts = path.split('/');
  const tag = parts[1] ?? '';
  const mode = parts[2] ?? '';
  const s = statsOf(tag);
  s.count++;
  if (!s.firstAt) s.firstAt = arrivedAt;
  s.lastAt = arrivedAt;
  const id = headers['x-zorio-delivery'];
  if (typeof id === 'string') {
    if (s.ids.has(id)) {
      s.duplicates++;
      if (s.identities) s.repeatedIds.add(id);
    } else s.ids.add(id);
    if (s.identities) trackIdentity(s.identities, path, headers, id);
  }
  checkOrder(s, path, headers);
  const secret = secrets.get(path);
  const sig = headers['x-zorio-signature'];
  if (!secret) s.unsigned++;
  else {
    const want = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
    const got = Buffer.from(typeof sig === 'string' ? sig : '');
    if (got.length !== want.length || !timingSafeEqual(got, want)) s.badSignatures++;
  }
  let m = s.byMode.get(mode);
  if (!m) {
    m = { count: 0, latency: new Samples() };
    s.byMode.set(mode, m);
  }
  m.count++;
  const ts = TIMESTAMP.exec(body.toString('latin1', 0, Math.min(body.length, 160)));
  if (ts) {
    const ms = arrivedAt - Date.parse(ts[1]);
    m.latency.push(ms);
    if (mode !== 'ok') return;
    const second = Math.floor((arrivedAt - s.firstAt) / 1000);
    const slot = s.timeline.get(second) ?? { n: 0, over50: 0, max: 0 };
    slot.n++;
    if (ms > 50) slot.over50++;
    slot.max = Math.max(slot.max, Math.round(ms));
    s.timeline.set(second, slot);
  }
}

/** The event is its name, ordering key and sequence (unique per event); the webhook its path. */
function trackIdentity(
  identities: Map<string, Set<string>>,
  path: string,
  headers: IncomingMessage['headers'],
  id: string,
): void {
  const event = `${path} ${String(headers['x-zorio-event'])} ${String(headers['x-zorio-ordering-key'])} ${String(headers['x-zorio-sequence'])}`;
  const ids = identities.get(event);
  if (ids) ids.add(id);
  else identities.set(event, new Set([id]));
}

/** A retry of an earlier sequence after a later one arrived is out of order, as is a skip back. */
function checkOrder(s: TagStats, path: string, headers: IncomingMessage['headers']): void {
  const key = headers['x-zorio-ordering-key'];
  const seq = Number(headers['x-zorio-sequence']);
  if (typeof key !== 'string' || !Number.isFinite(seq)) return;
  s.sequenced++;
  const slot = `${path} ${key}`;
  const last = s.sequences.get(slot);
  if (last !== undefined && seq < last) s.outOfOrder++;
  if (last === undefined || seq > last) s.sequences.set(slot, seq);
}

/** Hang mode: the request was read; the response never comes. */
function hold(path: string, res: ServerResponse): void {
  const s = statsOf(path.split('/')[1] ?? '');
  s.held.add(res);
  s.maxHeld = Math.max(s.maxHeld, s.held.size);
  res.once('close', () => s.held.delete(res));
}

/** Closes every connection held open for a tag (or for every tag). */
function release(tag?: string): number {
  let n = 0;
  for (const [name, s] of tags) {
    if (tag !== undefined && name !== tag) continue;
    for (const res of s.held) {
      res.socket?.destroy();
      n++;
    }
    s.held.clear();
  }
  return n;
}

function onRequest(req: IncomingMessage, res: ServerResponse): void {
  const arrivedAt = performance.timeOrigin + performance.now();
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const path = req.url ?? '/';
    const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
    record(path, req.headers, body, arrivedAt);
    if (path.includes('/hang/')) return hold(path, res);
    if (path.includes('/slow/')) {
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(OK.length) });
        res.end(OK);
      }, slowMs);
      return;
    }
    const fail = path.includes('/fail/');
    res.writeHead(fail ? 500 : 200, {
      'content-type': 'text/plain',
      'content-length': String(fail ? FAIL.length : OK.length),
    });
    res.end(fail ? FAIL : OK);
  });
}

serve({
  async start(args: { ports: number; certPem: string; keyPem: string }): Promise<number[]> {
    const ports: number[] = [];
    for (let i = 0; i < args.ports; i++) {
      const server = createServer({ cert: args.certPem, key: args.keyPem }, onRequest);
      server.keepAliveTimeout = 120_000;
      server.headersTimeout = 125_000;
      server.on('tlsClientError', () => undefined);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      servers.push(server);
      ports.push((server.address() as AddressInfo).port);
    }
    return ports;
  },
  secrets(args: Record<string, string>): number {
    for (const [path, secret] of Object.entries(args))
      secrets.set(path, Buffer.from(secret, 'utf8'));
    return secrets.size;
  },
  /** Tracks the identities of a tag's requests from now on (see TagStats.identities). */
  track(args: { tag: string }): void {
    tracked.add(args.tag);
    const s = tags.get(args.tag);
    if (s && !s.identities) s.identities = new Map();
  },
  slow(args: { ms: number }): void {
    slowMs = args.ms;
  },
  /** Distinct delivery ids a tag has seen (a re-send counts once). */
  distinct(args: { tag: string }): number {
    return tags.get(args.tag)?.ids.size ?? 0;
  },
  count(args: { tag: string; mode?: string }): number {
    const s = tags.get(args.tag);
    if (!s) return 0;
    return args.mode === undefined ? s.count : (s.byMode.get(args.mode)?.count ?? 0);
  },
  latencies(args: { tag: string; mode: string }): number[] {
    return tags.get(args.tag)?.byMode.get(args.mode)?.latency.values() ?? [];
  },
  release(args: { tag?: string }): number {
    return release(args.tag);
  },
  report(args: { tag: string }): TagReport {
    const s = statsOf(args.tag);
    const modes: TagReport['modes'] = {};
    for (const [mode, m] of s.byMode)
      modes[mode] = { count: m.count, latency: m.latency.summary() };
    return {
      count: s.count,
      distinct: s.ids.size,
      duplicates: s.duplicates,
      sequenced: s.sequenced,
      outOfOrder: s.outOfOrder,
      held: s.held.size,
      maxHeld: s.maxHeld,
      repeatedIds: [...s.repeatedIds],
      eventsUnderSeveralIds: [...(s.identities?.values() ?? [])].filter((ids) => ids.size > 1)
        .length,
      badSignatures: s.badSignatures,
      unsigned: s.unsigned,
      firstAt: s.firstAt,
      lastAt: s.lastAt,
      modes,
      timeline: [...s.timeline].map(([t, v]) => [t, v.n, v.over50, v.max]),
    };
  },
  reset(args: { tag: string }): void {
    release(args.tag);
    tags.delete(args.tag);
  },
  rss(): number {
    return process.memoryUsage().rss / 1048576;
  },
});
emit('ready');
