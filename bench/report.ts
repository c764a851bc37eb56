/**
 * The bench's report: resources per delivery, the goals of issues 9 (delivery lanes) and 10
 * (ordering) judged on this run, and the last line. A value of the last line whose scenario did
 * not run (--only) or did not complete is `NaN`.
 */
import type { Resources } from './lib/accounting';
import { results } from './lib/harness';
import type { Options } from './lib/options';
import { LatencySummary, table } from './lib/stats';

interface Goal {
  name: string;
  value: string;
  target: string;
  /** null: informational, or the scenario is not supported by this platform. */
  met: boolean | null;
}

interface Measured {
  base?: { perSecond: number };
  a?: { perSecond: number };
  b?: { latencyMs: LatencySummary };
  c?: { worstMs: number };
  d?: { healthyLatencyMs: LatencySummary };
  e?: {
    latencyMs: LatencySummary;
    deliveries: number;
    slowestKind: { name: string; p95: number };
    retention?: {
      supported: boolean;
      drops?: { day: string; deliveries: number; ms: number; writerMaxStallMs: number }[];
    };
  };
  f?: { rssMb: { before: number; half: number; after: number; peak: number; settled: number } };
  g?: { healthyLatencyMs: LatencySummary; healthyCensored: number };
  h?: {
    supported: boolean;
    reason?: string;
    backlog: number;
    drainSeconds: number;
    healthyLatencyMs: LatencySummary;
    redis: { growthMb: number; usedMemoryMb: { before: number; peak: number; after: number } };
  };
  i?: { supported: boolean; reason?: string; perSecond: number };
  j?: {
    processes: string;
    workers: number;
    deliveries: number;
    perSecond: number;
    overallPerSecond: number;
    xA: number | null;
    efficiency: number | null;
    resent: number;
    resentAfterFailedAttempt: number;
    resentUnexplained: number;
    eventsUnderSeveralIds: number;
    kill: { claimedUnrecorded: number; lastDeliveryAfterSeconds: number };
  };
}

function measured(): Measured {
  const m = { ...results, base: results.baseline } as Measured;
  // A scenario that ran but is not supported by the platform has no numbers to judge.
  if (m.i && !m.i.supported) m.i = { ...m.i, perSecond: NaN };
  return m;
}

/** p99 of a run ÷ (b)'s p99: NaN unless both ran. */
function ratioToB(m: Measured, p99: number | undefined): number {
  if (!m.b || p99 === undefined) return NaN;
  return p99 / Math.max(0.1, m.b.latencyMs.p99);
}

export const failmixX = (m = measured()) => ratioToB(m, m.d?.healthyLatencyMs.p99);
export const hangX = (m = measured()) => ratioToB(m, m.g?.healthyLatencyMs.p99);

/** One run's deliveries per second ÷ another's, met from `min` up. */
function throughputRatio(
  name: string,
  perSecond: number,
  basePerSecond: number,
  min: number,
): Goal {
  const ratio = perSecond / basePerSecond;
  return {
    name,
    value: `${ratio.toFixed(2)} (${perSecond} / ${basePerSecond} per s)`,
    target: `≥ ${min}`,
    met: ratio >= min,
  };
}

/**
 * A healthy p99 against (b)'s (`x` = p99 ÷ (b)'s p99), met up to 1.5×; `atLeast` when the p99 is
 * only a lower bound.
 */
function p99Ratio(name: string, p99: number, x: number, atLeast = false): Goal {
  const bound = atLeast ? '≥ ' : '';
  return {
    name,
    value: `${bound}${p99} ms (${bound}${x.toFixed(2)}×)`,
    target: '≤ 1.5×',
    met: x <= 1.5,
  };
}

function throughputGoals(m: Measured): Goal[] {
  const out: Goal[] = [];
  if (m.base && m.a) {
    out.push(throughputRatio('throughput (a) ÷ baseline', m.a.perSecond, m.base.perSecond, 1.5));
  }
  if (m.i && !m.i.supported) {
    out.push({
      name: 'ordered (i) ÷ unordered (a)',
      value: 'not supported',
      target: '≥ 0.8',
      met: null,
    });
  } else if (m.a && m.i) {
    out.push(throughputRatio('ordered (i) ÷ unordered (a)', m.i.perSecond, m.a.perSecond, 0.8));
  }
  if (m.f) {
    // Judged right after the run (under-load heap), not after the idle pause.
    const r = m.f.rssMb;
    const growing = r.after > r.half * 1.1 + 5;
    out.push({
      name: 'worker RSS after 200k (f)',
      value: `${r.after} MB (half-way ${r.half}, peak ${r.peak}, idle ${r.settled})`,
      target: '≤ 200 MB, flat',
      met: r.after <= 200 && !growing,
    });
  }
  return out;
}

function latencyGoals(m: Measured): Goal[] {
  const out: Goal[] = [];
  if (m.b) {
    const l = m.b.latencyMs;
    out.push({ name: 'latency p50 (b)', value: `${l.p50} ms`, target: '≤ 5 ms', met: l.p50 <= 5 });
    out.push({
      name: 'latency p99 (b)',
      value: `${l.p99} ms`,
      target: '≤ 25 ms',
      met: l.p99 <= 25,
    });
  }
  if (m.c) {
    const w = m.c.worstMs;
    out.push({
      name: 'one event to 500 webhooks (c)',
      value: `${w} ms`,
      target: '≤ 250 ms',
      met: w <= 250,
    });
  }
  const fx = failmixX(m);
  if (m.d && !Number.isNaN(fx)) {
    out.push(p99Ratio('failmix_x: (d) healthy p99 ÷ (b) p99', m.d.healthyLatencyMs.p99, fx));
  }
  const hx = hangX(m);
  if (m.g && !Number.isNaN(hx)) {
    // Healthy deliveries still missing at the deadline make the p99 a lower bound.
    const atLeast = m.g.healthyCensored > 0;
    out.push(p99Ratio('hang_x: (g) healthy p99 ÷ (b) p99', m.g.healthyLatencyMs.p99, hx, atLeast));
  }
  if (m.e) {
    const p95 = m.e.latencyMs.p95;
    out.push({ name: 'history p95 (e)', value: `${p95} ms`, target: '≤ 50 ms', met: p95 <= 50 });
    const slow = m.e.slowestKind;
    out.push({
      name: `history p95 of each query (e), ${m.e.deliveries} deliveries`,
      value: `≤ ${slow.p95} ms (slowest: ${slow.name})`,
      target: '≤ 20 ms each',
      met: slow.p95 <= 20,
    });
    out.push(...retentionGoals(m.e.retention));
  }
  return out;
}

/** Dropping a day's partition: under a second, and the writer never waits on it (≤ 100 ms). */
function retentionGoals(r: NonNullable<Measured['e']>['retention']): Goal[] {
  if (!r) return [];
  if (!r.supported || !r.drops) {
    return [{ name: 'retention of a day (e)', value: 'not supported', target: '—', met: null }];
  }
  return r.drops.map((d) => ({
    name: `retention of ${d.day} (e), ${d.deliveries} deliveries`,
    value: `${d.ms} ms; writer's longest transaction meanwhile ${d.writerMaxStallMs} ms`,
    target: '< 1 s; writer ≤ 100 ms',
    met: d.ms < 1000 && d.writerMaxStallMs <= 100,
  }));
}

function backlogGoals(m: Measured): Goal[] {
  const h = m.h;
  if (!h) return [];
  if (!h.supported) {
    return [{ name: 'backlog (h)', value: 'not supported', target: '—', met: null }];
  }
  const out: Goal[] = [];
  const x = ratioToB(m, h.healthyLatencyMs.p99);
  if (!Number.isNaN(x)) {
    out.push(p99Ratio('(h) healthy p99 ÷ (b) p99 while draining', h.healthyLatencyMs.p99, x));
  }
  const u = h.redis.usedMemoryMb;
  out.push({
    name: `(h) Redis growth for ${h.backlog} pending`,
    value: `${h.redis.growthMb} MB (before ${u.before}, peak ${u.peak}, after ${u.after})`,
    target: '< 20 MB',
    met: h.redis.growthMb < 20,
  });
  out.push({
    name: '(h) time to drain the backlog',
    value: `${h.drainSeconds} s (${Math.round(h.backlog / h.drainSeconds)} per s)`,
    target: '—',
    met: null,
  });
  return out;
}

/** (j): how far more processes go, and what the SIGKILL of a worker cost (nothing lost). */
function fleetGoals(m: Measured): Goal[] {
  const j = m.j;
  if (!j) return [];
  const out: Goal[] = [];
  if (j.xA !== null) {
    out.push({
      name: `(j) ${j.processes} ÷ (a), before the kill`,
      value: `${j.xA.toFixed(2)} (${j.perSecond} / ${m.a?.perSecond} per s; efficiency ${j.efficiency?.toFixed(2)} per worker)`,
      target: '—',
      met: null,
    });
  }
  out.push({
    name: '(j) worker SIGKILLed half-way: re-sent',
    value:
      `${j.resent} (all same id; ${j.kill.claimedUnrecorded} in flight at the kill, ` +
      `${j.resentAfterFailedAttempt} after a failed attempt, ${j.resentUnexplained} neither); ` +
      `last delivery ${j.kill.lastDeliveryAfterSeconds} s after`,
    target: 'only in-flight, same id',
    met: j.resentUnexplained === 0 && j.eventsUnderSeveralIds === 0,
  });
  return out;
}

export function goals(): Goal[] {
  const m = measured();
  return [...throughputGoals(m), ...latencyGoals(m), ...backlogGoals(m), ...fleetGoals(m)];
}

function resourceRows(): (string | number)[][] {
  const row = (name: string, s: Record<string, unknown> | undefined, unitsKey: string) => {
    if (!s || !s.resources) return null;
    const r = s.resources as Resources;
    const units = s[unitsKey] as number;
    return [
      name,
      units,
      r.seconds,
      Math.round(units / r.seconds),
      r.nodeUs,
      r.pgUs,
      r.redisUs,
      r.receiverUs,
      r.driverUs,
      r.commits,
      r.redisCommands,
      r.walBytes,
      `${r.hotUpdatePct}%`,
      `${r.machineBusyPct}%`,
    ];
  };
  return [
    row('baseline (bare stack)', results.baseline as Record<string, unknown>, 'jobs'),
    row('(a) throughput, role all', results.a as Record<string, unknown>, 'deliveries'),
    row('(i) (a) with ordering per key', results.i as Record<string, unknown>, 'deliveries'),
    row('(f) throughput, api+worker', results.f as Record<string, unknown>, 'deliveries'),
    row('(j) many processes, to the kill', fleetRow(), 'deliveries'),
  ].filter((r): r is (string | number)[] => r !== null);
}

/** (j)'s resources cover the run up to the kill: its deliveries are those received by then. */
function fleetRow(): Record<string, unknown> | undefined {
  const j = results.j as { kill: { receivedBefore: number } } | undefined;
  return j && { ...j, deliveries: j.kill.receivedBefore };
}

const RESOURCE_HEADER = [
  'run',
  'deliveries',
  's',
  'per s',
  'node µs/d',
  'pg µs/d',
  'redis µs/d',
  'rcv µs/d',
  'drv µs/d',
  'commits/d',
  'redis cmd/d',
  'WAL B/d',
  'HOT upd',
  'machine',
];

export function printReport(opts: Options): string {
  const lines: string[] = [];
  const rows = resourceRows();
  if (rows.length) lines.push(table(RESOURCE_HEADER, rows), '');
  const g = goals();
  if (g.length) {
    const met = (x: Goal) => (x.met === null ? '—' : x.met ? 'yes' : 'NO');
    lines.push(
      table(
        ['goal', 'measured', 'target', opts.smoke ? 'met (smoke: not judged)' : 'met'],
        g.map((x) => [x.name, x.value, x.target, met(x)]),
      ),
      '',
    );
  }
  const e = results.e as { perKind: Record<string, LatencySummary> } | undefined;
  if (e) {
    lines.push(
      table(
        ['history query (e)', 'n', 'p50 ms', 'p95 ms', 'max ms'],
        Object.entries(e.perKind).map(([k, v]) => [k, v.n, v.p50, v.p95, v.max]),
      ),
      '',
    );
  }
  return lines.join('\n');
}

/**
 * `deliveries_per_s=<n> baseline_per_s=<n> ratio=<x> p50_ms=<n> p99_ms=<n> failmix_x=<x>
 * hang_x=<x> rss_mb=<n>`: (a), the baseline, their ratio, (b)'s p50 and p99, (d)'s and (g)'s
 * healthy p99 ÷ (b)'s, (f)'s worker RSS after the run; NaN for what did not run.
 */
export function lastLine(): string {
  const m = measured();
  const ratio = m.base && m.a ? m.a.perSecond / m.base.perSecond : NaN;
  const num = (v: number | undefined) => String(v ?? NaN);
  const x = (v: number) => v.toFixed(2);
  return (
    `deliveries_per_s=${num(m.a?.perSecond)} baseline_per_s=${num(m.base?.perSecond)} ` +
    `ratio=${x(ratio)} p50_ms=${num(m.b?.latencyMs.p50)} p99_ms=${num(m.b?.latencyMs.p99)} ` +
    `failmix_x=${x(failmixX(m))} hang_x=${x(hangX(m))} ` +
    `rss_mb=${m.f ? Math.round(m.f.rssMb.after) : 'NaN'}`
  );
}
