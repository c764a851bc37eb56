/**
 * Preloaded into the platform's processes by `npm run bench -- --profile`: counts the SQL
 * statements sent through `pg` (by statement text, numbers and literals folded) and writes the
 * counts to bench/.tmp/queries-<pid>.txt when the process exits. pg_stat_statements needs a
 * server restart to load, so the bench counts on the client side instead.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';

const counts = new Map<string, number>();
type Query = (...args: unknown[]) => unknown;
const proto = Client.prototype as unknown as { query: Query };
const original = proto.query;

function normalise(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/\$\d+/g, '$n').trim().slice(0, 160);
}

proto.query = function (this: unknown, ...args: unknown[]) {
  const first = args[0];
  const text =
    typeof first === 'string'
      ? first
      : typeof first === 'object' && first !== null && 'text' in first
        ? String(first.text)
        : '?';
  const key = normalise(text);
  counts.set(key, (counts.get(key) ?? 0) + 1);
  return original.apply(this, args);
};

function dump(): void {
  const sorted = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  writeFileSync(
    join(__dirname, '..', '.tmp', `queries-${process.pid}.txt`),
    sorted.map(([text, n]) => `${String(n).padStart(9)}  ${text}`).join('\n') + '\n',
  );
}

// Nest re-raises SIGTERM after its shutdown hooks, so 'exit' does not always run: dump regularly.
setInterval(dump, 2000).unref();
process.on('exit', dump);
