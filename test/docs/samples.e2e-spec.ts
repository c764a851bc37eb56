import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { signatureHeaders } from '../../src/modules/deliveries/sending/signing';
import { WebhookFixture, publish } from '../support/webhooks';

/**
 * The receiver samples of docs/samples/ (Node.js, Python, PHP, Go) verify requests signed by the
 * platform: one captured off the wire from a real delivery, others signed by the platform's
 * signing path with a stale timestamp, a changed body or another secret, which each sample must
 * refuse. A missing interpreter or compiler fails the file (.ci/run installs them).
 */
const SAMPLES = resolve(__dirname, '../../docs/samples');
const SCHEMES = ['zorio', 'standard'] as const;
type Scheme = (typeof SCHEMES)[number];

interface SignedRequest {
  headers: Record<string, string>;
  body: Buffer;
}

interface Sample {
  language: string;
  command: string;
  args: (scheme: Scheme, headersFile: string) => string[];
}

function requireTool(command: string, versionArg: string): void {
  const probe = spawnSync(command, [versionArg], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      `${command} is needed by the receiver-sample tests and is not installed (.ci/run installs it)`,
    );
  }
}

function buildGoSample(dir: string): string {
  requireTool('go', 'version');
  const binary = join(dir, 'verify-go');
  execFileSync('go', ['build', '-o', binary, '.'], {
    cwd: join(SAMPLES, 'go'),
    env: { ...process.env, GOFLAGS: '-mod=mod', GO111MODULE: 'on' },
    stdio: 'pipe',
  });
  return binary;
}

function samples(goBinary: string): Sample[] {
  return [
    {
      language: 'Node.js',
      command: process.execPath,
      args: (s, h) => [join(SAMPLES, 'node/verify.mjs'), s, h],
    },
    {
      language: 'Python',
      command: 'python3',
      args: (s, h) => [join(SAMPLES, 'python/verify.py'), s, h],
    },
    { language: 'PHP', command: 'php', args: (s, h) => [join(SAMPLES, 'php/verify.php'), s, h] },
    { language: 'Go', command: goBinary, args: (s, h) => [s, h] },
  ];
}

function sign(secret: string, body: Buffer, timestamp = Math.floor(Date.now() / 1000)) {
  return signatureHeaders({
    secret,
    deliveryId: randomUUID(),
    event: 'telesales.lead.created',
    timestamp,
    body,
    isTest: false,
    userAgentVersion: '1.0.0',
  });
}

describe('receiver samples in docs/samples verify real signed requests', () => {
  const f = new WebhookFixture({});
  let dir: string;
  let all: Sample[];
  let captured: SignedRequest;
  let secret: string;

  beforeAll(async () => {
    requireTool('python3', '--version');
    requireTool('php', '--version');
    dir = mkdtempSync(join(tmpdir(), 'zorio-samples-'));
    all = samples(buildGoSample(dir));
    // A real delivery, as the receiver got it over HTTPS.
    const receiver = await f.receiver();
    const hook = await f.hook(receiver.url, ['telesales.lead.created']);
    secret = hook.secret;
    await publish(f.t, 'telesales.lead.created');
    const [req] = await receiver.waitFor(1, 15_000);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string') headers[name] = value;
    }
    captured = { headers, body: req.body };
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function run(sample: Sample, scheme: Scheme, request: SignedRequest, key: string) {
    const headersFile = join(dir, `headers-${randomUUID()}.json`);
    writeFileSync(headersFile, JSON.stringify(request.headers));
    const result = spawnSync(sample.command, sample.args(scheme, headersFile), {
      input: request.body,
      env: { ...process.env, ZORIO_WEBHOOK_SECRET: key },
      encoding: 'utf8',
    });
    return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
  }

  /** Runs every sample on both schemes; one line per run, e.g. `PHP standard: 0 verified`. */
  function expectVerdict(
    request: () => SignedRequest,
    key: () => string,
    verdict: 'accept' | 'reject',
  ) {
    const runs = all.flatMap((sample) => SCHEMES.map((scheme) => ({ sample, scheme })));
    const got = runs.map(({ sample, scheme }) => {
      const { status, output } = run(sample, scheme, request(), key());
      return `${sample.language} ${scheme}: ${status} ${output}`;
    });
    const want = runs.map(({ sample, scheme }) =>
      verdict === 'accept'
        ? `${sample.language} ${scheme}: 0 verified`
        : expect.stringMatching(new RegExp(`^${sample.language} ${scheme}: 1 rejected: `)),
    );
    expect(got).toEqual(want);
  }

  it('the captured request carries non-ASCII text, so the samples hash bytes, not characters', () => {
    expect(captured.body.toString('utf8')).toMatch(/[\u0080-\uffff]/);
    expect(captured.headers['x-zorio-signature']).toMatch(/^sha256=/);
    expect(captured.headers['webhook-signature']).toMatch(/^v1,/);
  });

  it('accept a delivery captured from the platform', () => {
    expectVerdict(
      () => captured,
      () => secret,
      'accept',
    );
  });

  it('accept a request signed now by the platform signing path', () => {
    const body = Buffer.from(
      JSON.stringify({ event: 'telesales.lead.created', data: { full_name: 'Trần Thị Bích' } }),
    );
    expectVerdict(
      () => ({ headers: sign(secret, body), body }),
      () => secret,
      'accept',
    );
  });

  it('reject the captured request with its body changed by one byte', () => {
    const body = Buffer.from(captured.body);
    body[body.length - 2] ^= 0x01;
    expectVerdict(
      () => ({ headers: captured.headers, body }),
      () => secret,
      'reject',
    );
  });

  it('reject the captured request checked with another secret', () => {
    expectVerdict(
      () => captured,
      () => secret.slice(1) + 'x',
      'reject',
    );
  });

  it('reject a request whose timestamp is more than 300 s old, or ahead', () => {
    const now = Math.floor(Date.now() / 1000);
    for (const timestamp of [now - 301 - 5, now + 301 + 5]) {
      const headers = sign(secret, captured.body, timestamp);
      expectVerdict(
        () => ({ headers, body: captured.body }),
        () => secret,
        'reject',
      );
    }
  });

  it('reject a request without signatures', () => {
    const { 'x-zorio-signature': _z, 'webhook-signature': _w, ...headers } = captured.headers;
    expectVerdict(
      () => ({ headers, body: captured.body }),
      () => secret,
      'reject',
    );
  });
});
