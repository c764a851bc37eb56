import pino from 'pino';
import { Writable } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { logDestination, logFormat } from './log-output';

/** A stand-in for process.stdout that keeps what is written. */
function fakeStdout(isTTY: boolean | undefined): Writable & { isTTY?: boolean; text(): string } {
  const chunks: Buffer[] = [];
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
  return Object.assign(out, { isTTY, text: () => Buffer.concat(chunks).toString('utf8') });
}

function logOneLine(
  isTTY: boolean | undefined,
  nodeEnv: string | undefined,
  fields: Record<string, unknown> = { webhook: { secret: 'hunter2-hunter2' }, context: 'Relay' },
  msg = 'relayed 3 events',
): string {
  const stdout = fakeStdout(isTTY);
  const logger = pino(
    { redact: { paths: ['*.secret'], censor: '[redacted]' } },
    logDestination(stdout, nodeEnv),
  );
  logger.info(fields, msg);
  return stdout.text();
}

const withoutColours = stripVTControlCharacters;

describe('logFormat', () => {
  it.each([
    [true, undefined, 'pretty'],
    [true, 'development', 'pretty'],
    [true, 'test', 'pretty'],
    [true, 'production', 'json'],
    [false, undefined, 'json'],
    [false, 'development', 'json'],
    [undefined, 'development', 'json'],
  ] as const)('stdout a TTY: %s, NODE_ENV=%s → %s', (tty, env, format) => {
    expect(logFormat(tty, env)).toBe(format);
  });
});

describe('logDestination', () => {
  it('writes colourised, human-readable lines at a development terminal', () => {
    const text = logOneLine(true, 'development');
    expect(text).toContain('\u001b['); // ANSI colour
    expect(withoutColours(text)).toMatch(/INFO: \[Relay\] relayed 3 events\n/);
    expect(() => JSON.parse(text) as unknown).toThrow();
    expect(text).toContain('[redacted]');
    expect(text).not.toContain('hunter2');
  });

  it('writes a request on one line (method, path, status, time, request id)', () => {
    const request = {
      req: { id: 'req-1', method: 'GET', url: '/api/admin/webhooks' },
      res: { statusCode: 200 },
      responseTime: 4,
    };
    const text = withoutColours(logOneLine(true, undefined, request, 'request completed'));
    expect(text).toMatch(
      /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: request completed GET \/api\/admin\/webhooks → 200 in 4 ms \(req-1\)\n$/,
    );
  });

  it.each([
    ['a pipe in development', false, 'development'],
    ['a terminal in production', true, 'production'],
  ])('writes one JSON object a line to %s', (_label, tty, env) => {
    const text = logOneLine(tty, env);
    expect(text).not.toContain('\u001b[');
    const line = JSON.parse(text) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 30, msg: 'relayed 3 events', context: 'Relay' });
    expect(line.webhook).toEqual({ secret: '[redacted]' });
  });
});
