/**
 * Summarises a V8 .cpuprofile (from `npm run bench -- --profile`): self time by package or source
 * folder, and the hottest functions.
 *   node -r ts-node/register/transpile-only bench/tools/profile-summary.ts <file.cpuprofile> [top]
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

function bucket(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1];
  if (url.startsWith('node:')) return url;
  const src = /\/(src\/[^/]+(?:\/[^/]+)?)\//.exec(url);
  if (src) return src[1];
  return url.replace(/^.*\//, '');
}

const [file, topArg] = process.argv.slice(2);
const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
for (let i = 0; i < p.samples.length; i++) {
  self.set(p.samples[i], (self.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));
}
const total = p.endTime - p.startTime;
const buckets = new Map<string, number>();
const fns = new Map<string, number>();
for (const [id, us] of self) {
  const n = byId.get(id);
  if (!n) continue;
  const b = bucket(n.callFrame.url, n.callFrame.functionName);
  buckets.set(b, (buckets.get(b) ?? 0) + us);
  const f = `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*\/(node_modules\/)?/, '')}:${n.callFrame.lineNumber + 1}`;
  fns.set(f, (fns.get(f) ?? 0) + us);
}
const pct = (us: number) => `${((100 * us) / total).toFixed(1)}%`;
const top = Number(topArg ?? 30);
process.stdout.write(`profile ${(total / 1e6).toFixed(1)} s\n\nby package/folder (self time):\n`);
for (const [b, us] of [...buckets].sort((x, y) => y[1] - x[1]).slice(0, top)) {
  process.stdout.write(`  ${pct(us).padStart(6)}  ${b}\n`);
}
process.stdout.write(`\nhottest functions (self time):\n`);
for (const [f, us] of [...fns].sort((x, y) => y[1] - x[1]).slice(0, top)) {
  process.stdout.write(`  ${pct(us).padStart(6)}  ${f}\n`);
}
