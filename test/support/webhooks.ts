import { Webhook as StandardWebhook } from 'standardwebhooks';
import { EVENT_TYPES, EventName, EventPayloads } from '../../src/events/catalogue';
import { EventBus } from '../../src/events/event-bus';
import { verifyZorioSignature } from '../../tools/webhooks/verify-signature';
import { login, startApp, type Session, type TestApp } from './app';
import {
  startReceiver,
  type ReceivedRequest,
  type Receiver,
  type ReceiverOptions,
} from './https-receiver';
import { getTestPki } from '../../tools/pki/test-ca';
import { waitFor } from './wait';

/** The lane settings a test webhook may be created with. */
export interface LaneSettings {
  max_in_flight?: number;
  rate_limit_per_second?: number | null;
  ordering?: 'none' | 'per_key';
}

export async function createWebhook(
  admin: Session,
  url: string,
  events: EventName[],
  displayName = `hook ${Math.random().toString(36).slice(2, 8)}`,
  lane: LaneSettings = {},
): Promise<{ id: string; secret: string }> {
  const res = await admin
    .post('/api/admin/webhooks')
    .send({ display_name: displayName, url, events, ...lane })
    .expect(201);
  return { id: res.body.data.id as string, secret: res.body.secret as string };
}

/** Publishes like a domain module does: in a transaction, through the bus. Returns the outbox id. */
export async function publish<N extends EventName>(
  t: TestApp,
  name: N,
  data: EventPayloads[N] = EVENT_TYPES[name].sample,
): Promise<string> {
  return t.db.transaction(async (tx) => {
    await t.app.get(EventBus).publish(tx, name, data);
    const rows: { id: string }[] = await tx.query(
      `SELECT id::text AS id FROM outbox_events ORDER BY outbox_events.id DESC LIMIT 1`,
    );
    return rows[0].id;
  });
}

/** Waits until the relay has handed the outbox event on (its deliveries, if any, are made). */
export async function waitForRelayed(t: TestApp, eventId: string): Promise<void> {
  await waitFor(
    async () => {
      const rows: { published_at: Date | null }[] = await t.db.query(
        `SELECT published_at FROM outbox_events WHERE id = $1`,
        [eventId],
      );
      return rows[0]?.published_at;
    },
    { what: `outbox event ${eventId} to be relayed` },
  );
}

export interface DeliveryRow {
  id: string;
  webhook_id: string | null;
  status: string;
  attempt_count: number;
  body: string;
}

/**
 * The deliveries of an event, to the given webhooks only (so files never see each other's, even
 * when a failed file left a webhook behind).
 */
export function deliveriesOfEvent(
  t: TestApp,
  eventId: string,
  webhookIds: readonly string[],
): Promise<DeliveryRow[]> {
  return t.db.query(
    `SELECT id, webhook_id, status, attempt_count, body FROM deliveries
      WHERE event_id = $1 AND webhook_id = ANY($2::uuid[])`,
    [eventId, webhookIds],
  );
}

/**
 * Waits until the first delivery of an event to the given webhooks (see deliveriesOfEvent) is
 * `status`; returns it.
 */
export async function waitForEventDelivery(
  t: TestApp,
  eventId: string,
  webhookIds: readonly string[],
  status: string,
): Promise<DeliveryRow> {
  return waitFor(
    async () => {
      const [first] = await deliveriesOfEvent(t, eventId, webhookIds);
      return first?.status === status ? first : null;
    },
    { what: `the delivery of event ${eventId} to be ${status}` },
  );
}

export async function waitForDeliveryStatus(
  t: TestApp,
  deliveryId: string,
  status: string,
  timeoutMs = 20_000,
): Promise<DeliveryRow> {
  return waitFor(
    async () => {
      const rows: DeliveryRow[] = await t.db.query(
        `SELECT id, webhook_id, status, attempt_count, body FROM deliveries WHERE id = $1`,
        [deliveryId],
      );
      return rows[0]?.status === status ? rows[0] : null;
    },
    { timeoutMs, what: `delivery ${deliveryId} to be ${status}` },
  );
}

/** Both signature schemes of docs/receiver-guide.md §2 verify for this request with this secret. */
export function verifiesWith(req: ReceivedRequest, secret: string): boolean {
  const zorio = verifyZorioSignature(secret, req.body, req.headers['x-zorio-signature']);
  let standard = true;
  try {
    new StandardWebhook(secret, { format: 'raw' }).verify(req.body.toString('utf8'), {
      'webhook-id': String(req.headers['webhook-id']),
      'webhook-timestamp': String(req.headers['webhook-timestamp']),
      'webhook-signature': String(req.headers['webhook-signature']),
    });
  } catch {
    standard = false;
  }
  return zorio && standard;
}

/**
 * A webhook test file's setup: the app (with the test CA trusted), an admin session, and
 * receivers and webhooks that are closed and deleted after the file.
 */
export class WebhookFixture {
  t!: TestApp;
  admin!: Session;
  readonly receivers: Receiver[] = [];
  readonly webhookIds: string[] = [];
  /** Every secret the file has been shown (leak checks search for them). */
  readonly secrets: string[] = [];

  constructor(private readonly env: Record<string, string>) {
    beforeAll(async () => {
      this.t = await startApp({ WEBHOOK_CA_FILE: getTestPki().caFile, ...this.env });
      this.admin = await login(this.t);
    });
    afterAll(async () => {
      for (const id of this.webhookIds) await this.admin.del(`/api/admin/webhooks/${id}`);
      await this.t.close();
      for (const r of this.receivers) await r.close();
    });
  }

  async receiver(opts?: ReceiverOptions): Promise<Receiver> {
    const r = await startReceiver(opts);
    this.receivers.push(r);
    return r;
  }

  /** The deliveries of an event to the file's webhooks (see deliveriesOfEvent). */
  deliveries(eventId: string): Promise<DeliveryRow[]> {
    return deliveriesOfEvent(this.t, eventId, this.webhookIds);
  }

  /** Waits until the first delivery of the event to the file's webhooks is `status`. */
  delivered(eventId: string, status: string): Promise<DeliveryRow> {
    return waitForEventDelivery(this.t, eventId, this.webhookIds, status);
  }

  async hook(url: string, events: EventName[], displayName?: string, lane?: LaneSettings) {
    const w = await createWebhook(this.admin, url, events, displayName, lane);
    this.webhookIds.push(w.id);
    this.secrets.push(w.secret);
    return w;
  }
}
