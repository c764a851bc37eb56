import { Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

const NEST_MIDDLEWARE_ROUTE = '/{*path}';

/** One Prometheus registry per app instance (tests boot several in one process). */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({
    name: 'zorio_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'zorio_http_request_duration_seconds',
    help: 'HTTP request duration by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Express middleware: counts every request by its route pattern (never the raw path). */
  middleware() {
    return (req: Request, res: Response, next: NextFunction): void => {
      const start = process.hrtime.bigint();
      res.once('finish', () => {
        const routePath = (req.route as { path?: string } | undefined)?.path;
        // Nest mounts app-wide middleware (the request logger) as an all-methods `/{*path}` route,
        // so a request no controller matched still carries that route: it is unmatched.
        const route =
          routePath && routePath !== NEST_MIDDLEWARE_ROUTE
            ? `${req.baseUrl}${routePath}`
            : 'unmatched';
        const seconds = Number(process.hrtime.bigint() - start) / 1e9;
        this.httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
        this.httpDuration.observe({ method: req.method, route }, seconds);
      });
      next();
    };
  }
}
