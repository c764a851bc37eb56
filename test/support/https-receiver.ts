/**
 * A real HTTPS webhook receiver for tests, on 127.0.0.1 and a random port, with a certificate
 * from the test PKI (`tools/pki/test-ca.ts`). Trust it by giving the sender
 * `getTestPki().caFile` (WEBHOOK_CA_FILE) and allowing private networks.
 *
 *   const receiver = await startReceiver();
 *   receiver.respondWith({ status: 500, headers: { 'retry-after': '1' } });
 *   ... send to receiver.url ...
 *   const [req] = await receiver.waitFor(1);
 *   await receiver.close();
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import * as https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { getTestPki, type TestCertificate } from '../../tools/pki/test-ca';

export interface ReceivedRequest {
  method: string;
  /** Path and query, e.g. `/webhook?x=1`. */
  path: string;
  /** Lower-cased names, as Node parses them. */
  headers: IncomingHttpHeaders;
  /** The raw body bytes (what signatures cover). */
  body: Buffer;
  /** Date.now() when the whole body had arrived. */
  arrivedAt: number;
  /** The TLS server name (SNI) the client asked for; false when it sent none (IP targets). */
  sni: string | false;
  /** 1 for the first TLS connection of this receiver, 2 for the next, ... (keep-alive checks). */
  connectionId: number;
  /** The body as UTF-8 text. */
  text(): string;
  /** The body parsed as JSON. */
  json<T = unknown>(): T;
}

export interface ReceiverReply {
  status?: number;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
}

/**
 * - `hang`: read the request, never answer (until close()).
 * - `reset`: read the request, then reset the TCP connection.
 * - `slowBody`: answer `status` (200), then write `chunk` ('.') at once and again every
 *   `intervalMs` (100), never ending the body.
 */
export type ReceiverMode =
  'hang' | 'reset' | 'slowBody' | { mode: 'hang' } | { mode: 'reset' } | SlowBody;

export interface SlowBody {
  mode: 'slowBody';
  intervalMs?: number;
  status?: number;
  chunk?: string | Buffer;
}

export type ReceiverBehaviour =
  | ReceiverReply
  | ReceiverMode
  | ((
      req: ReceivedRequest,
    ) => ReceiverReply | ReceiverMode | Promise<ReceiverReply | ReceiverMode>);

export interface ReceiverOptions {
  /**
   * Which certificate to serve: `trusted` (default, signed by the test CA), `untrusted` (signed
   * by a CA no one trusts), `expired`, or `wrongHost` (valid, but not for localhost/127.0.0.1).
   */
  cert?: 'trusted' | 'untrusted' | 'expired' | 'wrongHost';
  /** Initial behaviour; default `{ status: 200, body: 'ok' }`. */
  respond?: ReceiverBehaviour;
  /** Path of `url`; default `/webhook`. */
  path?: string;
}

export interface Receiver {
  /** `https://127.0.0.1:<port>/webhook` */
  url: string;
  /** `https://localhost:<port>/webhook` (the certificate covers both). */
  localhostUrl: string;
  port: number;
  /** Every request whose body arrived completely, in order. */
  received: ReceivedRequest[];
  /** TCP connections accepted so far (a refused-before-connect check expects 0). */
  readonly tcpConnections: number;
  /** TLS handshakes completed so far (keep-alive reuse keeps this at 1). */
  readonly tlsConnections: number;
  /** Requests received and not yet answered (or closed) right now, and the most there were. */
  readonly open: number;
  readonly maxOpen: number;
  /** Changes how the next requests are answered. */
  respondWith(behaviour: ReceiverBehaviour): void;
  /** Polls until at least `count` requests have arrived; rejects after `timeoutMs` (5000). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  /** Forgets the requests received so far (the connection counters stay). */
  clear(): void;
  /** Stops listening and destroys every connection, including hung and keep-alive ones. */
  close(): Promise<void>;
}

const DEFAULT_REPLY: ReceiverReply = { status: 200, body: 'ok' };
const POLL_MS = 10;

function pickCert(kind: ReceiverOptions['cert']): TestCertificate {
  const pki = getTestPki();
  switch (kind ?? 'trusted') {
    case 'trusted':
      return pki.server;
    case 'untrusted':
      return pki.untrustedServer;
    case 'expired':
      return pki.expiredServer;
    case 'wrongHost':
      return pki.wrongHostServer;
  }
}

type Step =
  { mode: 'hang' } | { mode: 'reset' } | SlowBody | { mode: 'reply'; reply: ReceiverReply };

function toStep(action: ReceiverReply | ReceiverMode): Step {
  if (typeof action === 'string') {
    return { mode: action };
  }
  return 'mode' in action ? action : { mode: 'reply', reply: action };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function startReceiver(opts: ReceiverOptions = {}): Promise<Receiver> {
  const cert = pickCert(opts.cert);
  const urlPath = opts.path ?? '/webhook';
  const received: ReceivedRequest[] = [];
  const sockets = new Set<Socket>();
  const rawSockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const connectionIds = new WeakMap<Socket, number>();
  let behaviour: ReceiverBehaviour = opts.respond ?? DEFAULT_REPLY;
  let tcpConnections = 0;
  let tlsConnections = 0;
  let closed = false;

  const server = https.createServer({ key: cert.keyPem, cert: cert.certPem });

  server.on('connection', (socket: Socket) => {
    tcpConnections += 1;
    sockets.add(socket);
    rawSockets.add(socket);
    socket.once('close', () => {
      sockets.delete(socket);
      rawSockets.delete(socket);
    });
  });
  server.on('secureConnection', (socket: TLSSocket) => {
    tlsConnections += 1;
    connectionIds.set(socket, tlsConnections);
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  // Handshake failures (an untrusting client hangs up) are expected in tests: stay quiet.
  server.on('tlsClientError', () => undefined);

  let open = 0;
  let maxOpen = 0;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const request: ReceivedRequest = {
      method: req.method ?? '',
      path: req.url ?? '',
      headers: req.headers,
      body,
      arrivedAt: Date.now(),
      connectionId: connectionIds.get(req.socket) ?? 0,
      sni: (req.socket as TLSSocket).servername ?? false,
      text: () => body.toString('utf8'),
      json: <T>() => JSON.parse(body.toString('utf8')) as T,
    };
    received.push(request);
    open++;
    maxOpen = Math.max(maxOpen, open);
    res.once('close', () => open--);
    const current = behaviour;
    const action = typeof current === 'function' ? await current(request) : current;
    reply(req, res, action);
  }

  function reply(req: IncomingMessage, res: ServerResponse, action: ReceiverReply | ReceiverMode) {
    const step = toStep(action);
    switch (step.mode) {
      case 'hang':
        return; // close() destroys the socket
      case 'reset': {
        // A TLS socket cannot send a TCP RST itself; its underlying TCP socket can.
        const tcp = [...rawSockets].find(
          (s) =>
            s.remotePort === req.socket.remotePort && s.remoteAddress === req.socket.remoteAddress,
        );
        if (tcp) {
          tcp.resetAndDestroy();
        } else {
          req.socket.destroy();
        }
        return;
      }
      case 'slowBody': {
        res.writeHead(step.status ?? 200, { 'content-type': 'text/plain' });
        const chunk = step.chunk ?? '.';
        res.write(chunk);
        const timer = setInterval(() => res.write(chunk), step.intervalMs ?? 100);
        timers.add(timer);
        res.once('close', () => {
          clearInterval(timer);
          timers.delete(timer);
        });
        return;
      }
      case 'reply':
        res.writeHead(step.reply.status ?? 200, step.reply.headers ?? {});
        res.end(step.reply.body ?? '');
        return;
    }
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`test receiver failed: ${String(err)}`);
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `https://127.0.0.1:${port}${urlPath}`,
    localhostUrl: `https://localhost:${port}${urlPath}`,
    port,
    received,
    get tcpConnections() {
      return tcpConnections;
    },
    get open() {
      return open;
    },
    get maxOpen() {
      return maxOpen;
    },
    get tlsConnections() {
      return tlsConnections;
    },
    respondWith(next: ReceiverBehaviour) {
      behaviour = next;
    },
    async waitFor(count: number, timeoutMs = 5000): Promise<ReceivedRequest[]> {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) {
          throw new Error(
            `receiver ${port}: expected ${count} request(s) within ${timeoutMs} ms, got ${received.length}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
      return received.slice();
    },
    clear() {
      received.length = 0;
    },
    close(): Promise<void> {
      if (closed) {
        return Promise.resolve();
      }
      closed = true;
      for (const timer of timers) {
        clearInterval(timer);
      }
      timers.clear();
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) {
        socket.destroy();
      }
      return done;
    },
  };
}

/** A receiver that takes `ms` to answer each request (its processing time), then replies. */
export function replyAfter(ms: number, reply: ReceiverReply = DEFAULT_REPLY): ReceiverBehaviour {
  return () => new Promise<ReceiverReply>((resolve) => setTimeout(() => resolve(reply), ms));
}
