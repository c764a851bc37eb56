/**
 * Preloaded into the platform's processes by `npm run bench -- --profile`: writes
 * process.memoryUsage() every second to bench/.tmp/memory-<pid>.log (rss, V8 heap, external,
 * array buffers, in MB), to tell a growing heap from allocator slack.
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';

const file = join(__dirname, '..', '.tmp', `memory-${process.pid}.log`);
const mb = (n: number) => (n / 1048576).toFixed(1);
setInterval(() => {
  const m = process.memoryUsage();
  appendFileSync(
    file,
    `${new Date().toISOString()} rss=${mb(m.rss)} heapTotal=${mb(m.heapTotal)} heapUsed=${mb(m.heapUsed)} external=${mb(m.external)} arrayBuffers=${mb(m.arrayBuffers)}\n`,
  );
}, 1000).unref();
