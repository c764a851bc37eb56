import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { readFileSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { createSecureContext, rootCertificates } from 'node:tls';
import { Agent, buildConnector } from 'undici';
import { isBlockedAddress } from './address-policy';
import { parseRetryAfter } from './retry-policy';

/** At most this much of a receiver's response body is read and kept. */
export const MAX_RESPONSE_BODY_BYTES = 64 * 1024;

/** Keep-alive connections per receiver origin when `connectionsPerOrigin` is not given. */
export const DEFAULT_CONNECTIONS_PER_ORIGIN = 16;

export type AttemptErrorCode =
  'timeout' | 'dns' | 'connection' | 'tls' | 'http_status' | 'blocked_address';

export interface AttemptError {
  code: AttemptErrorCode;
  /** Short and human; never contains request headers (they carry signatures). */
  message: string;
}

/** The outcome of one POST to a receiver. */
export interface AttemptResult {
  /** True only for a 2xx status with the whole response read within the deadline. */
  ok: boolean;
  /** The receiver's status, or null when none arrived. */
  status: number | null;
  /** Lower-cased names; repeated headers joined with ", ". */
  responseHeaders: Record<string, string>;
  /** The first 64 KiB of the response body, the bytes as received (any bytes: NUL, not UTF-8). */
  responseBody: Buffer;
  responseBodyTruncated: boolean;
  durationMs: number;
  /** The delay a `Retry-After` of a failed (non-2xx) response asks for, capped at 6 h. */
  retryAfterMs: number | null;
  error: AttemptError | null;
}

export interface SendRequest {
  url: string;
  /** Sent exactly as given (see signing.ts). */
  headers: Record<string, string>;
  body: Buffer;
}

/** `dns.lookup` with `{ all: true }`; injectable so tests can resolve names to chosen addresses. */
export type LookupAllFunction = (
  hostname: string,
  options: { all: true },
  callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

export interface WebhookSenderOptions {
  /** Deadline of a whole attempt: DNS, connect, TLS, headers and the whole body. */
  timeoutMs: number;
  /** Skip the SSRF guard (tests, local demos): WEBHOOK_ALLOW_PRIVATE_NETWORKS. */
  allowPrivateNetworks: boolean;
  /** Extra PEM CA bundle trusted on top of Node's default CAs: WEBHOOK_CA_FILE. Read once. */
  caFile?: string;
  /** Keep-alive connections per origin; default DEFAULT_CONNECTIONS_PER_ORIGIN. */
  connectionsPerOrigin?: number;
  /** Name resolution; default `dns.lookup`. */
  lookup?: LookupAllFunction;
}

const BLOCKED_CODE = 'ZORIO_BLOCKED_ADDRESS';

class BlockedAddressError extends Error {
  readonly code = BLOCKED_CODE;
}

/** Errors on which the next resolved address of a name is tried (dual-stack fallback). */
const NEXT_ADDRESS_CODES = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'EAFNOSUPPORT',
]);

type ConnectOptions = buildConnector.Options;
type ConnectCallback = buildConnector.Callback;

/**
 * Sends delivery attempts over HTTPS. One instance per process: it owns one undici Agent whose
 * keep-alive connections are shared by every send. Redirects are never followed; TLS is always
 * verified; every address a receiver's name resolves to is checked before any connection is made
 * (see address-policy.ts), and the connection goes to an address that was checked, so DNS
 * rebinding cannot slip through.
 */
export class WebhookSender {
  private readonly agent: Agent;
  private readonly timeoutMs: number;
  private readonly allowPrivateNetworks: boolean;
  private readonly lookup: LookupAllFunction;
  private readonly tlsConnect: buildConnector.connector;

  constructor(options: WebhookSenderOptions) {
    if (!Number.isFinite(options.timeoutMs) || options.timeoutMs <= 0) {
      throw new RangeError(`timeoutMs must be a positive number, got ${options.timeoutMs}`);
    }
    this.timeoutMs = options.timeoutMs;
    this.allowPrivateNetworks = options.allowPrivateNetworks;
    this.lookup = options.lookup ?? dnsLookup;

    // One secure context for every connection (building one per connection from ~150 root
    // certificates is the costly part of a handshake).
    const secureContext = createSecureContext(
      options.caFile ? { ca: [...rootCertificates, readCaFile(options.caFile)] } : {},
    );
    this.tlsConnect = buildConnector({ secureContext, timeout: this.timeoutMs });
    this.agent = new Agent({
      connect: (opts: ConnectOptions, callback: ConnectCallback) =>
        this.guardedConnect(opts, callback),
      connections: options.connectionsPerOrigin ?? DEFAULT_CONNECTIONS_PER_ORIGIN,
      pipelining: 1,
      headersTimeout: this.timeoutMs,
      // Receivers may answer with many or long headers: read them (what is kept is capped later).
      maxHeaderSize: 256 * 1024,
      bodyTimeout: this.timeoutMs,
    });
  }

  /** Makes one attempt; never throws (every failure is an AttemptResult with an error). */
  async send(request: SendRequest): Promise<AttemptResult> {
    const startedAt = performance.now();
    const url = httpsUrl(request.url);
    if (typeof url === 'string') return failure(startedAt, 'connection', url);
    const deadline = new Deadline(this.timeoutMs);
    // What arrived before a failure is kept with it.
    const seen: { status: number | null; headers: Record<string, string> } = {
      status: null,
      headers: {},
    };
    try {
      const pending = this.agent.request({
        origin: url.origin,
        path: url.pathname + url.search,
        method: 'POST',
        headers: request.headers,
        body: request.body,
        signal: deadline.signal,
      });
      // undici only notices an abort once the request reaches a connection; the race makes the
      // deadline hold during DNS, connect and TLS as well.
      pending.catch(noop);
      const response = await deadline.race(pending);
      seen.status = response.statusCode;
      seen.headers = flattenHeaders(response.headers);
      const body = await deadline.race(readLimited(response.body, MAX_RESPONSE_BODY_BYTES));
      return answered(startedAt, response.statusCode, seen.headers, body);
    } catch (err) {
      const error: AttemptError = deadline.passed
        ? {
            code: 'timeout',
            message:
              seen.status === null
                ? `No response within ${this.timeoutMs} ms`
                : `Response body not complete within ${this.timeoutMs} ms`,
          }
        : classifyError(err, url.hostname);
      return {
        ...failure(startedAt, error.code, error.message),
        status: seen.status,
        responseHeaders: seen.headers,
      };
    } finally {
      deadline.clear();
    }
  }

  /** Closes every connection; later sends fail. */
  async close(): Promise<void> {
    await this.agent.destroy();
  }

  /**
   * The Agent's connector: the SSRF guard. A literal IP is checked as is (Node does no lookup for
   * it); a name is resolved here, refused if any of its addresses is blocked, and connected by
   * address with the name kept as TLS servername (SNI and certificate check).
   */
  private guardedConnect(opts: ConnectOptions, callback: ConnectCallback): void {
    const { hostname } = opts;
    if (isIP(hostname) !== 0) {
      if (!this.allowPrivateNetworks && isBlockedAddress(hostname)) {
        callback(new BlockedAddressError(`${hostname} is a private or reserved address`), null);
        return;
      }
      this.tlsConnect(opts, callback);
      return;
    }
    if (!this.allowPrivateNetworks && isLoopbackName(hostname)) {
      // RFC 6761: these names are loopback by definition. Refused without asking the resolver,
      // whose answer (or a slow one for AAAA) must not decide it.
      callback(new BlockedAddressError(`${hostname} is a loopback name`), null);
      return;
    }
    const onLookup = (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]): void => {
      if (err) {
        callback(err, null);
        return;
      }
      if (addresses.length === 0) {
        callback(
          Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }),
          null,
        );
        return;
      }
      if (!this.allowPrivateNetworks) {
        const blocked = addresses.find((a) => isBlockedAddress(a.address));
        if (blocked) {
          callback(
            new BlockedAddressError(
              `${hostname} resolves to ${blocked.address}, a private or reserved address`,
            ),
            null,
          );
          return;
        }
      }
      this.connectToAddress(opts, opts.servername || hostname, addresses, 0, callback);
    };
    try {
      this.lookup(hostname, { all: true }, onLookup);
    } catch (err) {
      callback(toError(err), null);
    }
  }

  /** Connects to addresses[index], falling back to the next one when it is unreachable. */
  private connectToAddress(
    opts: ConnectOptions,
    servername: string,
    addresses: LookupAddress[],
    index: number,
    callback: ConnectCallback,
  ): void {
    const next = { ...opts, hostname: addresses[index].address, servername };
    try {
      this.tlsConnect(next, (...args: Parameters<ConnectCallback>) => {
        const err = args[0];
        if (err && index + 1 < addresses.length && NEXT_ADDRESS_CODES.has(errorCode(err) ?? '')) {
          this.connectToAddress(opts, servername, addresses, index + 1, callback);
          return;
        }
        callback(...args);
      });
    } catch (err) {
      // We are in a lookup callback here, outside undici's own try/catch: report, never throw.
      callback(toError(err), null);
    }
  }
}

function noop(): void {}

/** `localhost` and any name under `.localhost` (with or without the root dot). */
function isLoopbackName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}

/** The URL when it is an https:// one, else why not. */
function httpsUrl(value: string): URL | string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'Invalid URL';
  }
  return url.protocol === 'https:' ? url : `Only https:// URLs are allowed, not ${url.protocol}`;
}

/** One attempt's deadline: aborts the request and rejects whatever races it once it passes. */
class Deadline {
  readonly signal: AbortSignal;
  passed = false;
  private readonly timer: NodeJS.Timeout;
  private readonly expired: Promise<never>;

  constructor(ms: number) {
    const controller = new AbortController();
    this.signal = controller.signal;
    let reject: (err: Error) => void = noop;
    this.expired = new Promise<never>((_resolve, r) => (reject = r));
    this.expired.catch(noop);
    this.timer = setTimeout(() => {
      this.passed = true;
      controller.abort();
      reject(new Error('deadline'));
    }, ms);
  }

  race<T>(p: Promise<T>): Promise<T> {
    return Promise.race([p, this.expired]);
  }

  clear(): void {
    clearTimeout(this.timer);
  }
}

/** A response that arrived whole: a success for a 2xx, else a failed attempt with its status. */
function answered(
  startedAt: number,
  status: number,
  responseHeaders: Record<string, string>,
  body: { bytes: Buffer; truncated: boolean },
): AttemptResult {
  const ok = status >= 200 && status < 300;
  return {
    ok,
    status,
    responseHeaders,
    responseBody: body.bytes,
    responseBodyTruncated: body.truncated,
    durationMs: elapsed(startedAt),
    retryAfterMs: ok ? null : parseRetryAfter(responseHeaders['retry-after'], new Date()),
    error: ok ? null : { code: 'http_status', message: statusMessage(status) },
  };
}

const EMPTY = Buffer.alloc(0);

function toError(err: unknown): Error {
  return typeof err === 'object' && err !== null && 'message' in err
    ? (err as Error)
    : new Error(String(err));
}

function readCaFile(file: string): string {
  const pem = readFileSync(file, 'utf8');
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new Error(`CA file ${file} holds no PEM certificate`);
  }
  return pem;
}

function elapsed(startedAt: number): number {
  return Math.round(performance.now() - startedAt);
}

function failure(startedAt: number, code: AttemptErrorCode, message: string): AttemptResult {
  return {
    ok: false,
    status: null,
    responseHeaders: {},
    responseBody: EMPTY,
    responseBodyTruncated: false,
    durationMs: elapsed(startedAt),
    retryAfterMs: null,
    error: { code, message },
  };
}

function flattenHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value !== undefined) {
      flat[name] = Array.isArray(value) ? value.join(', ') : value;
    }
  }
  return flat;
}

function statusMessage(status: number): string {
  const reason = STATUS_CODES[status];
  const text = reason ? `HTTP ${status} ${reason}` : `HTTP ${status}`;
  return status >= 300 && status < 400 ? `${text} (redirects are not followed)` : text;
}

/**
 * Reads at most `limit` bytes of a body. Past the limit it stops and destroys the stream (which
 * closes the connection) instead of draining the rest.
 */
function readLimited(
  body: Readable,
  limit: number,
): Promise<{ bytes: Buffer; truncated: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (truncated: boolean): void => {
      body.off('data', onData).off('end', onEnd).off('error', onError);
      resolve({ bytes: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size), truncated });
    };
    const onData = (chunk: Buffer): void => {
      if (size + chunk.length > limit) {
        chunks.push(chunk.subarray(0, limit - size));
        size = limit;
        body.on('error', noop).destroy();
        finish(true);
        return;
      }
      chunks.push(chunk);
      size += chunk.length;
    };
    const onEnd = (): void => finish(false);
    const onError = (err: Error): void => {
      body.off('data', onData).off('end', onEnd);
      reject(err);
    };
    body.on('data', onData).on('end', onEnd).on('error', onError);
  });
}

function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The first coded error along the `cause` chain (undici and fetch wrap the system error). */
function rootCoded(err: unknown): { code: string; message: string; reason: unknown } | null {
  // Duck-typed, not instanceof: errors from Node internals may come from another realm.
  let current: unknown = err;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    const candidate = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof candidate.code === 'string') {
      const message = typeof candidate.message === 'string' ? candidate.message : '';
      return { code: candidate.code, message, reason: (candidate as { reason?: unknown }).reason };
    }
    current = candidate.cause;
  }
  return null;
}

const CERT_NOT_TRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_CHAIN_TOO_LONG',
  'INVALID_CA',
  'INVALID_PURPOSE',
  'PATH_LENGTH_EXCEEDED',
]);

const DNS_CODES = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EAI_NONAME',
  'EAI_NODATA',
  'ENODATA',
  'ESERVFAIL',
  'ENONAME',
  'EREFUSED',
]);

const CONNECTION_MESSAGES: Record<string, string> = {
  ECONNREFUSED: 'Connection refused',
  ECONNRESET: 'Connection reset by peer',
  EPIPE: 'Connection closed by the receiver while sending',
  ECONNABORTED: 'Connection aborted',
  EHOSTUNREACH: 'Host unreachable',
  ENETUNREACH: 'Network unreachable',
  EADDRNOTAVAIL: 'Address not available',
  UND_ERR_SOCKET: 'Connection closed by the receiver before a complete response',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'Response body did not match its Content-Length',
  UND_ERR_HEADERS_OVERFLOW: 'Response headers too large',
  UND_ERR_CLOSED: 'Sender is closed',
  UND_ERR_DESTROYED: 'Sender is closed',
};

const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

function short(text: string): string {
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

/**
 * Maps a failure to an error class and a short message. Messages are built from error codes and
 * from TLS/OpenSSL texts only, never from anything that could echo the request.
 */
function classifyError(err: unknown, hostname: string): AttemptError {
  const coded = rootCoded(err);
  if (!coded) {
    return { code: 'connection', message: 'Request failed' };
  }
  const { code } = coded;
  if (code === BLOCKED_CODE) {
    return { code: 'blocked_address', message: short(`Refused: ${coded.message}`) };
  }
  if (DNS_CODES.has(code)) {
    if (code === 'ENOTFOUND' || code === 'EAI_NONAME' || code === 'ENONAME') {
      return { code: 'dns', message: short(`Host not found: ${hostname}`) };
    }
    if (code === 'EAI_AGAIN') {
      return { code: 'dns', message: short(`DNS lookup failed temporarily for ${hostname}`) };
    }
    return { code: 'dns', message: short(`DNS lookup failed for ${hostname} (${code})`) };
  }
  if (TIMEOUT_CODES.has(code)) {
    return { code: 'timeout', message: 'Timed out' };
  }
  if (CERT_NOT_TRUSTED.has(code)) {
    return { code: 'tls', message: short(`Certificate not trusted: ${coded.message}`) };
  }
  if (code === 'CERT_HAS_EXPIRED') {
    return { code: 'tls', message: 'Certificate expired' };
  }
  if (code === 'CERT_NOT_YET_VALID') {
    return { code: 'tls', message: 'Certificate not yet valid' };
  }
  if (code === 'CERT_REVOKED') {
    return { code: 'tls', message: 'Certificate revoked' };
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID' || code === 'HOSTNAME_MISMATCH') {
    return {
      code: 'tls',
      message: short(`Certificate does not match the host: ${coded.message}`),
    };
  }
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || code === 'EPROTO') {
    const detail = typeof coded.reason === 'string' && coded.reason ? coded.reason : code;
    return { code: 'tls', message: short(`TLS handshake failed: ${detail}`) };
  }
  if (code in CONNECTION_MESSAGES) {
    return { code: 'connection', message: CONNECTION_MESSAGES[code] };
  }
  if (code.startsWith('HPE_')) {
    return { code: 'connection', message: 'Invalid HTTP response from the receiver' };
  }
  return { code: 'connection', message: `Request failed (${code})` };
}
