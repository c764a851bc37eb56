/**
 * Incremental parser for the FreeSWITCH event-socket (mod_event_socket) wire format.
 *
 * A frame is a block of `Name: value` header lines ended by a blank line ("\n\n"), optionally
 * followed by exactly `Content-Length` bytes of body. Every frame FreeSWITCH writes carries a
 * `Content-Type`: `auth/request`, `command/reply`, `api/response`, `text/event-json`,
 * `text/event-plain`, `text/disconnect-notice`, `text/rude-rejection`, `log/data`.
 *
 * The parser works on bytes: Content-Length is counted in bytes and text is decoded only once a
 * header block or body is complete, so a multi-byte UTF-8 character split across TCP packets is
 * decoded correctly. `push()` never throws: a malformed frame becomes an `error` output and the
 * parser resynchronises on the next frame start (see `resync` below).
 */

export type EslContentType =
  | 'auth/request'
  | 'command/reply'
  | 'api/response'
  | 'text/event-json'
  | 'text/event-plain'
  | 'text/disconnect-notice'
  | 'text/rude-rejection'
  | 'log/data';

export interface EslFrame {
  /** Value of the `Content-Type` header (any string; the known ones are `EslContentType`). */
  readonly contentType: string;
  /** Outer header block, names as sent, values verbatim. */
  readonly headers: Readonly<Record<string, string>>;
  /** Body decoded as UTF-8 (empty when there is no Content-Length). */
  readonly body: string;
}

/** A FreeSWITCH event: FreeSWITCH's JSON event bodies are flat objects of strings. */
export interface EslEvent {
  /** `Event-Name`, e.g. `CHANNEL_ANSWER`. */
  readonly name: string;
  /** Every event header (`Event-Name`, `Unique-ID`, `variable_*`, ...) except `_body`. */
  readonly headers: Readonly<Record<string, string>>;
  /** The event's own body (`_body` in JSON, the Content-Length body in plain), if any. */
  readonly body?: string;
}

export type EslParseErrorCode =
  | 'bad_content_length'
  | 'malformed_headers'
  | 'headers_too_large'
  | 'invalid_event_json'
  | 'invalid_event_plain';

export interface EslParseError {
  readonly code: EslParseErrorCode;
  readonly message: string;
  /** Bytes dropped to get back in sync (0 when the frame itself was well delimited). */
  readonly discardedBytes: number;
  /** The first bytes of the offending data (UTF-8, at most 200 characters), for logs. */
  readonly sample: string;
}

export type EslParserOutput =
  | { readonly kind: 'frame'; readonly frame: EslFrame }
  | { readonly kind: 'event'; readonly frame: EslFrame; readonly event: EslEvent }
  | { readonly kind: 'error'; readonly error: EslParseError };

export interface EslParserOptions {
  /** Largest accepted header block; beyond it the data is treated as garbage. Default 64 KiB. */
  maxHeaderBytes?: number;
  /** Largest accepted Content-Length. Default 16 MiB. */
  maxBodyBytes?: number;
}

const LF = 0x0a;
const CR = 0x0d;
const SAMPLE_CHARS = 200;
/** Header names every FreeSWITCH frame starts with; used to find the next frame after garbage. */
const FRAME_STARTS = [Buffer.from('Content-Type:'), Buffer.from('Content-Length:')];
const LONGEST_FRAME_START = Math.max(...FRAME_STARTS.map((b) => b.length));
/** Outer frame header names are tokens (`Content-Type`, `Reply-Text`, `Job-UUID`, ...). */
const FRAME_HEADER_LINE = /^([A-Za-z0-9][A-Za-z0-9_.-]*):[ \t]?(.*)$/;
/** Inside a plain event, variable names may hold any character but a colon. */
const EVENT_HEADER_LINE = /^([^:\s][^:]*):[ \t]?(.*)$/;
/** Content types that always carry a body; without Content-Length the block is garbage. */
const BODY_REQUIRED = new Set(['text/event-json', 'text/event-plain', 'log/data']);

interface Pending {
  readonly headers: Record<string, string>;
  readonly contentType: string;
  readonly length: number;
}

export class EslParser {
  private readonly maxHeaderBytes: number;
  private readonly maxBodyBytes: number;
  private buffer: Buffer = Buffer.alloc(0);
  /** Chunks of a long body not yet joined to `buffer` (avoids re-copying on every packet). */
  private tail: Buffer[] = [];
  private tailBytes = 0;
  /** Header block parsed, waiting for `length` body bytes. */
  private pending: Pending | null = null;
  /** After garbage: drop bytes until a frame start is seen. */
  private resyncing = false;
  /** Where the header-terminator search resumes (avoids rescanning a growing block). */
  private scanFrom = 0;

  constructor(options: EslParserOptions = {}) {
    this.maxHeaderBytes = options.maxHeaderBytes ?? 64 * 1024;
    this.maxBodyBytes = options.maxBodyBytes ?? 16 * 1024 * 1024;
  }

  /** Bytes received but not yet consumed by a complete frame. */
  get bufferedBytes(): number {
    return this.buffer.length + this.tailBytes;
  }

  /** Feed the next chunk from the socket; returns every frame/event/error it completes. */
  push(chunk: Buffer | string): EslParserOutput[] {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    if (bytes.length === 0) return [];
    if (this.pending && this.buffer.length + this.tailBytes + bytes.length < this.pending.length) {
      this.tail.push(bytes);
      this.tailBytes += bytes.length;
      return [];
    }
    this.buffer =
      this.buffer.length === 0 && this.tail.length === 0
        ? bytes
        : Buffer.concat([this.buffer, ...this.tail, bytes]);
    this.tail = [];
    this.tailBytes = 0;
    const out: EslParserOutput[] = [];
    try {
      this.drain(out);
    } catch (err: unknown) {
      // Defensive: the steps above are written not to throw; if one ever does, drop what we
      // hold rather than let the exception escape into a socket 'data' handler.
      out.push({ kind: 'error', error: this.discardAll('malformed_headers', describe(err)) });
    }
    return out;
  }

  /** Forget any partial frame (call when the connection is replaced). */
  reset(): void {
    this.buffer = Buffer.alloc(0);
    this.tail = [];
    this.tailBytes = 0;
    this.pending = null;
    this.resyncing = false;
    this.scanFrom = 0;
  }

  /** Takes every complete frame from the buffer, a header block then its body, until one waits. */
  private drain(out: EslParserOutput[]): void {
    for (;;) {
      const more = this.pending ? this.takeBody(this.pending, out) : this.takeHeaderBlock(out);
      if (!more) return;
    }
  }

  /** The pending frame's body, once all of it has arrived; false while it has not. */
  private takeBody({ headers, contentType, length }: Pending, out: EslParserOutput[]): boolean {
    if (this.buffer.length < length) return false;
    const bodyBytes = this.buffer.subarray(0, length);
    this.buffer = this.buffer.subarray(length);
    this.pending = null;
    out.push(toOutput({ contentType, headers, body: bodyBytes.toString('utf8') }));
    return true;
  }

  /**
   * The next header block: a frame without body is output, one with a body becomes `pending`, a
   * bad block an error (and a resync). False when the block has not fully arrived yet.
   */
  private takeHeaderBlock(out: EslParserOutput[]): boolean {
    if (this.resyncing && !this.skipToFrameStart(out)) return false;
    this.skipLeadingNewlines();
    if (this.buffer.length === 0) return false;
    const end = findHeaderEnd(this.buffer, this.scanFrom);
    if (!end) {
      if (this.buffer.length <= this.maxHeaderBytes) {
        this.scanFrom = Math.max(0, this.buffer.length - 3);
        return false;
      }
      const message = `no end of header block within ${this.maxHeaderBytes} bytes`;
      out.push({ kind: 'error', error: this.startResync('headers_too_large', message, 1) });
      return true;
    }
    this.scanFrom = 0;
    const frame = this.readHeaderBlock(end);
    if ('code' in frame) {
      out.push({ kind: 'error', error: frame });
      return true;
    }
    this.buffer = this.buffer.subarray(end.next);
    if (frame.length === 0) {
      out.push(toOutput({ contentType: frame.contentType, headers: frame.headers, body: '' }));
    } else {
      this.pending = frame;
    }
    return true;
  }

  /** A complete header block's headers, content type and body length, or why it is garbage. */
  private readHeaderBlock(end: { headerEnd: number; next: number }): Pending | EslParseError {
    const block = this.buffer.subarray(0, end.headerEnd).toString('utf8');
    const headers = parseHeaderLines(block, FRAME_HEADER_LINE);
    const contentType = headers ? lookup(headers, 'Content-Type') : undefined;
    const rawLength = headers ? lookup(headers, 'Content-Length') : undefined;
    const problem = !headers
      ? 'header line without "name: value"'
      : contentType === undefined
        ? 'header block without Content-Type'
        : rawLength === undefined && BODY_REQUIRED.has(contentType)
          ? `${contentType} frame without Content-Length`
          : null;
    if (!headers || contentType === undefined || problem) {
      return this.startResync('malformed_headers', problem ?? 'malformed header block', 1);
    }
    if (rawLength === undefined) return { headers, contentType, length: 0 };
    const trimmed = rawLength.trim();
    const length = /^\d{1,10}$/.test(trimmed) ? Number(trimmed) : NaN;
    if (!Number.isSafeInteger(length) || length > this.maxBodyBytes) {
      return this.startResync(
        'bad_content_length',
        `invalid Content-Length ${JSON.stringify(rawLength)} (${contentType})`,
        end.next,
      );
    }
    return { headers, contentType, length };
  }

  /**
   * Drops `drop` bytes (at least the start of the bad data), then enters resync mode: bytes are
   * discarded until a `Content-Type:`/`Content-Length:` header name appears. The body of a frame
   * whose length is unknown is thereby skipped. In a JSON body those names are quoted keys
   * (`"Content-Length":`), so they only match inside a string value that happens to hold them:
   * resynchronisation is best effort, and a frame after the bad one may be lost with it.
   */
  private startResync(code: EslParseErrorCode, message: string, drop: number): EslParseError {
    const sample = sampleOf(this.buffer);
    const dropped = Math.min(Math.max(drop, 1), this.buffer.length);
    this.buffer = this.buffer.subarray(dropped);
    this.scanFrom = 0;
    this.resyncing = true;
    return { code, message, discardedBytes: dropped, sample };
  }

  /** Returns true once the buffer starts at a frame start (resync finished). */
  private skipToFrameStart(out: EslParserOutput[]): boolean {
    let best = -1;
    for (const marker of FRAME_STARTS) {
      const at = this.buffer.indexOf(marker);
      if (at >= 0 && (best < 0 || at < best)) best = at;
    }
    if (best < 0) {
      const keep = Math.min(this.buffer.length, LONGEST_FRAME_START - 1);
      this.addDiscarded(out, this.buffer.length - keep);
      this.buffer = this.buffer.subarray(this.buffer.length - keep);
      return false;
    }
    this.addDiscarded(out, best);
    this.buffer = this.buffer.subarray(best);
    this.resyncing = false;
    return true;
  }

  /** Bytes skipped while resyncing are added to the error that started the resync. */
  private addDiscarded(out: EslParserOutput[], count: number): void {
    if (count <= 0) return;
    const last = out[out.length - 1];
    if (last?.kind === 'error') {
      out[out.length - 1] = {
        kind: 'error',
        error: { ...last.error, discardedBytes: last.error.discardedBytes + count },
      };
    }
  }

  private skipLeadingNewlines(): void {
    let i = 0;
    while (i < this.buffer.length && (this.buffer[i] === LF || this.buffer[i] === CR)) i++;
    if (i > 0) {
      this.buffer = this.buffer.subarray(i);
      this.scanFrom = 0;
    }
  }

  private discardAll(code: EslParseErrorCode, message: string): EslParseError {
    const error = {
      code,
      message,
      discardedBytes: this.buffer.length,
      sample: sampleOf(this.buffer),
    };
    this.reset();
    return error;
  }
}

/**
 * Parses a FreeSWITCH JSON event body. Values are normally strings; numbers and booleans are
 * stringified, nested values JSON-encoded, nulls dropped. `_body` becomes `body`.
 */
export function parseJsonEvent(body: string): EslEvent | EslParseError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (err: unknown) {
    return invalid('invalid_event_json', `event body is not JSON: ${describe(err)}`, body);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return invalid('invalid_event_json', 'event body is not a JSON object', body);
  }
  const headers: Record<string, string> = {};
  let eventBody: string | undefined;
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    const text = stringify(value);
    if (text === undefined) continue;
    if (key === '_body') eventBody = text;
    else headers[key] = text;
  }
  const name = headers['Event-Name'];
  if (!name) return invalid('invalid_event_json', 'event without Event-Name', body);
  return eventBody === undefined ? { name, headers } : { name, headers, body: eventBody };
}

/**
 * Parses a `text/event-plain` body: URL-encoded `Name: value` lines, a blank line, then an
 * optional body of the inner `Content-Length`.
 */
export function parsePlainEvent(body: string): EslEvent | EslParseError {
  const bytes = Buffer.from(body, 'utf8');
  const end = findHeaderEnd(bytes, 0);
  const block = (end ? bytes.subarray(0, end.headerEnd) : bytes).toString('utf8');
  const raw = parseHeaderLines(block, EVENT_HEADER_LINE);
  if (!raw) return invalid('invalid_event_plain', 'event header line without "name: value"', body);
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) headers[key] = decodeValue(value);
  const name = headers['Event-Name'];
  if (!name) return invalid('invalid_event_plain', 'event without Event-Name', body);
  const innerLength = Number(headers['Content-Length'] ?? '0');
  if (end && Number.isSafeInteger(innerLength) && innerLength > 0) {
    const eventBody = bytes.subarray(end.next, end.next + innerLength).toString('utf8');
    return { name, headers, body: eventBody };
  }
  return { name, headers };
}

function toOutput(frame: EslFrame): EslParserOutput {
  if (frame.contentType !== 'text/event-json' && frame.contentType !== 'text/event-plain') {
    return { kind: 'frame', frame };
  }
  const event =
    frame.contentType === 'text/event-json'
      ? parseJsonEvent(frame.body)
      : parsePlainEvent(frame.body);
  return 'code' in event ? { kind: 'error', error: event } : { kind: 'event', frame, event };
}

/** Finds the blank line ending a header block: "\n\n", tolerating "\r\n" line ends. */
function findHeaderEnd(buf: Buffer, from: number): { headerEnd: number; next: number } | null {
  let i = buf.indexOf(LF, from);
  while (i >= 0) {
    let j = i + 1;
    if (buf[j] === CR) j++;
    if (j < buf.length && buf[j] === LF) return { headerEnd: i, next: j + 1 };
    i = buf.indexOf(LF, i + 1);
  }
  return null;
}

/** `Name: value` lines to a record; null when a line is not a header line. */
function parseHeaderLines(block: string, pattern: RegExp): Record<string, string> | null {
  const headers: Record<string, string> = {};
  for (const rawLine of block.split('\n')) {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line === '') continue;
    const m = pattern.exec(line);
    if (!m) return null;
    headers[m[1]] = m[2];
  }
  return headers;
}

function lookup(headers: Record<string, string>, name: string): string | undefined {
  if (name in headers) return headers[name];
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === lower) return value;
  }
  return undefined;
}

function stringify(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  return JSON.stringify(value);
}

/** FreeSWITCH percent-encodes plain event values ("+" is literal). */
function decodeValue(value: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function invalid(code: EslParseErrorCode, message: string, body: string): EslParseError {
  return { code, message, discardedBytes: 0, sample: body.slice(0, SAMPLE_CHARS) };
}

function sampleOf(buf: Buffer): string {
  return buf
    .subarray(0, SAMPLE_CHARS * 4)
    .toString('utf8')
    .slice(0, SAMPLE_CHARS);
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
