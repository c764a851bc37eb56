import { DynamicModule, Module, Type } from '@nestjs/common';
import { ServeStaticModule } from '@nestjs/serve-static';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Writable } from 'node:stream';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { RedisModule } from './common/redis.module';
import { dataSourceOptions } from './database/data-source-options';
import { EventsModule } from './events/events.module';
import { AuditModule } from './modules/audit/audit.module';
import { AuthModule } from './modules/auth/auth.module';
import { ConsoleModule } from './modules/console/console.module';
import { OpsModule } from './ops/ops.module';
import { logDestination } from './log-output';

/** The repository root, from src/ (ts-node, tests) or dist/src/ (the build). */
const ROOT = existsSync(join(__dirname, '..', 'package.json'))
  ? join(__dirname, '..')
  : join(__dirname, '..', '..');
export const CONSOLE_DIST = join(ROOT, 'admin-web', 'dist', 'admin-web', 'browser');

export interface AppOptions {
  /** Where JSON logs go (tests capture them); stdout by default (pretty at a dev terminal). */
  logStream?: Writable;
  /** Extra feature modules, in order. */
  features?: (Type | DynamicModule)[];
}

export const REDACTED_LOG_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-xsrf-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.secret',
  '*.token',
];

/** JSON logs and a request id on every response (pino-http), for the API and the ops app. */
export function requestLogging(config: AppConfig, options: AppOptions = {}): DynamicModule {
  return LoggerModule.forRoot({
    pinoHttp: [
      {
        level: config.LOG_LEVEL,
        redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' },
        genReqId: (req, res) => {
          const given = req.headers['x-request-id'];
          const id =
            typeof given === 'string' && /^[\w-]{1,64}$/.test(given) ? given : randomUUID();
          res.setHeader('X-Request-Id', id);
          return id;
        },
        autoLogging: {
          ignore: (req) => req.url === '/health/live' || req.url === '/metrics',
        },
        serializers: {
          req: (req: { id: unknown; method: string; url: string }) => ({
            id: req.id,
            method: req.method,
            url: req.url.split('?')[0],
          }),
        },
      },
      options.logStream ?? logDestination(process.stdout, config.NODE_ENV),
    ],
  });
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, options: AppOptions = {}): DynamicModule {
    const consoleBuilt = existsSync(join(CONSOLE_DIST, 'index.html'));
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        requestLogging(config, options),
        TypeOrmModule.forRoot({
          ...dataSourceOptions(config.DATABASE_URL),
          autoLoadEntities: false,
        }),
        RedisModule,
        OpsModule,
        AuditModule,
        AuthModule,
        EventsModule,
        ...(options.features ?? []),
        ...(consoleBuilt
          ? [
              ServeStaticModule.forRoot({
                rootPath: CONSOLE_DIST,
                serveRoot: '/admin',
                serveStaticOptions: { index: 'index.html', fallthrough: true, maxAge: '1h' },
              }),
            ]
          : []),
        ConsoleModule.forRoot(consoleBuilt),
      ],
    };
  }
}
