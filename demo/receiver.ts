import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { verifyZorioSignature } from '../tools/webhooks/verify-signature';

/** What the receiver made of one request. */
export interface ReceivedDelivery {
  deliveryId: string;
  event: string;
  /** The envelope's `timestamp` (when the event was published). */
  publishedAt: string;
  data: Record<string, unknown>;
  /** `X-Zorio-Signature` (HMAC of the body) checked. */
  zorioSignatureOk: boolean;
  /** `webhook-signature` checked by the Standard Webhooks library (id, timestamp, body). */
  standardSignatureOk: boolean;
  /** Both signatures, the timestamps within 300 s, the ids and event names consistent. */
  verified: boolean;
  /** What failed, when not verified. */
  problem: string | null;
  /** The same delivery id was verified before (a retry or a replay). */
  repeat: boolean;
  /** An X-Zorio-Test request ("Send test event" in the console). */
  test: boolean;
}

export interface DemoReceiver {
  url: string;
  port: number;
  /** Sets the webhook's secret; requests wait for it (a retry may arrive before registration). */
  setSecret(secret: string): void;
  close(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;
const TOLERANCE_S = 300;

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * Checks one request the way a customer's receiver should: the raw body's `X-Zorio-Signature`
 * (HMAC-SHA256, hex) with the receiver-side check in tools/webhooks, the Standard Webhooks `webhook-signature`
 * with the independent `standardwebhooks` library (which also rejects a stale timestamp), both
 * timestamps fresh, `X-Zorio-Delivery` = `webhook-id`, `X-Zorio-Event` = the body's `event`.
 */
export function checkDelivery(
  secret: string,
  headers: Record<string, string | undefined>,
  body: Buffer,
  seen: ReadonlySet<string>,
  nowMs = Date.now(),
): ReceivedDelivery {
  const deliveryId = headers['x-zorio-delivery'] ?? '';
  const problems: string[] = [];
  const zorioSignatureOk = verifyZorioSignature(secret, body, headers['x-zorio-signature']);
  if (!zorioSignatureOk) problems.push('X-Zorio-Signature does not match');
  let standardSignatureOk = false;
  try {
    new Webhook(secret, { format: 'raw' }).verify(body, {
      'webhook-id': headers['webhook-id'] ?? '',
      'webhook-timestamp': headers['webhook-timestamp'] ?? '',
      'webhook-signature': headers['webhook-signature'] ?? '',
    });
    standardSignatureOk = true;
  } catch (err) {
    problems.push(`webhook-signature: ${err instanceof Error ? err.message : String(err)}`);
  }
  const ts = Number(headers['x-zorio-timestamp']);
  if (!Number.isInteger(ts) || Math.abs(nowMs / 1000 - ts) > TOLERANCE_S) {
    problems.push('X-Zorio-Timestamp is missing or more than 300 s off');
  }
  if (!deliveryId || headers['webhook-id'] !== deliveryId) {
    problems.push('X-Zorio-Delivery and webhook-id differ');
  }
  let event = headers['x-zorio-event'] ?? '';
  let publishedAt = '';
  let data: Record<string, unknown> = {};
  try {
    const envelope = JSON.parse(body.toString('utf8')) as {
      event?: unknown;
      timestamp?: unknown;
      data?: unknown;
    };
    if (envelope.event !== event) problems.push('X-Zorio-Event differs from the body');
    event = typeof envelope.event === 'string' ? envelope.event : event;
    publishedAt = typeof envelope.timestamp === 'string' ? envelope.timestamp : '';
    if (typeof envelope.data === 'object' && envelope.data !== null) {
      data = envelope.data as Record<string, unknown>;
    } else {
      problems.push('the body has no data object');
    }
  } catch {
    problems.push('the body is not JSON');
  }
  const verified = problems.length === 0;
  return {
    deliveryId,
    event,
    publishedAt,
    data,
    zorioSignatureOk,
    standardSignatureOk,
    verified,
    problem: verified ? null : problems.join('; '),
    repeat: verified && seen.has(deliveryId),
    test: headers['x-zorio-test'] === 'true',
  };
}

/**
 * The local HTTPS endpoint the "Demo receiver" webhook points at. Answers 200 to a verified
 * request and 401 to anything else (so the platform records a failed attempt and retries, as it
 * would for a real customer).
 */
export async function startReceiver(opts: {
  port: number;
  certPem: string;
  keyPem: string;
  onDelivery: (delivery: ReceivedDelivery) => void;
}): Promise<DemoReceiver> {
  let giveSecret: (secret: string) => void = () => undefined;
  const secret = new Promise<string>((resolve) => (giveSecret = resolve));
  const seen = new Set<string>();
  const sockets = new Set<Socket>();
  const path = '/zorio-demo/webhook';

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (req.method !== 'POST' || (req.url ?? '').split('?')[0] !== path) {
      res.writeHead(404).end();
      return;
    }
    if (!body) {
      res.writeHead(413).end();
      return;
    }
    const headers: Record<string, string | undefined> = {};
    for (const name of [
      'x-zorio-delivery',
      'x-zorio-event',
      'x-zorio-timestamp',
      'x-zorio-signature',
      'x-zorio-test',
      'webhook-id',
      'webhook-timestamp',
      'webhook-signature',
    ]) {
      headers[name] = header(req, name);
    }
    const delivery = checkDelivery(await secret, headers, body, seen);
    if (delivery.verified) seen.add(delivery.deliveryId);
    opts.onDelivery(delivery);
    res.writeHead(delivery.verified ? 200 : 401, { 'content-type': 'application/json' });
    res.end(JSON.stringify(delivery.verified ? { ok: true } : { error: delivery.problem }));
  }

  const server: Server = createServer({ key: opts.keyPem, cert: opts.certPem }, (req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('tlsClientError', () => undefined);

  const listen = (port: number): Promise<void> =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  try {
    await listen(opts.port);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || opts.port === 0) throw err;
    await listen(0); // the usual port is taken: any free one (a new webhook URL)
  }
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}${path}`,
    port,
    setSecret: (s) => giveSecret(s),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
