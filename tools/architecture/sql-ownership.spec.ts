import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { foreignTables, moduleDirs, tableOwners, tablesInSql } from './sql-ownership';

const SRC = join(__dirname, '..', '..', 'src');

/**
 * Deliberate exceptions, as `<file under src>:<table>` with the reason. Empty: no module's SQL
 * names another module's table.
 */
const ALLOWED = new Set<string>([]);

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'sql-ownership-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('SQL table ownership', () => {
  it('no module under src/modules or src/events names a table another module owns', () => {
    expect(foreignTables(SRC, ALLOWED)).toEqual([]);
  });

  it('knows every table from the entities, each owned by the module that declares it', () => {
    const owners = tableOwners(moduleDirs(SRC));
    expect(owners.get('outbox_events')).toBe('events');
    expect(owners.get('webhooks')).toBe('webhooks');
    expect(owners.get('deliveries')).toBe('deliveries');
    expect(owners.get('audit_log')).toBe('audit');
    expect(owners.get('Webhook')).toBe('webhooks');
    expect(owners.get('OutboxEvent')).toBe('events');
    expect(owners.size).toBeGreaterThanOrEqual(17);
  });

  it('finds tables after FROM, JOIN, INTO, UPDATE, DELETE FROM, TABLE, and in TypeORM calls', () => {
    const source = [
      'const a = \'SELECT 1 FROM webhooks w JOIN "deliveries" d ON d.webhook_id = w.id\';',
      'const b = `INSERT INTO public.audit_log (x) VALUES (${1})`;',
      "const c = 'UPDATE ONLY users SET a = 1'; const d = 'DELETE FROM outbox_events';",
      "const e = 'LOCK TABLE pbx_calls'; // FROM not_a_string_literal",
      'const f = `SELECT * FROM ${"dynamic"}`;',
      "qb.from('webhooks', 'w').leftJoin('deliveries', 'd', 'd.x = w.id'); m.getRepository('Webhook');",
      "log('webhooks'); qb.where('audit_log');",
    ].join('\n');
    expect(tablesInSql(source).map((t) => `${t.line}:${t.table}`)).toEqual([
      '1:webhooks',
      '1:deliveries',
      '2:audit_log',
      '3:users',
      '3:outbox_events',
      '4:pbx_calls',
      '6:webhooks',
      '6:deliveries',
      '6:Webhook',
    ]);
  });

  it('goes red when a module deletes rows of a table another module owns', () => {
    const root = tree({
      'modules/a/entities/thing.entity.ts': "@Entity('a_things')\nexport class Thing {}",
      'modules/a/a.service.ts': "const own = 'DELETE FROM a_things';",
      'modules/b/b.service.ts': 'const sql = `DELETE FROM a_things WHERE id = $1`;',
      'modules/b/b.reader.ts': "tx.getRepository('Thing').find(); qb.innerJoin('a_things', 't');",
      'events/entities/outbox.entity.ts': "@Entity('outbox')\nexport class Outbox {}",
      'events/relay.ts': "const own = 'SELECT * FROM outbox';",
    });
    try {
      expect(foreignTables(root, new Set())).toEqual([
        { module: 'b', file: 'modules/b/b.reader.ts', line: 1, table: 'Thing', owner: 'a' },
        { module: 'b', file: 'modules/b/b.reader.ts', line: 1, table: 'a_things', owner: 'a' },
        { module: 'b', file: 'modules/b/b.service.ts', line: 1, table: 'a_things', owner: 'a' },
      ]);
      const allowed = ['modules/b/b.reader.ts:Thing', 'modules/b/b.reader.ts:a_things'];
      allowed.push('modules/b/b.service.ts:a_things');
      expect(foreignTables(root, new Set(allowed))).toEqual([]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('refuses a table declared by two modules', () => {
    const root = tree({
      'modules/a/x.entity.ts': "@Entity('shared')",
      'modules/b/x.entity.ts': "@Entity('shared')",
      'events/e.ts': '',
    });
    try {
      expect(() => tableOwners(moduleDirs(root))).toThrow('shared is declared by both a and b');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
