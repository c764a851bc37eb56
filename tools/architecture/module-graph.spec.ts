import { join } from 'node:path';
import { cycles, moduleGraph } from './module-graph';

const SRC = join(__dirname, '..', '..', 'src');

describe('module dependency graph', () => {
  it('has no cycle between modules (auth and audit no longer import each other)', () => {
    const graph = moduleGraph(SRC);
    expect(cycles(graph)).toEqual([]);
    expect([...graph.get('audit')!]).not.toContain('auth');
    expect([...graph.get('auth')!]).toContain('audit');
  });

  it('has deliveries depend on webhooks, never webhooks on deliveries (it implements their ports)', () => {
    const graph = moduleGraph(SRC);
    expect([...graph.get('deliveries')!]).toContain('webhooks');
    expect([...graph.get('webhooks')!]).not.toContain('deliveries');
  });

  it('reports a cycle, once, from wherever it is entered', () => {
    const graph = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a'])],
      ['d', new Set(['a'])],
      ['e', new Set<string>()],
    ]);
    expect(cycles(graph)).toEqual(['a → b → c → a']);
    expect(
      cycles(
        new Map([
          ['x', new Set(['y'])],
          ['y', new Set(['x'])],
        ]),
      ),
    ).toEqual(['x → y → x']);
  });
});
