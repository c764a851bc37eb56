import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { SYSTEM_ACTOR } from '../../src/common/actor';
import { WebhooksService } from '../../src/modules/webhooks/webhooks.service';
import { QueueName } from '../../src/platform/queues';
import { type TestApp, useApp } from '../support/app';

/**
 * The webhooks module's WebhookLifecycle port, as deliveries implements it (role api: nothing
 * drains, so backlogs and lane jobs stay where the port left them).
 */
describe('webhook changes reach deliveries through the WebhookLifecycle port', () => {
  let t: TestApp;
  let webhooks: WebhooksService;
  let lanes: Queue;

  useApp(
    (app) => {
      t = app;
      webhooks = t.app.get(WebhooksService);
      lanes = t.app.get<Queue>(getQueueToken(QueueName.Lanes));
    },
    { ZORIO_ROLE: 'api', LOG_LEVEL: 'silent' },
  );

  async function webhook(): Promise<string> {
    const { webhook } = await webhooks.create(SYSTEM_ACTOR, {
      display_name: 'ports',
      url: 'https://receiver.example/hook',
      events: ['pbx.call.ringing'],
    });
    return webhook.id;
  }

  /** A delivery of the webhook as fan-out writes it, in the given status. */
  async function delivery(webhookId: string, status: string): Promise<string> {
    const id = randomUUID();
    await t.db.query(
      `INSERT INTO deliveries (id, webhook_id, webhook_name, url, event, body, ordering_key,
                               sequence, status, next_attempt_at, created_at, updated_at)
       VALUES ($1, $2, 'ports', 'https://receiver.example/hook', 'pbx.call.ringing', '{}', $3, 1,
               $4, now(), clock_timestamp(), now())`,
      [id, webhookId, `call:${randomUUID()}`, status],
    );
    return id;
  }

  async function statuses(ids: string[]): Promise<string[]> {
    const rows: { id: string; status: string }[] = await t.db.query(
      `SELECT id, status FROM deliveries WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return ids.map((id) => rows.find((r) => r.id === id)?.status ?? 'missing');
  }

  it('cancels a deleted webhook’s backlog in the deleting transaction: a delete that fails keeps it', async () => {
    const id = await webhook();
    const ids = [
      await delivery(id, 'pending'),
      await delivery(id, 'retrying'),
      await delivery(id, 'succeeded'),
    ];
    const fn = `refuse_delete_${id.replace(/-/g, '')}`;
    // The row's delete fails after the port cancelled the backlog: both roll back together.
    await t.db.query(
      `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS
         $$ BEGIN RAISE EXCEPTION 'delete refused by the test'; END $$`,
    );
    await t.db.query(
      `CREATE TRIGGER ${fn} BEFORE DELETE ON webhooks FOR EACH ROW
         WHEN (OLD.id = '${id}') EXECUTE FUNCTION ${fn}()`,
    );
    try {
      await expect(webhooks.remove(SYSTEM_ACTOR, id)).rejects.toThrow('delete refused by the test');
      expect(await statuses(ids)).toEqual(['pending', 'retrying', 'succeeded']);
    } finally {
      await t.db.query(`DROP TRIGGER ${fn} ON webhooks`);
      await t.db.query(`DROP FUNCTION ${fn}()`);
    }
    await webhooks.remove(SYSTEM_ACTOR, id);
    expect(await statuses(ids)).toEqual(['cancelled', 'cancelled', 'succeeded']);
  });

  it('signals a resumed webhook’s lane, and forgets its lane job once it is deleted', async () => {
    const id = await webhook();
    await delivery(id, 'pending');
    await webhooks.pause(SYSTEM_ACTOR, id);
    expect(await lanes.getJobState(`lane-${id}`)).toBe('unknown');
    await webhooks.resume(SYSTEM_ACTOR, id);
    expect(await lanes.getJobState(`lane-${id}`)).not.toBe('unknown');
    await webhooks.remove(SYSTEM_ACTOR, id);
    expect(await lanes.getJobState(`lane-${id}`)).toBe('unknown');
  });
});
