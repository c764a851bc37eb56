import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';
import { json, NextFunction, Request, Response, urlencoded } from 'express';
import { Logger } from 'nestjs-pino';
import { HttpExceptionFilter } from './common/http-exception.filter';
import { RedisService } from './common/redis.module';
import { securityHeaders } from './common/security-headers';
import { createValidationPipe } from './common/validation';
import { AppConfig } from './config/app-config';
import { AppModule, AppOptions, requestLogging } from './app.module';
import { sessionMiddleware } from './modules/auth/session';
import { MetricsService } from './ops/metrics';
import { OpsHttpModule } from './ops/ops-http.module';
import { featureModules } from './features';
import { setupOpenApi } from './openapi';

/** Routes whose bodies may reach 10 MiB (bulk imports); everything else is capped at 1 MiB. */
export const BULK_ROUTES = [
  /^\/api\/telesales\/campaigns\/[^/]+\/leads\/bulk-import$/,
  /^\/api\/autocall\/campaigns\/[^/]+\/leads\/import$/,
];

/**
 * Body parser failures answer in the error shapes of docs/http-api.md: 400 malformed, 413 too
 * large.
 */
function bodyParserErrors(err: unknown, _req: Request, res: Response, next: NextFunction): void {
  const type = (err as { type?: string } | null)?.type;
  if (type === 'entity.too.large') {
    res.status(413).json({ message: 'Request body too large.' });
  } else if (
    type === 'entity.parse.failed' ||
    type?.startsWith('encoding.') ||
    type === 'charset.unsupported'
  ) {
    res.status(400).json({ message: 'Malformed request body' });
  } else if (err) {
    next(err);
  } else {
    next();
  }
}

/** What every HTTP app of the platform has: metrics by route, security headers, error shapes. */
function configureBase(app: NestExpressApplication, config: AppConfig): void {
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.use(app.get(MetricsService).middleware());
  app.use(securityHeaders(config.cookieSecure));
  app.useGlobalFilters(new HttpExceptionFilter());
}

export function configureHttp(app: NestExpressApplication, config: AppConfig): void {
  const redis = app.get(RedisService);
  configureBase(app, config);
  const big = json({ limit: '10mb', type: ['application/json', 'application/*+json'] });
  const small = json({ limit: '1mb', type: ['application/json', 'application/*+json'] });
  app.use((req: { path: string }, res: unknown, next: () => void) =>
    (BULK_ROUTES.some((r) => r.test(req.path)) ? big : small)(req as never, res as never, next),
  );
  app.use(urlencoded({ extended: false, limit: '1mb' }));
  app.use(bodyParserErrors);
  app.use(cookieParser());
  app.use('/api/admin', sessionMiddleware(config, redis.client));
  app.useGlobalPipes(createValidationPipe());
  // Domain API reference: Swagger UI at /api/docs, JSON at /api/docs-json (public; see openapi.ts).
  setupOpenApi(app);
  app.enableShutdownHooks();
}

/** Builds the HTTP app (roles all/api) — used by main and by the e2e tests. */
export async function createHttpApp(
  config: AppConfig,
  options: AppOptions = {},
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(config, { features: featureModules(config), ...options }),
    { bodyParser: false, bufferLogs: true },
  );
  app.useLogger(app.get(Logger));
  configureHttp(app, config);
  await app.init();
  return app;
}

/** The worker role: its work, and the HTTP app that serves its health and metrics. */
export interface WorkerApp {
  /** The outbox relay, lanes and schedules (what src/platform/worker.module.ts gives the role). */
  context: INestApplicationContext;
  /** The OpsController alone, in a Nest HTTP app of its own (no API, no console). */
  ops: NestExpressApplication;
  /** Stops serving, then closes the worker: the lanes' worker first, the sender last. */
  close: () => Promise<void>;
}

/**
 * Builds the worker role (not listening yet). On SIGTERM the ops app stops accepting requests and
 * the worker closes (Nest's shutdown hooks), then the signal ends the process.
 */
export async function createWorkerApp(
  config: AppConfig,
  options: AppOptions = {},
): Promise<WorkerApp> {
  const context = await NestFactory.createApplicationContext(
    AppModule.forRoot(config, { features: featureModules(config), ...options }),
    { bufferLogs: true },
  );
  context.useLogger(context.get(Logger));
  context.enableShutdownHooks();
  await context.init();
  const ops = await NestFactory.create<NestExpressApplication>(
    OpsHttpModule.of(context, requestLogging(config, options)),
    { bufferLogs: true },
  );
  ops.useLogger(ops.get(Logger));
  configureBase(ops, config);
  await ops.init();
  const stopServing = () => void ops.close();
  process.once('SIGTERM', stopServing);
  return {
    context,
    ops,
    close: async () => {
      process.removeListener('SIGTERM', stopServing);
      await ops.close();
      await context.close();
    },
  };
}
