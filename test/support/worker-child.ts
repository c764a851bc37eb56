// A worker process for crash tests: `node -r ts-node/register/transpile-only test/support/worker-child.ts`.
// It takes its configuration from the environment, like `ZORIO_ROLE=worker npm start` would.
import 'reflect-metadata';
import { createWorkerApp } from '../../src/bootstrap';
import { loadConfig } from '../../src/config/app-config';

void (async () => {
  const worker = await createWorkerApp(loadConfig());
  await worker.ops.listen(0, '127.0.0.1');
  const address = worker.ops.getHttpServer().address() as { port: number };
  process.stdout.write(`READY ${address.port}\n`);
})();
