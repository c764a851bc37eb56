import { Client } from 'pg';
import { dataSourceOptions } from './data-source-options';

/** What node-postgres puts in the startup packet (not in its typings). */
type StartupClient = Client & { getStartupConf(): Record<string, string> };

describe('dataSourceOptions', () => {
  it('sends PostgreSQL only the startup parameters PgBouncer accepts (no options=-c …, no timeouts)', () => {
    const options = dataSourceOptions('postgres://app@pgbouncer:6432/zorio');
    const extra = (options as { extra?: Record<string, unknown> }).extra ?? {};
    const client = new Client({
      connectionString: options.type === 'postgres' ? options.url : undefined,
      ...extra,
    }) as StartupClient;
    expect(Object.keys(client.getStartupConf()).sort()).toEqual([
      'application_name',
      'database',
      'user',
    ]);
  });
});
