import type { INestApplicationContext } from '@nestjs/common';
import { createServer, Server } from 'node:http';
import { HealthRegistry } from './health.registry';
import { MetricsService } from './metrics';

/**
 * A worker has no API, but it still answers /health/live, /health/ready and /metrics on its port,
 * so an orchestrator can probe it and Prometheus can scrape its delivery metrics.
 */
export async function startOpsServer(
  app: INestApplicationContext,
  port: number,
  host?: string,
): Promise<Server> {
  const health = app.get(HealthRegistry);
  const metrics = app.get(MetricsService);
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
      res.end(body);
    };
    if (req.method !== 'GET')
      return send(405, 'application/json', '{"message":"Method not allowed"}');
    if (path === '/health/live') return send(200, 'application/json', '{"status":"ok"}');
    if (path === '/health/ready') {
      void health
        .run()
        .then((r) =>
          send(
            r.ok ? 200 : 503,
            'application/json',
            JSON.stringify({ status: r.ok ? 'ok' : 'unavailable', checks: r.checks }),
          ),
        );
      return;
    }
    if (path === '/metrics') {
      void metrics.registry
        .metrics()
        .then((text) => send(200, metrics.registry.contentType, text))
        .catch(() => send(500, 'application/json', '{"message":"Server Error"}'));
      return;
    }
    send(404, 'application/json', '{"message":"Resource not found"}');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
