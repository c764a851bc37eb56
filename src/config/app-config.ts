import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateBy,
  validateSync,
} from 'class-validator';
import { stacked } from '../common/fields';
import { parseRedisNodes, sentinelsProblem } from './redis-nodes';
import { parseTrustProxy } from './trust-proxy';

export type Role = 'all' | 'api' | 'worker';

const toBool = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off', ''].includes(v)) return false;
  return value;
};
const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;

/** A whole number from `min` (to `max`, when given); `message` is the error for any other value. */
const IntSetting = (message: string, min: number, max?: number): PropertyDecorator =>
  stacked(
    Transform(toInt),
    IsInt({ message }),
    Min(min, { message }),
    ...(max === undefined ? [] : [Max(max, { message })]),
  );

/** A whole number of 1 or more. */
const PositiveInt = (message = 'must be a positive integer'): PropertyDecorator =>
  IntSetting(message, 1);

/**
 * The whole configuration of the platform: exactly the variables of the README's Configuration
 * table and .env.example, typed, with their defaults. Nothing else reads process.env.
 */
export class AppConfig {
  @Transform(toInt)
  @IsInt({ message: 'must be an integer port number' })
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsIn(['all', 'api', 'worker'], { message: 'must be one of all, api, worker' })
  ZORIO_ROLE: Role = 'all';

  @Matches(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// URL' })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/zorio';

  /** PostgreSQL itself when DATABASE_URL is a pooler (PgBouncer): the relay's LISTEN, migrations. */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// URL' })
  DATABASE_DIRECT_URL?: string;

  @Matches(/^rediss?:\/\//, { message: 'must be a redis:// or rediss:// URL' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  @Matches(/^[A-Za-z0-9_.:-]{1,64}$/, { message: 'must be 1-64 characters of A-Z a-z 0-9 _ . : -' })
  REDIS_PREFIX = 'zorio';

  /** A Redis Cluster's nodes (some or all): when set, used instead of REDIS_URL's host. */
  @IsOptional()
  @ValidateBy(
    {
      name: 'redisNodes',
      validator: { validate: (v) => typeof v === 'string' && !!parseRedisNodes(v) },
    },
    { message: 'must be a comma-separated list of host:port, e.g. 10.0.0.1:7000,10.0.0.2:7000' },
  )
  REDIS_CLUSTER_NODES?: string;

  /** Redis Sentinels (host:port list) that name the master of REDIS_SENTINEL_NAME. */
  @IsOptional()
  @ValidateBy(
    { name: 'redisSentinels', validator: { validate: (_, a) => !sentinelsProblem(a?.object) } },
    { message: (a) => sentinelsProblem(a.object) ?? '' },
  )
  REDIS_SENTINELS?: string;

  @IsOptional()
  @Matches(/^[A-Za-z0-9_.-]{1,128}$/, {
    message: 'must be the master name the Sentinels monitor (A-Z a-z 0-9 _ . -), e.g. mymaster',
  })
  REDIS_SENTINEL_NAME?: string;

  @ValidateBy(
    {
      name: 'trustProxy',
      validator: {
        validate: (v) => typeof v === 'string' && parseTrustProxy(v) !== null,
      },
    },
    { message: 'must be false, loopback, or a comma list of proxy addresses or CIDRs' },
  )
  TRUST_PROXY = 'loopback';

  @Matches(/^[A-Za-z0-9+/]{43}=$/, {
    message: 'must be 32 bytes encoded as base64 (44 characters)',
  })
  SECRETS_KEY!: string;

  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters' })
  SESSION_SECRET!: string;

  @IsOptional()
  @IsIn(['development', 'production', 'test'], {
    message: 'must be development, production or test',
  })
  NODE_ENV?: string;

  @IsOptional()
  @Transform(toBool)
  @IsBoolean({ message: 'must be true or false' })
  COOKIE_SECURE?: boolean;

  @IsOptional()
  @Matches(/^[^\s@]+@[^\s@]+$/, { message: 'must be an email address' })
  ADMIN_EMAIL?: string;

  @IsOptional()
  @IsString()
  @MinLength(12, { message: 'must be at least 12 characters' })
  ADMIN_PASSWORD?: string;

  @PositiveInt()
  TENANT_ID = 1;

  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of milliseconds' })
  @Min(100, { message: 'must be at least 100 ms' })
  @Max(60000, { message: 'must be at most 60000 ms' })
  WEBHOOK_TIMEOUT_MS = 5000;

  @Matches(/^\s*\d+(\.\d+)?\s*,\s*\d+(\.\d+)?\s*,\s*\d+(\.\d+)?\s*$/, {
    message: 'must be three comma-separated numbers of seconds, e.g. 30,300,1800',
  })
  WEBHOOK_RETRY_SCHEDULE = '30,300,1800';

  @PositiveInt()
  WEBHOOK_SUSPEND_AFTER = 50;

  @IntSetting('must be a whole number from 1 to 64', 1, 64)
  WEBHOOK_MAX_IN_FLIGHT = 8;

  @Transform(toBool)
  @IsBoolean({ message: 'must be true or false' })
  WEBHOOK_ALLOW_PRIVATE_NETWORKS = false;

  @IsOptional()
  @IsString()
  WEBHOOK_CA_FILE?: string;

  @PositiveInt('must be a positive integer number of days')
  DELIVERY_RETENTION_DAYS = 30;

  @IsOptional()
  @IsString()
  PBX_ESL_HOST?: string;

  @Transform(toInt)
  @IsInt({ message: 'must be an integer port number' })
  @Min(1)
  @Max(65535)
  PBX_ESL_PORT = 8021;

  @IsString()
  PBX_ESL_PASSWORD = 'ClueCon';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    message: 'must be one of fatal, error, warn, info, debug, trace, silent',
  })
  LOG_LEVEL = 'info';

  /** Seconds before attempts 2, 3 and 4. */
  get retrySchedule(): number[] {
    return this.WEBHOOK_RETRY_SCHEDULE.split(',').map((s) => Number(s.trim()));
  }

  /** Where session-bound work connects: DATABASE_DIRECT_URL, else DATABASE_URL. */
  get databaseDirectUrl(): string {
    return this.DATABASE_DIRECT_URL ?? this.DATABASE_URL;
  }

  get cookieSecure(): boolean {
    return this.COOKIE_SECURE ?? this.NODE_ENV === 'production';
  }

  get secretsKey(): Buffer {
    return Buffer.from(this.SECRETS_KEY, 'base64');
  }

  /** Express's `trust proxy` setting (see trust-proxy.ts). */
  get trustProxy(): false | string[] {
    return parseTrustProxy(this.TRUST_PROXY) ?? false;
  }
}

export const CONFIG_KEYS = Object.keys(new AppConfig()).concat(['SECRETS_KEY', 'SESSION_SECRET']);

export class ConfigError extends Error {}

/**
 * Builds the configuration from an environment, or throws a ConfigError whose message is one line
 * per bad variable: `NAME: what is wrong`.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const raw: Record<string, string> = {};
  for (const key of [...new Set(CONFIG_KEYS)]) {
    const value = env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const config = plainToInstance(AppConfig, raw, { exposeDefaultValues: true });
  const errors = validateSync(config, { skipMissingProperties: false });
  if (errors.length > 0) {
    const lines = errors.map((e) => {
      const message = Object.values(e.constraints ?? {})[0] ?? 'is invalid';
      const missing = e.value === undefined || e.value === null;
      return `${e.property}: ${missing ? 'is required but not set' : message}`;
    });
    throw new ConfigError(`Invalid configuration: ${lines.join('; ')}`);
  }
  return config;
}
