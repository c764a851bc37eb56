/** The bench's command line and the sizes of its scenarios (full run and --smoke). */

export const SCENARIOS = ['baseline', 'a', 'i', 'b', 'c', 'd', 'g', 'h', 'e', 'f', 'j'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export interface Sizes {
  baselineJobs: number;
  /**
   * (a) sustained throughput, role all; (i) the same with ordering on for every webhook. Each
   * first delivers `warmupEvents` unmeasured (so neither gets the cold start: (a) runs first).
   */
  a: { events: number; webhooks: number; warmupEvents: number };
  /** (b) latency at a steady rate, every webhook healthy. */
  b: { rate: number; seconds: number; webhooks: number };
  /** (c) one event to many webhooks, several rounds. */
  c: { webhooks: number; rounds: number };
  /** (d) as (b), half of the webhooks answering 500. */
  d: { rate: number; seconds: number };
  /** (e) history queries over this many generated deliveries. */
  e: { rows: number; repeats: number };
  /** (f) api + worker processes: throughput and the worker's RSS. */
  f: { events: number; webhooks: number; warmupEvents: number };
  /**
   * (g) as (b) to one healthy webhook while a second one on the same events never answers; the
   * healthy deliveries may arrive until `graceSeconds` after the last publish.
   */
  g: { rate: number; seconds: number; graceSeconds: number };
  /** (h) a paused webhook's backlog of `backlog` deliveries drains while (b)'s load runs. */
  h: { backlog: number; rate: number; drainTimeoutSeconds: number };
  /**
   * (j) many processes: `apis` api and `workers` worker processes, `events` Telesales leads
   * imported through the domain API in imports of `batch`, fanned out to `webhooks` webhooks; one
   * worker is killed with SIGKILL half-way. `slowMs` > 0 makes the receiver answer after that
   * long, so that even a small run has requests in flight at the kill.
   */
  j: {
    apis: number;
    workers: number;
    events: number;
    webhooks: number;
    batch: number;
    warmupEvents: number;
    slowMs: number;
  };
}

export const FULL: Sizes = {
  baselineJobs: 40_000,
  a: { events: 50_000, webhooks: 10, warmupEvents: 200 },
  b: { rate: 200, seconds: 30, webhooks: 2 },
  c: { webhooks: 500, rounds: 3 },
  d: { rate: 200, seconds: 30 },
  e: { rows: 1_000_000, repeats: 20 },
  f: { events: 20_000, webhooks: 10, warmupEvents: 200 },
  g: { rate: 200, seconds: 30, graceSeconds: 60 },
  h: { backlog: 200_000, rate: 200, drainTimeoutSeconds: 1800 },
  j: {
    apis: 2,
    workers: 3,
    events: 50_000,
    webhooks: 10,
    batch: 250,
    warmupEvents: 200,
    slowMs: 0,
  },
};

export const SMOKE: Sizes = {
  baselineJobs: 2_000,
  a: { events: 300, webhooks: 10, warmupEvents: 20 },
  b: { rate: 50, seconds: 3, webhooks: 2 },
  c: { webhooks: 50, rounds: 1 },
  d: { rate: 50, seconds: 3 },
  e: { rows: 20_000, repeats: 2 },
  f: { events: 200, webhooks: 10, warmupEvents: 20 },
  g: { rate: 50, seconds: 3, graceSeconds: 20 },
  h: { backlog: 2_000, rate: 50, drainTimeoutSeconds: 120 },
  j: { apis: 1, workers: 2, events: 100, webhooks: 3, batch: 50, warmupEvents: 10, slowMs: 100 },
};

export interface Options {
  smoke: boolean;
  only: Set<Scenario>;
  profile: boolean;
  keep: boolean;
  scale: number;
  explainMs: number | null;
  /** Extra flags for node in the platform's processes (experiments). */
  nodeArgs: string[];
  /** (e)'s generated deliveries, instead of its size (`--history-rows N`, not scaled). */
  historyRows: number | null;
}

export function parseArgs(argv: string[]): Options {
  const opts: Options = {
    smoke: false,
    only: new Set(SCENARIOS),
    profile: false,
    keep: false,
    scale: 1,
    explainMs: null,
    nodeArgs: [],
    historyRows: null,
  };
  // `--history-rows N` and `--history-rows=N` alike.
  const args = argv.flatMap((a, i) =>
    a === '--history-rows'
      ? [`--history-rows=${argv[i + 1] ?? ''}`]
      : argv[i - 1] === '--history-rows'
        ? []
        : [a],
  );
  for (const arg of args) {
    if (arg === '--smoke') opts.smoke = true;
    else if (arg === '--profile') opts.profile = true;
    else if (arg === '--keep') opts.keep = true;
    else if (arg.startsWith('--history-rows=')) {
      opts.historyRows = Number(arg.slice('--history-rows='.length).replaceAll('_', ''));
      if (!Number.isInteger(opts.historyRows) || opts.historyRows < 1)
        throw new Error(`bad ${arg}`);
    } else if (arg.startsWith('--explain='))
      opts.explainMs = Number(arg.slice('--explain='.length));
    else if (arg.startsWith('--node-args=')) {
      opts.nodeArgs = arg.slice('--node-args='.length).split(' ').filter(Boolean);
    } else if (arg.startsWith('--scale=')) {
      opts.scale = Number(arg.slice('--scale='.length));
      if (!(opts.scale > 0)) throw new Error(`bad ${arg}`);
    } else if (arg.startsWith('--only=')) {
      const picked = arg.slice('--only='.length).split(',');
      for (const p of picked) {
        if (!(SCENARIOS as readonly string[]).includes(p)) throw new Error(`unknown scenario ${p}`);
      }
      opts.only = new Set(picked as Scenario[]);
    } else {
      throw new Error(
        `unknown argument ${arg} (known: --smoke --only=… --profile --keep --scale=… --history-rows N)`,
      );
    }
  }
  return opts;
}

export function scaled(s: Sizes, k: number): Sizes {
  const n = (v: number) => Math.max(1, Math.round(v * k));
  return {
    ...s,
    baselineJobs: n(s.baselineJobs),
    a: { ...s.a, events: n(s.a.events) },
    e: { ...s.e, rows: n(s.e.rows) },
    f: { ...s.f, events: n(s.f.events) },
    h: { ...s.h, backlog: n(s.h.backlog) },
    j: { ...s.j, events: n(s.j.events) },
  };
}

/** `--history-rows N`: (e)'s size, whatever the run's scale. */
export function withHistoryRows(s: Sizes, rows: number | null): Sizes {
  return rows === null ? s : { ...s, e: { ...s.e, rows } };
}
