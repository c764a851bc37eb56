import { EVENT_NAMES, EVENT_TYPES, EventModule, EventName } from '../src/events/catalogue';
import type { ReceivedDelivery } from './receiver';

/** What the receiver got, per event, counting each delivery id once. */
export class DeliveryStats {
  private readonly delivered = new Map<string, Set<string>>();
  private readonly verified = new Map<string, Set<string>>();
  failed = 0;
  /** Deliveries of events published before this run (retries left over from an earlier one). */
  earlier = 0;
  tests = 0;

  constructor(private readonly runStartedAtMs: number) {}

  record(delivery: ReceivedDelivery): void {
    if (delivery.test) {
      this.tests += 1;
      return;
    }
    if (!delivery.verified) {
      this.failed += 1;
      return;
    }
    const publishedAt = Date.parse(delivery.publishedAt);
    if (!(publishedAt >= this.runStartedAtMs)) {
      this.earlier += 1;
      return;
    }
    const add = (map: Map<string, Set<string>>): void => {
      const set = map.get(delivery.event) ?? new Set<string>();
      set.add(delivery.deliveryId);
      map.set(delivery.event, set);
    };
    add(this.delivered);
    add(this.verified);
  }

  deliveredOf(event: string): number {
    return this.delivered.get(event)?.size ?? 0;
  }

  verifiedOf(event: string): number {
    return this.verified.get(event)?.size ?? 0;
  }
}

export interface DemoSummary {
  seconds: number;
  published: Record<string, number>;
  delivered: Record<string, number>;
  verified: Record<string, number>;
  /** Per module: events published, deliveries verified. */
  modules: Record<EventModule, { published: number; verified: number }>;
  signature_failures: number;
  earlier_deliveries: number;
}

export function buildSummary(
  seconds: number,
  published: Map<EventName, number>,
  stats: DeliveryStats,
): DemoSummary {
  const summary: DemoSummary = {
    seconds,
    published: {},
    delivered: {},
    verified: {},
    modules: {
      pbx: { published: 0, verified: 0 },
      telesales: { published: 0, verified: 0 },
      autocall: { published: 0, verified: 0 },
    },
    signature_failures: stats.failed,
    earlier_deliveries: stats.earlier,
  };
  for (const name of EVENT_NAMES) {
    const p = published.get(name) ?? 0;
    const v = stats.verifiedOf(name);
    summary.published[name] = p;
    summary.delivered[name] = stats.deliveredOf(name);
    summary.verified[name] = v;
    summary.modules[EVENT_TYPES[name].module].published += p;
    summary.modules[EVENT_TYPES[name].module].verified += v;
  }
  return summary;
}

/** The human-readable table, then one `DEMO_SUMMARY {json}` line for scripts and CI. */
export function formatSummary(summary: DemoSummary): string {
  const lines = [
    '',
    `Summary of ${summary.seconds} s of demo traffic`,
    `  ${'event'.padEnd(30)}${'published'.padStart(10)}${'delivered'.padStart(11)}${'verified'.padStart(10)}`,
  ];
  let total = [0, 0, 0];
  for (const name of EVENT_NAMES) {
    const row = [summary.published[name], summary.delivered[name], summary.verified[name]];
    total = total.map((t, i) => t + row[i]);
    lines.push(
      `  ${name.padEnd(30)}${String(row[0]).padStart(10)}${String(row[1]).padStart(11)}${String(row[2]).padStart(10)}`,
    );
  }
  lines.push(
    `  ${'total'.padEnd(30)}${String(total[0]).padStart(10)}${String(total[1]).padStart(11)}${String(total[2]).padStart(10)}`,
  );
  lines.push(
    `  signature check failures: ${summary.signature_failures}` +
      (summary.earlier_deliveries
        ? ` · deliveries of earlier runs' events: ${summary.earlier_deliveries}`
        : ''),
  );
  lines.push(`DEMO_SUMMARY ${JSON.stringify(summary)}`);
  return lines.join('\n');
}
