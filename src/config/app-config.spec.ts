import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REQUIRED_ENV } from '../../test/support/config';
import { AppConfig, CONFIG_KEYS, ConfigError, loadConfig } from './app-config';

function errorOf(env: Record<string, string>): string {
  try {
    loadConfig({ ...REQUIRED_ENV, ...env });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('applies the documented defaults (README, .env.example) when only the secrets are set', () => {
    const c = loadConfig(REQUIRED_ENV);
    expect(c).toBeInstanceOf(AppConfig);
    expect(c).toMatchObject({
      PORT: 3000,
      ZORIO_ROLE: 'all',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/zorio',
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_PREFIX: 'zorio',
      TENANT_ID: 1,
      WEBHOOK_TIMEOUT_MS: 5000,
      WEBHOOK_RETRY_SCHEDULE: '30,300,1800',
      WEBHOOK_SUSPEND_AFTER: 50,
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: false,
      DELIVERY_RETENTION_DAYS: 30,
      PBX_ESL_PORT: 8021,
      PBX_ESL_PASSWORD: 'ClueCon',
      LOG_LEVEL: 'info',
    });
    expect(c.ADMIN_EMAIL).toBeUndefined();
    expect(c.ADMIN_PASSWORD).toBeUndefined();
    expect(c.WEBHOOK_CA_FILE).toBeUndefined();
    expect(c.PBX_ESL_HOST).toBeUndefined();
    expect(c.retrySchedule).toEqual([30, 300, 1800]);
    expect(c.cookieSecure).toBe(false);
    expect(c.secretsKey).toHaveLength(32);
  });

  it('reads every variable, converting numbers and booleans', () => {
    const c = loadConfig({
      ...REQUIRED_ENV,
      PORT: '8080',
      ZORIO_ROLE: 'worker',
      DATABASE_URL: 'postgresql://u:p@db:5433/z',
      REDIS_URL: 'rediss://cache:6380',
      REDIS_PREFIX: 'acme:prod',
      COOKIE_SECURE: 'true',
      ADMIN_EMAIL: 'ops@acme.example',
      ADMIN_PASSWORD: 'a long admin password',
      TENANT_ID: '42',
      WEBHOOK_TIMEOUT_MS: '2500',
      WEBHOOK_RETRY_SCHEDULE: '0.2, 0.5,1',
      WEBHOOK_SUSPEND_AFTER: '3',
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'yes',
      WEBHOOK_CA_FILE: '/etc/ssl/extra.pem',
      DELIVERY_RETENTION_DAYS: '7',
      PBX_ESL_HOST: 'freeswitch.local',
      PBX_ESL_PORT: '8022',
      PBX_ESL_PASSWORD: 'secret',
      LOG_LEVEL: 'debug',
    });
    expect(c).toMatchObject({
      PORT: 8080,
      ZORIO_ROLE: 'worker',
      REDIS_PREFIX: 'acme:prod',
      ADMIN_EMAIL: 'ops@acme.example',
      ADMIN_PASSWORD: 'a long admin password',
      TENANT_ID: 42,
      WEBHOOK_TIMEOUT_MS: 2500,
      WEBHOOK_SUSPEND_AFTER: 3,
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: true,
      WEBHOOK_CA_FILE: '/etc/ssl/extra.pem',
      DELIVERY_RETENTION_DAYS: 7,
      PBX_ESL_HOST: 'freeswitch.local',
      PBX_ESL_PORT: 8022,
      LOG_LEVEL: 'debug',
    });
    expect(c.retrySchedule).toEqual([0.2, 0.5, 1]);
    expect(c.cookieSecure).toBe(true);
  });

  it('turns Secure cookies on in production unless COOKIE_SECURE says otherwise', () => {
    expect(loadConfig({ ...REQUIRED_ENV, NODE_ENV: 'production' }).cookieSecure).toBe(true);
    expect(
      loadConfig({ ...REQUIRED_ENV, NODE_ENV: 'production', COOKIE_SECURE: 'false' }).cookieSecure,
    ).toBe(false);
  });

  it('sends session-bound work to DATABASE_DIRECT_URL, or to DATABASE_URL when it is not set', () => {
    const pooled = 'postgres://app@pgbouncer:6432/zorio';
    expect(loadConfig({ ...REQUIRED_ENV, DATABASE_URL: pooled }).databaseDirectUrl).toBe(pooled);
    const direct = 'postgres://app@db:5432/zorio';
    const c = loadConfig({ ...REQUIRED_ENV, DATABASE_URL: pooled, DATABASE_DIRECT_URL: direct });
    expect([c.DATABASE_URL, c.databaseDirectUrl]).toEqual([pooled, direct]);
  });

  it('treats an empty value as unset', () => {
    const c = loadConfig({ ...REQUIRED_ENV, PORT: '', ADMIN_PASSWORD: '', PBX_ESL_HOST: '' });
    expect(c.PORT).toBe(3000);
    expect(c.ADMIN_PASSWORD).toBeUndefined();
    expect(c.PBX_ESL_HOST).toBeUndefined();
  });

  it('ignores variables it does not own', () => {
    const c = loadConfig({ ...REQUIRED_ENV, HOME: '/root', EXTRA: 'x' });
    expect(c).not.toHaveProperty('HOME');
    expect(c).not.toHaveProperty('EXTRA');
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '80.5'],
    ['ZORIO_ROLE', 'both'],
    ['DATABASE_URL', 'mysql://localhost/zorio'],
    ['DATABASE_DIRECT_URL', 'pgbouncer:6432/zorio'],
    ['REDIS_URL', 'localhost:6379'],
    ['REDIS_PREFIX', 'has space'],
    ['REDIS_CLUSTER_NODES', 'localhost'],
    ['REDIS_CLUSTER_NODES', '10.0.0.1:7000,'],
    ['REDIS_CLUSTER_NODES', '10.0.0.1:70000'],
    ['REDIS_CLUSTER_NODES', 'redis://10.0.0.1:7000'],
    ['REDIS_CLUSTER_NODES', '::1:7000'],
    ['REDIS_SENTINELS', 's1:26379'],
    ['REDIS_SENTINEL_NAME', 'my master'],
    ['SECRETS_KEY', 'too-short'],
    ['SECRETS_KEY', Buffer.alloc(16).toString('base64')],
    ['SESSION_SECRET', 'short'],
    ['NODE_ENV', 'staging'],
    ['COOKIE_SECURE', 'maybe'],
    ['ADMIN_EMAIL', 'not an email'],
    ['ADMIN_PASSWORD', 'short'],
    ['TENANT_ID', '0'],
    ['TENANT_ID', 'one'],
    ['WEBHOOK_TIMEOUT_MS', '50'],
    ['WEBHOOK_TIMEOUT_MS', '600000'],
    ['WEBHOOK_RETRY_SCHEDULE', '30,300'],
    ['WEBHOOK_RETRY_SCHEDULE', '30,abc,1800'],
    ['WEBHOOK_SUSPEND_AFTER', '-1'],
    ['WEBHOOK_ALLOW_PRIVATE_NETWORKS', 'perhaps'],
    ['DELIVERY_RETENTION_DAYS', '0'],
    ['PBX_ESL_PORT', '0'],
    ['LOG_LEVEL', 'verbose'],
  ])('rejects %s=%s with one line naming the variable', (name, value) => {
    const message = errorOf({ [name]: value });
    expect(message).not.toContain('\n');
    expect(message).toMatch(new RegExp(`^Invalid configuration: ${name}: \\S`));
    expect(message.split(';')).toHaveLength(1);
  });

  it('says what is wrong with REDIS_SENTINELS: no master name, not host:port, or set with a cluster', () => {
    expect(errorOf({ REDIS_SENTINELS: 's1:26379' })).toContain(
      'REDIS_SENTINELS: needs REDIS_SENTINEL_NAME',
    );
    expect(errorOf({ REDIS_SENTINELS: 's1', REDIS_SENTINEL_NAME: 'mymaster' })).toContain(
      'REDIS_SENTINELS: must be a comma-separated list of host:port',
    );
    const both = {
      REDIS_SENTINELS: 's1:26379',
      REDIS_SENTINEL_NAME: 'm',
      REDIS_CLUSTER_NODES: 'c:1',
    };
    expect(errorOf(both)).toBe(
      'Invalid configuration: REDIS_SENTINELS: cannot be set together with REDIS_CLUSTER_NODES',
    );
  });

  it('names a missing secret as required', () => {
    expect(() => loadConfig({ SESSION_SECRET: REQUIRED_ENV.SESSION_SECRET })).toThrow(
      'Invalid configuration: SECRETS_KEY: is required but not set',
    );
    expect(() => loadConfig({})).toThrow(
      /^Invalid configuration: SECRETS_KEY: is required but not set; SESSION_SECRET: is required but not set$/,
    );
  });

  it('lists several bad variables on the same single line', () => {
    const message = errorOf({ PORT: 'x', LOG_LEVEL: 'loud' });
    expect(message).not.toContain('\n');
    expect(message).toContain('PORT: ');
    expect(message).toContain('LOG_LEVEL: ');
  });

  it('owns exactly the variables of .env.example', () => {
    const example = readFileSync(join(__dirname, '..', '..', '.env.example'), 'utf8');
    const documented = [...example.matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]).sort();
    const owned = [...new Set(CONFIG_KEYS)].filter((k) => k !== 'NODE_ENV').sort();
    expect(owned).toEqual(documented);
  });
});
