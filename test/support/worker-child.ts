// A worker process for crash tests: `node -r ts-node/register/transpile-only test/support/worker-child.ts`.
// It takes its configuration from the environment, like `ZORIO_ROLE=worker npm start` would.
import 'reflect-metadata';
import { createWorkerContext } from '../../src/bootstrap';
import { loadConfig } from '../../src/config/app-config';

void (async () => {
  const app = await createWorkerContext(loadConfig());
  process.stdout.write('READY\n');
  process.once('SIGTERM', () => {
    void app.close().then(() => process.exit(0));
  });
})();
