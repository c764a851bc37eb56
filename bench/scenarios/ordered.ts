/**
 * (i) ordered throughput: (a) again with every webhook created with `ordering: "per_key"` (events
 * in keys of four, as (a)'s), reported as a ratio to the unordered (a) of the same run. A platform
 * that refuses the field (a 4xx on create, before ordering landed) gets "not supported", not a
 * failed run. The receiver counts requests that arrive below their key's highest sequence.
 */
import type { EventName } from '../../src/events/catalogue';
import { ApiError } from '../lib/admin';
import { Env, Platform, check, log, type Scenario } from '../lib/harness';
import { throughput } from './throughput';

const EVENT: EventName = 'autocall.lead.transferred';
const ORDERED = { ordering: 'per_key' };

export const scenarioI: Scenario = async (env, p, driver) => {
  const refused = await refusesOrdering(env, p);
  if (refused) {
    log(`i: not supported: ${refused}`);
    return { supported: false, reason: refused };
  }
  const { events, webhooks, warmupEvents } = env.sizes.a;
  const r = await throughput(env, p, driver, {
    tag: 'i',
    event: EVENT,
    events,
    webhooks,
    warmupEvents,
    hooks: { fields: ORDERED },
  });
  const outOfOrder = r.outOfOrderAtReceiver as number;
  check(outOfOrder === 0, `i: ${outOfOrder} deliveries arrived out of their key's order`);
  // Without the ordering headers the receiver cannot see the order (reported, not judged).
  log(
    `i: ${r.sequencedAtReceiver as number} of ${r.deliveries as number} requests carried a sequence`,
  );
  return { supported: true, ordering: 'per_key', ...r };
};

/** Why the platform will not create an ordered webhook, or null if it does. */
async function refusesOrdering(env: Env, p: Platform): Promise<string | null> {
  const url = `https://127.0.0.1:${env.ports[0]}/i/ok/probe`;
  try {
    const { id, webhook } = await p.admin.createWebhook('bench i probe', url, [EVENT], ORDERED);
    await p.admin.deleteWebhook(id);
    return webhook.ordering === 'per_key'
      ? null
      : `created with ordering ${JSON.stringify(webhook.ordering)}`;
  } catch (err) {
    if (err instanceof ApiError && err.status >= 400 && err.status < 500) {
      return `the admin API refuses ordering: ${err.status} ${err.body.slice(0, 200)}`;
    }
    throw err;
  }
}
