// A worker process for crash tests: `node -r ts-node/register/transpile-only test/support/worker-child.ts`.
// It takes its configuration from the environment, like `ZORIO_ROLE=worker npm start` would.
import 'reflect-metadata';
import { createWorkerContext } from '../../src/bootstrap';
import { loadConfig } from '../../src/config/app-config';
import { startOpsServer } from '../../src/ops/ops-server';

void (async () => {
  const app = await createWorkerContext(loadConfig());
  const ops = await startOpsServer(app, 0, '127.0.0.1');
  const address = ops.address() as { port: number };
  process.stdout.write(`READY ${address.port}\n`);
  process.once('SIGTERM', () => {
    ops.close();
    void app.close().then(() => process.exit(0));
  });
})();
