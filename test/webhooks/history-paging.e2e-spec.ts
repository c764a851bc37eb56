import { randomUUID } from 'node:crypto';
import { DeliveryPartitions } from '../../src/modules/deliveries/partitions';
import { WebhookFixture } from '../support/webhooks';

/**
 * The delivery history pages every filter combination exactly like a plain filtered,
 * newest-first query would: each row once, in order, across pages (the key is led by the webhook
 * or the event when one is given; see DeliveriesService.list).
 */
describe('delivery history: keyset paging under every filter', () => {
  // Declared before the fixture's hooks, so it runs while the app is still up.
  afterAll(async () => {
    await f.t.db.query(`DELETE FROM deliveries WHERE webhook_id = ANY($1::uuid[])`, [hooks]);
  });
  const f = new WebhookFixture({});

  // A window in the past that no other test file writes to, so event- and status-only filters
  // see only this file's rows.
  const from = '2020-03-01T00:00:00.000Z';
  const to = '2020-03-02T00:00:00.000Z';
  const events = ['pbx.call.hangup', 'telesales.lead.created', 'autocall.lead.dialed'];
  const statuses = ['succeeded', 'dead_letter', 'cancelled'];
  let hooks: string[] = [];

  beforeAll(async () => {
    const r = await f.receiver();
    hooks = [];
    for (let i = 0; i < 2; i++) hooks.push((await f.hook(r.url, ['pbx.call.hangup'])).id);
    const base = Date.parse(from);
    // A day long past the retention window has no partition until one is made for it.
    await f.t.app.get(DeliveryPartitions).ensure(new Date(from), new Date(from));
    const rows = Array.from({ length: 90 }, (_, i) => ({
      id: randomUUID(),
      webhook: hooks[i % 2],
      event: events[Math.floor(i / 2) % 3],
      status: statuses[Math.floor(i / 7) % 3],
      // Every third timestamp is shared by three deliveries: ties are broken by id.
      at: new Date(base + Math.floor(i / 3) * 60_000).toISOString(),
    }));
    await f.t.db.query(
      `INSERT INTO deliveries (id, event_id, webhook_id, webhook_name, url, event, body, status,
                               attempt_count, created_at, updated_at)
       SELECT u.id, NULL, u.webhook, 'paging', 'https://127.0.0.1/x', u.event, '{}', u.status, 1,
              u.at, u.at
         FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::timestamptz[])
              AS u(id, webhook, event, status, at)`,
      [
        rows.map((r) => r.id),
        rows.map((r) => r.webhook),
        rows.map((r) => r.event),
        rows.map((r) => r.status),
        rows.map((r) => r.at),
      ],
    );
  });

  /** The plain query: every filter as an equality, the window as given, newest first. */
  async function expected(filters: Record<string, string>): Promise<string[]> {
    const where: string[] = [];
    const params: string[] = [];
    for (const [key, sql] of [
      ['webhook_id', 'webhook_id::text = ?'],
      ['event', 'event = ?'],
      ['status', 'status = ?'],
      ['from', 'created_at >= ?::timestamptz'],
      ['to', 'created_at < ?::timestamptz'],
    ]) {
      if (filters[key]) {
        params.push(filters[key]);
        where.push(sql.replace('?', `$${params.length}`));
      }
    }
    const rows: { id: string }[] = await f.t.db.query(
      `SELECT id FROM deliveries WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC`,
      params,
    );
    return rows.map((r) => r.id);
  }

  async function paged(filters: Record<string, string>, limit: number): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 100; page++) {
      const query = new URLSearchParams({ ...filters, limit: String(limit) });
      if (cursor) query.set('cursor', cursor);
      const res = await f.admin.get(`/api/admin/deliveries?${query.toString()}`).expect(200);
      const body = res.body as { data: { id: string }[]; next_cursor: string | null };
      ids.push(...body.data.map((d) => d.id));
      cursor = body.next_cursor;
      if (!cursor) return ids;
    }
    throw new Error('paging did not end');
  }

  const window = { from, to };
  it.each([
    ['no other filter', { ...window }],
    ['a webhook', { ...window, webhook_id: 'w0' }],
    ['a webhook, no window (the lower id)', { webhook_id: 'low' }],
    ['a webhook, no window (the higher id)', { webhook_id: 'high' }],
    ['an event', { ...window, event: events[1] }],
    ['an event, up to a time only', { to, event: events[2] }],
    ['a status', { ...window, status: 'dead_letter' }],
    ['a webhook and an event', { ...window, webhook_id: 'w1', event: events[0] }],
    ['a webhook and a status', { ...window, webhook_id: 'w0', status: 'cancelled' }],
    ['an event and a status', { ...window, event: events[2], status: 'succeeded' }],
    [
      'an event in a narrower window',
      { event: events[0], from: '2020-03-01T00:05:00.000Z', to: '2020-03-01T00:20:00.000Z' },
    ],
    [
      'a webhook in a narrower window',
      { webhook_id: 'w1', from: '2020-03-01T00:10:00.000Z', to: '2020-03-01T00:11:00.000Z' },
    ],
  ])('pages %s exactly like the plain query', async (_name, spec: Record<string, string>) => {
    const filters = { ...spec };
    const sorted = [...hooks].sort();
    const named: Record<string, string> = {
      w0: hooks[0],
      w1: hooks[1],
      low: sorted[0],
      high: sorted[1],
    };
    if (filters.webhook_id) filters.webhook_id = named[filters.webhook_id];
    const want = await expected(filters);
    expect(want.length).toBeGreaterThan(0);
    for (const limit of [1, 4, 7, 200]) {
      expect(await paged(filters, limit)).toEqual(want);
    }
  });
});
