import type { LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import tls from 'node:tls';
import { startReceiver, type Receiver } from '../../../../test/support/https-receiver';
import { getTestPki } from '../../../../tools/pki/test-ca';
import { verifyZorioSignature } from '../../../../tools/webhooks/verify-signature';
import { signatureHeaders } from './signing';
import { responseText } from './response-text';
import {
  MAX_RESPONSE_BODY_BYTES,
  WebhookSender,
  type AttemptResult,
  type LookupAllFunction,
  type WebhookSenderOptions,
} from './webhook-sender';

const SECRET = 'S3cr3tS3cr3tS3cr3tS3cr3tS3cr3t42';
const body = Buffer.from(
  JSON.stringify({
    event: 'pbx.call.hangup',
    timestamp: '2026-06-29T03:30:12Z',
    tenant_id: 1,
    data: {},
  }),
);
const headers = signatureHeaders({
  secret: SECRET,
  deliveryId: '6f1c1f2e-5b8a-4a5e-9d3c-2b1a0f9e8d7c',
  event: 'pbx.call.hangup',
  timestamp: Math.floor(Date.now() / 1000),
  body,
  isTest: false,
  userAgentVersion: '1.0.0',
});

function isLoopback(host: unknown): boolean {
  return host === '127.0.0.1' || host === '::1' || host === 'localhost';
}

/**
 * Safety net for the whole file: the machine may only send packets to loopback. Every TLS
 * connection the sender opens goes through tls.connect; anything else is stopped here, before a
 * socket exists, so even a broken guard cannot reach 10.x, 169.254.x or the internet. Tests of
 * refusals also assert that tls.connect was never called at all.
 */
const realTlsConnect = tls.connect;
const tlsConnect = jest
  .spyOn(tls, 'connect')
  .mockImplementation((...args: Parameters<typeof tls.connect>) => {
    const host = (args[0] as tls.ConnectionOptions).host;
    if (!isLoopback(host)) {
      throw new Error(`test tripwire: refused a connection to ${String(host)}`);
    }
    return (realTlsConnect as (...a: unknown[]) => tls.TLSSocket)(...args);
  });

const senders: WebhookSender[] = [];
const receivers: Receiver[] = [];

function sender(options: Partial<WebhookSenderOptions> = {}): WebhookSender {
  const s = new WebhookSender({
    timeoutMs: 3000,
    allowPrivateNetworks: true,
    caFile: getTestPki().caFile,
    ...options,
  });
  senders.push(s);
  return s;
}

async function receiver(...args: Parameters<typeof startReceiver>): Promise<Receiver> {
  const r = await startReceiver(...args);
  receivers.push(r);
  return r;
}

/** A resolver that answers every name with the given addresses (and records the names). */
function fixedLookup(addresses: string[]): LookupAllFunction & { names: string[] } {
  const names: string[] = [];
  const fn = (
    hostname: string,
    _options: { all: true },
    callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
  ): void => {
    names.push(hostname);
    const answer = addresses.map((address) => ({ address, family: isIP(address) }));
    setImmediate(() => callback(null, answer));
  };
  return Object.assign(fn, { names });
}

function expectNoSecretsIn(result: AttemptResult): void {
  const message = result.error?.message ?? '';
  expect(message).not.toContain(headers['X-Zorio-Signature'].slice(7));
  expect(message).not.toContain(headers['webhook-signature'].slice(3));
  expect(message.length).toBeLessThanOrEqual(200);
}

beforeEach(() => tlsConnect.mockClear());

afterAll(async () => {
  await Promise.all(senders.map((s) => s.close()));
  await Promise.all(receivers.map((r) => r.close()));
  tlsConnect.mockRestore();
});

describe('WebhookSender against a real HTTPS receiver', () => {
  it('delivers with a 2xx and passes the headers and body exactly', async () => {
    const r = await receiver({
      respond: { status: 202, headers: { 'x-reply': 'yes' }, body: 'accepted' },
    });
    const result = await sender().send({ url: r.url, headers, body });

    expect(result).toEqual({
      ok: true,
      status: 202,
      responseHeaders: expect.objectContaining({ 'x-reply': 'yes' }),
      responseBody: Buffer.from('accepted'),
      responseBodyTruncated: false,
      durationMs: expect.any(Number),
      retryAfterMs: null,
      error: null,
    });
    const [req] = await r.waitFor(1);
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/webhook');
    expect(req.body.equals(body)).toBe(true);
    for (const [name, value] of Object.entries(headers)) {
      expect(req.headers[name.toLowerCase()]).toBe(value);
    }
    expect(req.headers['content-length']).toBe(String(body.length));
    expect(verifyZorioSignature(SECRET, req.body, req.headers['x-zorio-signature'])).toBe(true);
  });

  it('keeps the query string of the URL', async () => {
    const r = await receiver();
    await sender().send({ url: `${r.url}?token=abc&x=1`, headers, body });
    const [req] = await r.waitFor(1);
    expect(req.path).toBe('/webhook?token=abc&x=1');
  });

  it('reports a 500 as http_status with the body and the Retry-After delay', async () => {
    const r = await receiver({
      respond: { status: 500, headers: { 'retry-after': '120' }, body: '{"error":"boom"}' },
    });
    const result = await sender().send({ url: r.url, headers, body });
    expect(result).toMatchObject({
      ok: false,
      status: 500,
      responseBody: Buffer.from('{"error":"boom"}'),
      retryAfterMs: 120_000,
      error: { code: 'http_status', message: 'HTTP 500 Internal Server Error' },
    });
    expect(result.responseHeaders['retry-after']).toBe('120');
  });

  it('reads a Retry-After HTTP date on a 503', async () => {
    const r = await receiver({
      respond: {
        status: 503,
        headers: { 'retry-after': new Date(Date.now() + 3_600_000).toUTCString() },
      },
    });
    const result = await sender().send({ url: r.url, headers, body });
    expect(result.error?.code).toBe('http_status');
    expect(result.retryAfterMs).toBeGreaterThan(3_590_000);
    expect(result.retryAfterMs).toBeLessThanOrEqual(3_600_000);
  });

  it('reports a 404 as http_status', async () => {
    const r = await receiver({ respond: { status: 404, body: 'no such hook' } });
    const result = await sender().send({ url: r.url, headers, body });
    expect(result).toMatchObject({
      ok: false,
      status: 404,
      responseBody: Buffer.from('no such hook'),
      retryAfterMs: null,
      error: { code: 'http_status', message: 'HTTP 404 Not Found' },
    });
  });

  it('does not follow a 302', async () => {
    const target = await receiver();
    const r = await receiver({ respond: { status: 302, headers: { location: target.url } } });
    const result = await sender().send({ url: r.url, headers, body });
    expect(result).toMatchObject({
      ok: false,
      status: 302,
      error: { code: 'http_status', message: 'HTTP 302 Found (redirects are not followed)' },
    });
    expect(result.responseHeaders.location).toBe(target.url);
    expect(target.tcpConnections).toBe(0);
  });

  it('cuts a receiver that never answers at the deadline', async () => {
    const r = await receiver({ respond: 'hang' });
    const result = await sender({ timeoutMs: 300 }).send({ url: r.url, headers, body });
    expect(result).toMatchObject({ ok: false, status: null, error: { code: 'timeout' } });
    expect(result.error?.message).toBe('No response within 300 ms');
    expect(result.durationMs).toBeGreaterThanOrEqual(290);
    expect(result.durationMs).toBeLessThan(2000);
    expect(r.received).toHaveLength(1);
  });

  it('cuts a body that trickles in at the deadline, keeping the status', async () => {
    const r = await receiver({ respond: { mode: 'slowBody', intervalMs: 50 } });
    const result = await sender({ timeoutMs: 300 }).send({ url: r.url, headers, body });
    expect(result).toMatchObject({ ok: false, status: 200, error: { code: 'timeout' } });
    expect(result.error?.message).toBe('Response body not complete within 300 ms');
    expect(result.durationMs).toBeGreaterThanOrEqual(290);
    expect(result.durationMs).toBeLessThan(2000);
  });

  it('cuts a TLS handshake that never completes at the deadline', async () => {
    // A TCP listener that accepts and then says nothing: the handshake hangs.
    const net = await import('node:net');
    const sockets: import('node:net').Socket[] = [];
    const server = net.createServer((s) => sockets.push(s));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as import('node:net').AddressInfo;
      const result = await sender({ timeoutMs: 300 }).send({
        url: `https://127.0.0.1:${port}/`,
        headers,
        body,
      });
      expect(result).toMatchObject({ ok: false, status: null, error: { code: 'timeout' } });
      expect(result.durationMs).toBeLessThan(2000);
    } finally {
      sockets.forEach((s) => s.destroy());
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('reports a reset connection as connection', async () => {
    const r = await receiver({ respond: 'reset' });
    const result = await sender().send({ url: r.url, headers, body });
    expect(result).toMatchObject({ ok: false, status: null, error: { code: 'connection' } });
    expect(result.error?.message).toMatch(/Connection (reset by peer|closed by the receiver)/);
    expectNoSecretsIn(result);
  });

  it('reports a refused connection as connection', async () => {
    const r = await receiver();
    const url = r.url;
    await r.close();
    const result = await sender().send({ url, headers, body });
    expect(result).toMatchObject({
      ok: false,
      status: null,
      error: { code: 'connection', message: 'Connection refused' },
    });
  });

  it('reports a certificate from an untrusted CA as tls', async () => {
    const r = await receiver({ cert: 'untrusted' });
    const result = await sender().send({ url: r.url, headers, body });
    expect(result).toMatchObject({ ok: false, status: null, error: { code: 'tls' } });
    expect(result.error?.message).toMatch(/^Certificate not trusted: /);
    expect(r.received).toHaveLength(0);
    expectNoSecretsIn(result);
  });

  it('does not trust the test CA without caFile (Node defaults only)', async () => {
    const r = await receiver();
    const result = await sender({ caFile: undefined }).send({ url: r.url, headers, body });
    expect(result.error?.code).toBe('tls');
    expect(result.error?.message).toMatch(/^Certificate not trusted: /);
  });

  it('reports an expired certificate as tls', async () => {
    const r = await receiver({ cert: 'expired' });
    const result = await sender().send({ url: r.url, headers, body });
    expect(result).toMatchObject({ error: { code: 'tls', message: 'Certificate expired' } });
  });

  it('reports a certificate for another host as tls', async () => {
    const r = await receiver({ cert: 'wrongHost' });
    const result = await sender().send({ url: r.localhostUrl, headers, body });
    expect(result.error?.code).toBe('tls');
    expect(result.error?.message).toMatch(/^Certificate does not match the host/);
  });

  it('reports a name that does not resolve as dns', async () => {
    const result = await sender().send({ url: 'https://does-not-exist.invalid/', headers, body });
    expect(result).toMatchObject({
      ok: false,
      status: null,
      error: { code: 'dns', message: 'Host not found: does-not-exist.invalid' },
    });
    expect(tlsConnect).not.toHaveBeenCalled();
  });

  it('refuses URLs that are not https', async () => {
    const s = sender();
    expect((await s.send({ url: 'http://127.0.0.1/', headers, body })).error).toEqual({
      code: 'connection',
      message: 'Only https:// URLs are allowed, not http:',
    });
    expect((await s.send({ url: 'not a url', headers, body })).error).toEqual({
      code: 'connection',
      message: 'Invalid URL',
    });
    expect(tlsConnect).not.toHaveBeenCalled();
  });

  it('reads at most 64 KiB of the body, cut on a character boundary', async () => {
    const big = '€'.repeat(100_000); // 3 bytes each: 300 000 bytes
    const r = await receiver({ respond: { status: 200, body: big } });
    const result = await sender().send({ url: r.url, headers, body });
    expect(result.ok).toBe(true);
    expect(result.responseBodyTruncated).toBe(true);
    expect(result.responseBody).toHaveLength(MAX_RESPONSE_BODY_BYTES);
    expect(responseText(result.responseBody, true)).toBe(
      '€'.repeat(Math.floor(MAX_RESPONSE_BODY_BYTES / 3)),
    );
  });

  it('keeps a body of exactly 64 KiB whole', async () => {
    const r = await receiver({
      respond: { status: 200, body: 'x'.repeat(MAX_RESPONSE_BODY_BYTES) },
    });
    const result = await sender().send({ url: r.url, headers, body });
    expect(result.responseBodyTruncated).toBe(false);
    expect(result.responseBody).toHaveLength(MAX_RESPONSE_BODY_BYTES);
  });

  it('stops reading past 64 KiB without waiting for the rest of the body', async () => {
    // 70 KiB at once, then nothing for a minute: only stopping early finishes before the deadline.
    const r = await receiver({
      respond: { mode: 'slowBody', chunk: Buffer.alloc(70 * 1024, 'a'), intervalMs: 60_000 },
    });
    const result = await sender({ timeoutMs: 2000 }).send({ url: r.url, headers, body });
    expect(result).toMatchObject({
      ok: true,
      status: 200,
      responseBodyTruncated: true,
      error: null,
    });
    expect(result.responseBody).toHaveLength(MAX_RESPONSE_BODY_BYTES);
    expect(result.durationMs).toBeLessThan(1500);
  });

  it('reuses one keep-alive TLS connection for several sends', async () => {
    const r = await receiver();
    const s = sender();
    for (let i = 0; i < 5; i++) {
      expect((await s.send({ url: r.url, headers, body })).ok).toBe(true);
      // undici hands a keep-alive socket back to the pool one event-loop turn after a response
      // (client-h1 onMessageComplete); a worker always spends more than that recording the attempt.
      await new Promise((resolve) => setImmediate(resolve));
    }
    const received = await r.waitFor(5);
    expect(r.tlsConnections).toBe(1);
    expect(new Set(received.map((req) => req.connectionId))).toEqual(new Set([1]));
  });

  it('sends concurrent requests in parallel up to connectionsPerOrigin connections', async () => {
    const r = await receiver();
    const s = sender({ connectionsPerOrigin: 2 });
    const results = await Promise.all(
      Array.from({ length: 6 }, () => s.send({ url: r.url, headers, body })),
    );
    expect(results.every((res) => res.ok)).toBe(true);
    expect(r.tlsConnections).toBeLessThanOrEqual(2);
    expect(r.received).toHaveLength(6);
  });

  it('reports a closed sender as connection', async () => {
    const r = await receiver();
    const s = sender();
    await s.close();
    const result = await s.send({ url: r.url, headers, body });
    expect(result.error?.code).toBe('connection');
    expect(r.tcpConnections).toBe(0);
  });
});

describe('WebhookSender SSRF guard', () => {
  it.each([
    'https://10.0.0.1/',
    'https://169.254.169.254/latest/meta-data/',
    'https://[::1]/',
    'https://[::ffff:127.0.0.1]/',
    'https://[::ffff:7f00:1]/',
    'https://[::ffff:169.254.169.254]/',
    'https://[fe80::1]/',
    'https://[fd00::1]/',
    'https://0.0.0.0/',
    'https://192.168.1.1:8443/',
    'https://172.16.0.1/',
    'https://100.64.0.1/',
    'https://2130706433/', // 127.0.0.1 in decimal; WHATWG URL normalises it
    'https://0x7f.1/', // 127.0.0.1 in hex shorthand
    'https://0251.0376.0251.0376/', // 169.254.169.254 in octal
  ])('refuses %s before any connection', async (url) => {
    const result = await sender({ allowPrivateNetworks: false }).send({ url, headers, body });
    expect(result).toMatchObject({
      ok: false,
      status: null,
      error: { code: 'blocked_address' },
    });
    expect(result.error?.message).toMatch(/^Refused: .* is a private or reserved address$/);
    expect(tlsConnect).not.toHaveBeenCalled();
    expectNoSecretsIn(result);
  });

  it('refuses the loopback receiver itself: it sees no TCP connection at all', async () => {
    const r = await receiver();
    const s = sender({ allowPrivateNetworks: false });
    for (const url of [r.url, r.localhostUrl, `https://[::ffff:127.0.0.1]:${r.port}/webhook`]) {
      const result = await s.send({ url, headers, body });
      expect(result.error?.code).toBe('blocked_address');
    }
    expect(r.tcpConnections).toBe(0);
    expect(tlsConnect).not.toHaveBeenCalled();
  });

  it.each([
    [['10.0.0.1']],
    [['169.254.169.254']],
    [['93.184.216.34', '10.0.0.1']], // any blocked address refuses the name
    [['2606:4700:4700::1111', 'fd00::1']],
    [['::ffff:127.0.0.1']],
  ])('refuses a name resolving to %j before any connection', async (addresses) => {
    const lookup = fixedLookup(addresses);
    const s = sender({ allowPrivateNetworks: false, lookup });
    const result = await s.send({ url: 'https://hooks.example.com/in', headers, body });
    expect(lookup.names).toEqual(['hooks.example.com']);
    expect(result).toMatchObject({ ok: false, status: null, error: { code: 'blocked_address' } });
    expect(result.error?.message).toMatch(
      /^Refused: hooks\.example\.com resolves to .+, a private or reserved address$/,
    );
    expect(tlsConnect).not.toHaveBeenCalled();
  });

  it.each(['localhost', 'LOCALHOST.', 'api.localhost'])(
    'refuses the loopback name %s without asking the resolver',
    async (host) => {
      const lookup = fixedLookup(['93.184.216.34']);
      const s = sender({ allowPrivateNetworks: false, lookup });
      const result = await s.send({ url: `https://${host}/in`, headers, body });
      expect(result.error).toEqual({
        code: 'blocked_address',
        message: expect.stringMatching(/^Refused: .+ is a loopback name$/) as unknown,
      });
      expect(lookup.names).toEqual([]);
      expect(tlsConnect).not.toHaveBeenCalled();
    },
  );

  it('refuses a name that resolves to the loopback receiver: it sees no TCP connection', async () => {
    const r = await receiver();
    const lookup = fixedLookup(['127.0.0.1']);
    const result = await sender({ allowPrivateNetworks: false, lookup }).send({
      url: `https://rebind.example.com:${r.port}/webhook`,
      headers,
      body,
    });
    expect(result.error?.code).toBe('blocked_address');
    expect(r.tcpConnections).toBe(0);
    expect(tlsConnect).not.toHaveBeenCalled();
  });

  it('allows 127.0.0.1 and localhost when private networks are allowed', async () => {
    const r = await receiver();
    const s = sender({ allowPrivateNetworks: true });
    expect((await s.send({ url: r.url, headers, body })).ok).toBe(true);
    expect((await s.send({ url: r.localhostUrl, headers, body })).ok).toBe(true);
    const received = await r.waitFor(2);
    expect(received[0].sni).toBe(false); // no SNI for an IP address
    expect(received[1].sni).toBe('localhost');
  });

  it('connects to the checked address and keeps the name for SNI and certificate checks', async () => {
    const r = await receiver();
    const lookup = fixedLookup(['127.0.0.1']);
    const result = await sender({ allowPrivateNetworks: true, lookup }).send({
      url: r.localhostUrl,
      headers,
      body,
    });
    expect(result.ok).toBe(true);
    expect(lookup.names).toEqual(['localhost']);
    expect(tlsConnect).toHaveBeenCalledTimes(1);
    expect(tlsConnect.mock.calls[0][0]).toMatchObject({
      host: '127.0.0.1',
      servername: 'localhost',
    });
    const [req] = await r.waitFor(1);
    expect(req.sni).toBe('localhost');
  });

  it('falls back to the next resolved address when the first refuses the connection', async () => {
    // The receiver listens on 127.0.0.1 only: ::1 (or IPv6 as a whole) refuses.
    const r = await receiver();
    const lookup = fixedLookup(['::1', '127.0.0.1']);
    const result = await sender({ allowPrivateNetworks: true, lookup }).send({
      url: r.localhostUrl,
      headers,
      body,
    });
    expect(result.ok).toBe(true);
    expect(tlsConnect.mock.calls.map((call) => (call[0] as tls.ConnectionOptions).host)).toEqual([
      '::1',
      '127.0.0.1',
    ]);
  });
});
