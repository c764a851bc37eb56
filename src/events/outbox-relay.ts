import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Client } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { OUTBOX_CHANNEL } from './event-bus';

export interface ClaimedEvent {
  id: string;
  eventName: string;
  payload: unknown;
  occurredAt: Date;
  /**
   * docs/receiver-guide.md §5: the event's ordering key, e.g. `call:<uuid>` (X-Zorio-Ordering-Key).
   */
  orderingKey: string;
  /** Its position among its key's events, 1, 2, 3, … (X-Zorio-Sequence). */
  sequence: number;
}

/**
 * Turns claimed events into durable work inside the relay's transaction, and returns what to do
 * once that transaction has committed (e.g. enqueue jobs). Must not do slow I/O itself.
 */
export interface OutboxSubscriber {
  readonly name: string;
  handle(tx: EntityManager, events: ClaimedEvent[]): Promise<(() => Promise<void>) | void>;
}

interface ClaimedRow {
  id: string;
  event_name: string;
  payload: unknown;
  occurred_at: Date;
  ordering_key: string;
  sequence: string;
}

export const RELAY_BATCH = 200;
const SWEEP_INTERVAL_MS = 2_000;
/** The listener's application_name, so operators (and tests) can tell it in pg_stat_activity. */
export const LISTENER_NAME = 'zorio-outbox-listener';

/**
 * The outbox relay (worker role): wakes on LISTEN/NOTIFY and on a periodic sweep, claims batches
 * with FOR UPDATE SKIP LOCKED (any number of workers may run), hands them to the subscribers and
 * marks them published, all in one transaction. A crash before commit leaves the events
 * unpublished and another worker (or this one, restarted) claims them again.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('OutboxRelay');
  private readonly subscribers: OutboxSubscriber[] = [];
  private listener: Client | null = null;
  private sweepTimer: NodeJS.Timeout | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private draining: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private enabled = false;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
  ) {}

  subscribe(subscriber: OutboxSubscriber): void {
    this.subscribers.push(subscriber);
  }

  /** Runs the relay from bootstrap on: only the roles src/platform/worker.module.ts says. */
  enable(): void {
    this.enabled = true;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.enabled) return;
    await this.listen();
    this.sweepTimer = setInterval(() => this.kick(), SWEEP_INTERVAL_MS);
    this.sweepTimer.unref();
    this.kick();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const listener = this.listener;
    this.listener = null;
    await listener?.end().catch(() => undefined);
    await this.draining;
  }

  /** Starts a drain unless one is running; a running drain loops once more. */
  kick(): void {
    if (this.stopped) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = this.drain()
      .then(() => undefined)
      .catch((err: unknown) => this.logger.error(`Relay drain failed: ${String(err)}`))
      .finally(() => {
        this.draining = null;
        if (this.again && !this.stopped) {
          this.again = false;
          this.kick();
        }
      });
  }

  /**
   * Relays until the outbox is empty (or what is left is claimed by other workers). An event is
   * relayed only with or after the one before it in its key (sequences have no gaps): of the
   * events a batch claims, each key's unbroken run of sequences goes, provided the event before
   * the run was already relayed; the rest waits, still unpublished, for a later batch. So the
   * deliveries of a key never exist out of order, whichever relay commits first.
   */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      if (this.stopped) return total;
      const n = await this.relayBatch();
      total += n;
      if (n === 0) return total;
    }
  }

  private async relayBatch(): Promise<number> {
    const afterCommit: (() => Promise<void>)[] = [];
    const count = await this.db.transaction(async (tx) => {
      const rows: ClaimedRow[] = await tx.query(
        `WITH claimed AS (
           SELECT id, event_name, payload, occurred_at, ordering_key, sequence
             FROM outbox_events WHERE published_at IS NULL
            ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED),
         runs AS (
           SELECT c.*, min(sequence) OVER (PARTITION BY ordering_key) AS first,
                  sequence - row_number() OVER (PARTITION BY ordering_key ORDER BY sequence)
                    AS run
             FROM claimed c)
         SELECT r.id, r.event_name, r.payload, r.occurred_at, r.ordering_key,
                r.sequence::text AS sequence
           FROM runs r
          WHERE r.run = r.first - 1
            AND NOT EXISTS (
              SELECT 1 FROM outbox_events p
               WHERE p.ordering_key = r.ordering_key AND p.sequence = r.first - 1
                 AND p.published_at IS NULL)
          ORDER BY r.id`,
        [RELAY_BATCH],
      );
      if (rows.length === 0) return 0;
      const events: ClaimedEvent[] = rows.map((r) => ({
        id: r.id,
        eventName: r.event_name,
        payload: r.payload,
        occurredAt: r.occurred_at,
        orderingKey: r.ordering_key,
        sequence: Number(r.sequence),
      }));
      for (const s of this.subscribers) {
        const then = await s.handle(tx, events);
        if (then) afterCommit.push(then);
      }
      await tx.query(`UPDATE outbox_events SET published_at = now() WHERE id = ANY($1::bigint[])`, [
        events.map((e) => e.id),
      ]);
      return events.length;
    });
    for (const then of afterCommit) await then();
    return count;
  }

  /**
   * LISTEN needs a session of its own, so it connects to PostgreSQL itself (DATABASE_DIRECT_URL),
   * never through a transaction-mode pooler. A lost connection is replaced, after a second and
   * again until it is back; the sweep relays meanwhile.
   */
  private async listen(): Promise<void> {
    const client = new Client({
      connectionString: this.config.databaseDirectUrl,
      application_name: LISTENER_NAME,
    });
    client.on('notification', () => this.kick());
    const lost = (why: string) => {
      if (this.stopped || this.listener !== client) return;
      this.logger.warn(`Outbox listener lost: ${why}; relying on sweeps until it is back`);
      this.scheduleReconnect();
    };
    client.on('error', (err) => lost(err.message));
    client.on('end', () => lost('connection closed'));
    try {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
      if (this.stopped) throw new Error('relay stopped');
      this.listener = client;
    } catch (err) {
      await client.end().catch(() => undefined);
      if (this.stopped) return;
      this.logger.warn(`Outbox listener unavailable: ${String(err)}`);
      this.scheduleReconnect();
    }
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer) return;
    const old = this.listener;
    this.listener = null;
    void old?.end().catch(() => undefined);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.listen().then(() => this.kick());
    }, 1_000);
    this.reconnectTimer.unref();
  }

  /** Age in seconds of the oldest unpublished event (0 when none), for metrics. */
  async lagSeconds(): Promise<number> {
    const rows: { age: number | null }[] = await this.db.query(
      `SELECT EXTRACT(EPOCH FROM now() - min(occurred_at))::float8 AS age
         FROM outbox_events WHERE published_at IS NULL`,
    );
    return Math.max(0, rows[0]?.age ?? 0);
  }
}
