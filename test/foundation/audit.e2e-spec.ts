import { randomUUID } from 'node:crypto';
import { Actor, SYSTEM_ACTOR } from '../../src/common/actor';
import { AuditService, entryHash } from '../../src/modules/audit/audit.service';
import { AuditEntry } from '../../src/modules/audit/entities/audit-entry.entity';
import { Session, TestApp, login, useApp } from '../support/app';
import { ScratchDatabase, withScratchApp } from './scratch-db';

/** RFC 4180: quoted fields, doubled quotes, embedded commas and newlines. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || (c === '\r' && text[i + 1] === '\n')) {
      if (c === '\r') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += c;
    }
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

const COLUMNS = [
  'id',
  'occurred_at',
  'actor_type',
  'actor_id',
  'actor_name',
  'action',
  'target_type',
  'target_id',
  'ip',
  'user_agent',
  'changes',
  'hash',
];

const idsOf = (body: { data: { id: string }[] }): string[] => body.data.map((e) => e.id);

const testActor = (name: string): Actor => ({
  type: 'api_token',
  id: randomUUID(),
  name,
  ip: '192.0.2.10',
  userAgent: 'audit-spec',
});

describe('audit log', () => {
  let t: TestApp;
  let admin: Session;
  let audit: AuditService;

  useApp(async (app) => {
    t = app;
    admin = await login(t, 'admin');
    audit = t.app.get(AuditService);
  });

  it('is append-only at the database: UPDATE, DELETE and TRUNCATE are refused', async () => {
    const entry = await audit.record(t.db.manager, SYSTEM_ACTOR, {
      action: 'test.append_only',
      targetType: 'probe',
      targetId: randomUUID(),
    });
    await expect(
      t.db.query(`UPDATE audit_log SET action = 'test.rewritten' WHERE id = $1`, [entry.id]),
    ).rejects.toThrow(/append-only: UPDATE refused/);
    await expect(t.db.query(`DELETE FROM audit_log WHERE id = $1`, [entry.id])).rejects.toThrow(
      /append-only: DELETE refused/,
    );
    await expect(t.db.query(`TRUNCATE audit_log`)).rejects.toThrow(/append-only: TRUNCATE refused/);
    const rows = await t.db.query<{ action: string; hash: string }[]>(
      'SELECT action, hash FROM audit_log WHERE id = $1',
      [entry.id],
    );
    expect(rows).toEqual([{ action: 'test.append_only', hash: entry.hash }]);
  });

  it('strips secrets from before/after, whatever their nesting, not even keeping a hash', async () => {
    const targetId = randomUUID();
    await audit.record(t.db.manager, testActor('redaction'), {
      action: 'test.redaction',
      targetType: 'probe',
      targetId,
      before: { password: 'hunter2-hunter2', url: 'https://a.example' },
      after: {
        secret: 'S3cr3tS3cr3tS3cr3tS3cr3tS3cr3t12',
        token_hash: 'abc',
        token_id: 'kept',
        nested: [{ authorization: 'Bearer x', signature: 'v1,x', keep: 1 }],
        url: 'https://b.example',
      },
    });
    const res = await admin.get(`/api/admin/audit-log?target_id=${targetId}`).expect(200);
    expect(res.body.data[0].changes).toEqual({
      before: { url: 'https://a.example' },
      after: { token_id: 'kept', nested: [{ keep: 1 }], url: 'https://b.example' },
    });
    expect(JSON.stringify(res.body)).not.toMatch(/hunter2|S3cr3t|Bearer x|v1,x/);
  });

  it('lists newest first with filters and a cursor', async () => {
    const targetId = randomUUID();
    const actor = testActor('lister');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const e = await audit.record(t.db.manager, i % 2 ? actor : SYSTEM_ACTOR, {
        action: i % 2 ? 'test.odd' : 'test.even',
        targetType: 'probe',
        targetId,
      });
      ids.push(e.id);
    }
    const newestFirst = [...ids].reverse();
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q: string = cursor ? `&cursor=${cursor}` : '';
      const res = await admin
        .get(`/api/admin/audit-log?target_id=${targetId}&limit=2${q}`)
        .expect(200);
      seen.push(...(res.body.data as { id: string }[]).map((e) => e.id));
      cursor = res.body.next_cursor as string | null;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(newestFirst);

    const odd = await admin
      .get(`/api/admin/audit-log?target_id=${targetId}&action=test.odd`)
      .expect(200);
    expect(idsOf(odd.body)).toEqual([ids[3], ids[1]]);
    const byActor = await admin.get(`/api/admin/audit-log?actor_id=${actor.id}`).expect(200);
    expect(idsOf(byActor.body)).toEqual([ids[3], ids[1]]);
    expect(byActor.body.data[0]).toMatchObject({
      actor_type: 'api_token',
      actor_id: actor.id,
      actor_name: 'lister',
      target_type: 'probe',
      ip: '192.0.2.10',
      user_agent: 'audit-spec',
      changes: null,
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const none = await admin
      .get(`/api/admin/audit-log?target_id=${targetId}&from=${future}`)
      .expect(200);
    expect(none.body).toEqual({ data: [], next_cursor: null });
    const past = await admin
      .get(`/api/admin/audit-log?target_id=${targetId}&to=${future}&target_type=probe`)
      .expect(200);
    expect(past.body.data).toHaveLength(5);
  });

  it.each([
    ['limit=0', 400],
    ['limit=201', 400],
    ['limit=abc', 400],
    ['from=yesterday', 400],
    ['to=2024-13-45', 400],
    ['action=DROP%20TABLE', 400],
    ['target_type=Probe!', 400],
    ['colour=blue', 400],
    ['cursor=abc', 400],
    ['cursor=-1', 400],
    ['cursor=99999999999999999999', 400],
    ['cursor=9999999999999999999', 400],
  ])('answers %s with %i, never a 500', async (query, status) => {
    const res = await admin.get(`/api/admin/audit-log?${query}`);
    expect(res.status).toBe(status);
    expect(res.body.message).toEqual(expect.any(String));
    if (!query.startsWith('cursor')) {
      expect(Object.keys(res.body.errors)).toEqual([query.split('=')[0]]);
    }
  });

  /**
   * 650 entries of `test.export` on the target (more than the exporter's page), the eighth with
   * a value CSV must quote and a password it must never export; returns their ids.
   */
  async function recordExportEntries(actor: Actor, targetId: string): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < 650; i++) {
      const e = await audit.record(t.db.manager, actor, {
        action: 'test.export',
        targetType: 'probe',
        targetId,
        after:
          i === 7
            ? { note: 'comma, "quotes"\nand a newline', password: 'never-exported' }
            : { n: i },
      });
      ids.push(e.id);
    }
    return ids;
  }

  it('exports every filtered entry as streamed CSV (paged past the exporter page size)', async () => {
    const targetId = randomUUID();
    const actor = testActor('exporter');
    const ids = await recordExportEntries(actor, targetId);
    // An entry outside the filter.
    await audit.record(t.db.manager, actor, { action: 'test.export', targetType: 'other' });

    const res = await admin
      .get(`/api/admin/audit-log/export?target_id=${targetId}&action=test.export`)
      .buffer(true)
      .parse((stream, done) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => done(null, Buffer.concat(chunks).toString('utf8')));
      })
      .expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toMatch(
      /^attachment; filename="audit-log-.*\.csv"$/,
    );
    expect(res.headers['transfer-encoding']).toBe('chunked');
    const rows = parseCsv(res.body as string);
    expect(rows[0]).toEqual(COLUMNS);
    const body = rows.slice(1);
    expect(body.map((r) => r[0])).toEqual([...ids].reverse());
    const byId = new Map(body.map((r) => [r[0], r]));
    const tricky = byId.get(ids[7])!;
    expect(JSON.parse(tricky[10])).toEqual({
      before: null,
      after: { note: 'comma, "quotes"\nand a newline' },
    });
    const first = byId.get(ids[0])!;
    const [dbRow] = await t.db.query<{ hash: string; occurred_at: Date }[]>(
      'SELECT hash, occurred_at FROM audit_log WHERE id = $1',
      [ids[0]],
    );
    expect(first).toEqual([
      ids[0],
      dbRow.occurred_at.toISOString(),
      'api_token',
      actor.id,
      'exporter',
      'test.export',
      'probe',
      targetId,
      '192.0.2.10',
      'audit-spec',
      JSON.stringify({ after: { n: 0 }, before: null }),
      dbRow.hash,
    ]);
    expect(res.body).not.toContain('never-exported');
  }, 60_000);

  it('exports only the header when nothing matches, and answers 400 to a bad filter', async () => {
    const empty = await admin
      .get(`/api/admin/audit-log/export?target_id=${randomUUID()}`)
      .expect(200);
    expect(parseCsv(empty.text)).toEqual([COLUMNS]);
    await admin.get('/api/admin/audit-log/export?limit=abc').expect(400);
  });
});

/**
 * Tampering is detected by `verify`. It breaks the chain for good, so it runs on databases of its
 * own: the run's shared database is never altered.
 */
describe('audit log verification', () => {
  /** Records `count` entries one after the other; returns their ids. */
  async function recordChain(t: TestApp, count: number): Promise<string[]> {
    const audit = t.app.get(AuditService);
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const entry = await audit.record(t.db.manager, SYSTEM_ACTOR, {
        action: 'test.chain',
        after: { i },
      });
      ids.push(entry.id);
    }
    return ids;
  }

  async function tamper(scratch: ScratchDatabase, sql: string, params: unknown[]): Promise<void> {
    await scratch.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
    try {
      await scratch.query(sql, params);
    } finally {
      await scratch.query('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
    }
  }

  it('reports the altered entry, then the next one once the attacker recomputes its hash', () =>
    withScratchApp('verify', async (t, scratch) => {
      const session = await login(t, 'auditor');
      const ids = await recordChain(t, 6);
      const all = await scratch.query<{ id: string }>('SELECT id FROM audit_log ORDER BY id');
      const position = (id: string): number => all.findIndex((r) => r.id === id) + 1;

      const clean = await session.get('/api/admin/audit-log/verify').expect(200);
      expect(clean.body).toEqual({
        data: { ok: true, checked: all.length, first_broken_id: null },
      });

      const victim = ids[2];
      await tamper(scratch, `UPDATE audit_log SET actor_name = 'mallory' WHERE id = $1`, [victim]);
      const altered = await session.get('/api/admin/audit-log/verify').expect(200);
      expect(altered.body).toEqual({
        data: { ok: false, checked: position(victim), first_broken_id: victim },
      });
      // The append-only trigger is back on.
      await expect(
        scratch.query(`UPDATE audit_log SET actor_name = 'x' WHERE id = $1`, [victim]),
      ).rejects.toThrow(/append-only/);

      const row = await t.db.getRepository(AuditEntry).findOneByOrFail({ id: victim });
      expect(row.actorName).toBe('mallory');
      await tamper(scratch, 'UPDATE audit_log SET hash = $2 WHERE id = $1', [
        victim,
        entryHash(row),
      ]);
      const rehashed = await session.get('/api/admin/audit-log/verify').expect(200);
      expect(rehashed.body).toEqual({
        data: { ok: false, checked: position(ids[3]), first_broken_id: ids[3] },
      });
    }));

  it(
    'reports the entry after a deleted one, beyond the first verification page',
    () =>
      withScratchApp('verifydel', async (t, scratch) => {
        const audit = t.app.get(AuditService);
        const ids = await recordChain(t, 1100);
        expect(await audit.verify()).toEqual({ ok: true, checked: 1100, first_broken_id: null });
        await tamper(scratch, 'DELETE FROM audit_log WHERE id = $1', [ids[1049]]);
        expect(await audit.verify()).toEqual({
          ok: false,
          checked: 1050,
          first_broken_id: ids[1050],
        });
      }),
    60_000,
  );
});
