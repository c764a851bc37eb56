/**
 * Summarises a V8 .heapsnapshot: self size by constructor (or string/code kind), largest first.
 *   node -r ts-node/register/transpile-only bench/tools/heap-summary.ts <file.heapsnapshot> [top]
 */
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}

const [file, topArg] = process.argv.slice(2);
const snap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
const fields = snap.snapshot.meta.node_fields;
const types = snap.snapshot.meta.node_types[0];
const width = fields.length;
const iType = fields.indexOf('type');
const iName = fields.indexOf('name');
const iSize = fields.indexOf('self_size');
const totals = new Map<string, { size: number; count: number }>();
let all = 0;
for (let i = 0; i < snap.nodes.length; i += width) {
  const type = types[snap.nodes[i + iType]];
  const name = snap.strings[snap.nodes[i + iName]];
  const size = snap.nodes[i + iSize];
  all += size;
  const key = type === 'object' || type === 'closure' ? `${type} ${name}` : `(${type})`;
  const t = totals.get(key) ?? { size: 0, count: 0 };
  t.size += size;
  t.count++;
  totals.set(key, t);
}
const top = Number(topArg ?? 40);
process.stdout.write(`total self size ${(all / 1048576).toFixed(1)} MB\n`);
for (const [k, v] of [...totals].sort((a, b) => b[1].size - a[1].size).slice(0, top)) {
  process.stdout.write(
    `${(v.size / 1048576).toFixed(2).padStart(8)} MB ${String(v.count).padStart(8)}  ${k.slice(0, 100)}\n`,
  );
}
