/** Command-line options of `npm run demo -- [options]`. */
export interface DemoOptions {
  /** Stop by itself after this many seconds of traffic (then drain, print a summary, exit). */
  durationSeconds: number | null;
  /** Database of the demo; default: DATABASE_URL with its database name replaced by `zorio_demo`. */
  databaseUrl: string | null;
  /** Redis key prefix of the demo; default `zorio-demo`. */
  redisPrefix: string;
  /** HTTP port of the platform (API and console); default PORT, else 3000. 0 = any free port. */
  port: number | null;
  /** Port of the local HTTPS receiver; default 3443 (a stable URL keeps one webhook). 0 = any. */
  receiverPort: number;
  /** Where the demo keeps its admin password and keys; default `.demo-admin` in the repo root. */
  stateFile: string | null;
  /** pino level of the platform's own logs (to stderr); default `warn`. */
  logLevel: string;
  /** Print one line per delivery (default true). */
  printEvents: boolean;
}

export const USAGE = `Usage: npm run demo -- [options]

  --duration <seconds>     stop after this many seconds of traffic, print a summary, exit
  --port <port>            platform HTTP port (default: PORT from the environment/.env, else 3000; 0 = any)
  --receiver-port <port>   local HTTPS receiver port (default 3443; 0 = any)
  --database-url <url>     database of the demo (default: DATABASE_URL with the name zorio_demo)
  --redis-prefix <prefix>  Redis key prefix of the demo (default zorio-demo)
  --state-file <path>      the demo's admin password and keys (default .demo-admin)
  --log-level <level>      the platform's log level, logs go to stderr (default warn)
  --quiet                  do not print a line per delivery (the summary still is)
  --help                   this text
`;

export class UsageError extends Error {}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function port(name: string, value: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) {
    throw new UsageError(`${name} must be a port number (0-65535)`);
  }
  return Number(value);
}

/** Parses argv (without node and the script); throws UsageError on anything it does not know. */
export function parseArgs(argv: readonly string[]): DemoOptions | 'help' {
  const options: DemoOptions = {
    durationSeconds: null,
    databaseUrl: null,
    redisPrefix: 'zorio-demo',
    port: null,
    receiverPort: 3443,
    stateFile: null,
    logLevel: 'warn',
    printEvents: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--'))
        throw new UsageError(`${name} needs a value`);
      i += 1;
      return next;
    };
    switch (name) {
      case '--help':
      case '-h':
        return 'help';
      case '--duration': {
        const v = value();
        if (!/^\d+(\.\d+)?$/.test(v) || Number(v) <= 0) {
          throw new UsageError('--duration must be a positive number of seconds');
        }
        options.durationSeconds = Number(v);
        break;
      }
      case '--port':
        options.port = port(name, value());
        break;
      case '--receiver-port':
        options.receiverPort = port(name, value());
        break;
      case '--database-url': {
        const v = value();
        if (!/^postgres(ql)?:\/\/.+\/[^/?]+/.test(v)) {
          throw new UsageError('--database-url must be a postgres:// URL naming a database');
        }
        options.databaseUrl = v;
        break;
      }
      case '--redis-prefix': {
        const v = value();
        if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(v)) {
          throw new UsageError('--redis-prefix must be 1-64 characters of A-Z a-z 0-9 _ . : -');
        }
        options.redisPrefix = v;
        break;
      }
      case '--state-file':
        options.stateFile = value();
        break;
      case '--log-level': {
        const v = value();
        if (!LOG_LEVELS.includes(v)) {
          throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);
        }
        options.logLevel = v;
        break;
      }
      case '--quiet':
        options.printEvents = false;
        break;
      default:
        throw new UsageError(`unknown option ${arg}`);
    }
  }
  return options;
}
