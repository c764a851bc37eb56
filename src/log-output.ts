import type { Writable } from 'node:stream';
import PinoPretty from 'pino-pretty';

/** pino-http's request line, in one line. */
const REQUEST =
  '{if req.method} {req.method} {req.url} → {res.statusCode} in {responseTime} ms ({req.id}){end}';

/** `pretty`: colourised lines for a person at a terminal; `json`: one object a line, for collectors. */
export type LogFormat = 'pretty' | 'json';

/** Pretty only when a person reads it: stdout is a terminal and this is not production. */
export function logFormat(
  stdoutIsTty: boolean | undefined,
  nodeEnv: string | undefined,
): LogFormat {
  return stdoutIsTty === true && nodeEnv !== 'production' ? 'pretty' : 'json';
}

/**
 * Where pino writes: `stdout` itself for JSON, or a pino-pretty stream in front of it (in this
 * thread, synchronously, so lines keep their order with the rest of stdout and none are lost at
 * exit). Redaction happens in pino before either.
 */
export function logDestination(
  stdout: Writable & { isTTY?: boolean },
  nodeEnv: string | undefined,
): Writable {
  if (logFormat(stdout.isTTY, nodeEnv) === 'json') return stdout;
  return PinoPretty({
    destination: stdout,
    colorize: true,
    sync: true,
    translateTime: 'SYS:HH:MM:ss.l',
    // `[Relay] relayed 3 events`; a request on one line: `request completed GET /x → 200 in 4 ms`.
    messageFormat: `{if context}[{context}] {end}{msg}${REQUEST}`,
    ignore: 'pid,hostname,context,req,res,responseTime',
  });
}
