import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { moduleDirs, tsFiles } from './sql-ownership';

const RELATIVE_IMPORT = /(?:from|import|require\()\s*['"](\.{1,2}\/[^'"]+)['"]/g;

/** module → the other modules (src/modules/<m>, src/events) its files import. */
export function moduleGraph(srcRoot: string): Map<string, Set<string>> {
  const modules = moduleDirs(srcRoot);
  const ownerOf = (path: string): string | undefined =>
    modules.find((m) => !relative(m.dir, path).startsWith('..'))?.name;
  const graph = new Map<string, Set<string>>(modules.map((m) => [m.name, new Set<string>()]));
  for (const m of modules) {
    for (const file of tsFiles(m.dir)) {
      for (const [, spec] of readFileSync(file, 'utf8').matchAll(RELATIVE_IMPORT)) {
        const target = ownerOf(resolve(dirname(file), spec));
        if (target && target !== m.name) graph.get(m.name)!.add(target);
      }
    }
  }
  return graph;
}

/** Every cycle of the graph, each as the path that closes it (`a → b → a`), once. */
export function cycles(graph: Map<string, Set<string>>): string[] {
  const found = new Set<string>();
  const walk = (path: string[]): void => {
    const last = path[path.length - 1];
    for (const next of [...(graph.get(last) ?? [])].sort()) {
      const at = path.indexOf(next);
      if (at >= 0) {
        const loop = path.slice(at);
        const start = loop.indexOf([...loop].sort()[0]);
        const canonical = [...loop.slice(start), ...loop.slice(0, start)];
        found.add([...canonical, canonical[0]].join(' → '));
      } else {
        walk([...path, next]);
      }
    }
  };
  for (const m of [...graph.keys()].sort()) walk([m]);
  return [...found].sort();
}
