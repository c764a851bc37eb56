import { randomUUID } from 'node:crypto';
import { SYSTEM_ACTOR } from '../../src/common/actor';
import { ApiTokensService } from '../../src/modules/auth/api-tokens.service';
import { MAX_CONCURRENT_ARGON2, argon2Stats } from '../../src/modules/auth/passwords';
import { TestApp, createUser, login, startApp, useApp } from '../support/app';

/**
 * Login throttling under bursts and behind proxies: a slot is reserved before each password check
 * (so a parallel burst gets at most 5 checks), argon2 runs under a process-wide cap, IPv6 clients
 * are grouped by /64, and the client address comes from X-Forwarded-For only when a trusted proxy
 * (TRUST_PROXY) sent it. The app listens on 127.0.0.1, so the test itself is "the proxy".
 */

let ipCounter = 0;
/** A client address no other test uses (TEST-NET-2 and a /16 of 198.18.0.0/15). */
const freshIp = (): string => {
  ipCounter++;
  return `198.19.${Math.floor(ipCounter / 250)}.${(ipCounter % 250) + 1}`;
};

describe('login throttle and argon2 cap (trusting loopback, the default)', () => {
  let t: TestApp;
  useApp((app) => (t = app));

  const attempt = (email: string, ip: string, password = 'wrong password') =>
    t.http().post('/api/admin/auth/login').set('X-Forwarded-For', ip).send({ email, password });

  it('a parallel burst of 50 wrong passwords for one account, from 50 addresses, gets at most 5 password checks', async () => {
    const user = await createUser(t);
    const before = argon2Stats.verifications;
    argon2Stats.peakConcurrency = 0;
    const results = await Promise.all(
      Array.from({ length: 50 }, () => attempt(user.email, freshIp())),
    );
    const checks = argon2Stats.verifications - before;
    const statuses = results.map((r) => r.status);
    expect(checks).toBeGreaterThan(0);
    expect(checks).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s === 401)).toHaveLength(checks);
    expect(statuses.filter((s) => s === 429)).toHaveLength(50 - checks);
    expect(argon2Stats.peakConcurrency).toBeLessThanOrEqual(MAX_CONCURRENT_ARGON2);
  });

  it('a parallel burst of 50 logins to 50 accounts from one address gets at most 5 password checks', async () => {
    const ip = freshIp();
    const before = argon2Stats.verifications;
    const results = await Promise.all(
      Array.from({ length: 50 }, () => attempt(`${randomUUID()}@example.test`, ip)),
    );
    const checks = argon2Stats.verifications - before;
    expect(checks).toBeGreaterThan(0);
    expect(checks).toBeLessThanOrEqual(5);
    expect(results.filter((r) => r.status === 429)).toHaveLength(50 - checks);
  });

  it('a good password returns its slot: a busy office behind one address is not locked out', async () => {
    const ip = freshIp();
    for (let i = 0; i < 8; i++) {
      const user = await createUser(t);
      await attempt(user.email, ip, user.password).expect(200);
    }
  });

  it('groups IPv6 clients by /64', async () => {
    const prefix = `2001:db8:${(ipCounter++).toString(16)}:7`;
    for (let i = 1; i <= 5; i++) {
      await attempt(`${randomUUID()}@example.test`, `${prefix}::${i.toString(16)}`).expect(401);
    }
    // Another address of the same /64 (written out in full) is throttled...
    await attempt(`${randomUUID()}@example.test`, `${prefix}:ffff:1:2:3`).expect(429);
    // ...the neighbouring /64 is not.
    const next = prefix.replace(/:7$/, ':8');
    await attempt(`${randomUUID()}@example.test`, `${next}::1`).expect(401);
  });
});

describe('TRUST_PROXY', () => {
  async function tokenFor(t: TestApp, allowlist: string[]): Promise<string> {
    const { plain } = await t.app.get(ApiTokensService).create(SYSTEM_ACTOR, {
      name: 'proxy test',
      scopes: ['pbx_api_access'],
      ip_allowlist: allowlist,
    });
    return `Bearer ${plain}`;
  }
  const cdrList = (t: TestApp, token: string, forwardedFor?: string) => {
    const req = t.http().get('/api/pbx/cdr').set('Authorization', token);
    return forwardedFor ? req.set('X-Forwarded-For', forwardedFor) : req;
  };

  describe('behind a trusted proxy (TRUST_PROXY=127.0.0.1/32,10.20.0.0/16)', () => {
    let t: TestApp;
    useApp(
      (app) => {
        t = app;
      },
      { TRUST_PROXY: '127.0.0.1/32,10.20.0.0/16' },
    );

    it('token IP allowlists see the real client from X-Forwarded-For', async () => {
      const token = await tokenFor(t, ['203.0.113.7', '2001:db8:42::/48']);
      await cdrList(t, token, '203.0.113.7').expect(200);
      await cdrList(t, token, '2001:db8:42:1::9').expect(200);
      await cdrList(t, token, '198.51.100.1').expect(401);
      // A client-supplied hop before an untrusted one does not count: the last untrusted hop is
      // the client. Hops from trusted proxies (10.20.x.x) are skipped.
      await cdrList(t, token, '203.0.113.7, 198.51.100.1').expect(401);
      await cdrList(t, token, '198.51.100.1, 203.0.113.7, 10.20.3.4').expect(200);
      await cdrList(t, token).expect(401);
    });

    it('the per-IP login throttle counts each real client on its own', async () => {
      const a = freshIp();
      const b = freshIp();
      const fail = (ip: string) =>
        t
          .http()
          .post('/api/admin/auth/login')
          .set('X-Forwarded-For', ip)
          .send({ email: `${randomUUID()}@example.test`, password: 'wrong password' });
      for (let i = 0; i < 5; i++) await fail(a).expect(401);
      await fail(a).expect(429);
      await fail(b).expect(401);
    });

    it('records the real client in the audit log', async () => {
      const ip = freshIp();
      const session = await login(t);
      await session.agent.get('/api/admin/auth/me').expect(200);
      const email = `${randomUUID()}@example.test`;
      await t
        .http()
        .post('/api/admin/auth/login')
        .set('X-Forwarded-For', ip)
        .send({ email, password: 'wrong password' })
        .expect(401);
      const rows = await t.db.query<{ ip: string }[]>(
        `SELECT ip FROM audit_log WHERE action = 'auth.login_failed' AND changes->'after'->>'email' = $1`,
        [email],
      );
      expect(rows).toEqual([{ ip }]);
    });
  });

  describe('when the peer is not a trusted proxy (TRUST_PROXY=10.20.0.0/16)', () => {
    let t: TestApp;
    beforeAll(async () => {
      // Its failures all count against 127.0.0.1: a Redis prefix of its own keeps them from
      // throttling the logins of other test files.
      const prefix = `${process.env.REDIS_PREFIX ?? 'zorio-test'}:untrusted-proxy`;
      t = await startApp({ TRUST_PROXY: '10.20.0.0/16', REDIS_PREFIX: prefix });
    });
    afterAll(async () => {
      await t?.close();
    });

    it('ignores X-Forwarded-For for token IP allowlists', async () => {
      const spoofed = await tokenFor(t, ['203.0.113.7']);
      await cdrList(t, spoofed, '203.0.113.7').expect(401);
      const direct = await tokenFor(t, ['127.0.0.1']);
      await cdrList(t, direct, '203.0.113.7').expect(200);
    });

    it('ignores X-Forwarded-For for the login throttle (a client cannot pick a fresh address)', async () => {
      const fail = () =>
        t
          .http()
          .post('/api/admin/auth/login')
          .set('X-Forwarded-For', freshIp())
          .send({ email: `${randomUUID()}@example.test`, password: 'wrong password' });
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await fail()).status);
      expect(statuses).toContain(429);
    });
  });

  it('refuses a bad TRUST_PROXY at boot, naming it', async () => {
    for (const bad of ['true', '*', '010.0.0.1', '10.0.0.0/40', ',']) {
      await expect(startApp({ TRUST_PROXY: bad })).rejects.toThrow(/TRUST_PROXY: must be/);
    }
  });
});

describe('IP allowlist entries in legacy forms', () => {
  let t: TestApp;
  useApp((app) => (t = app));

  it('are refused with a 422 naming the field, not reinterpreted', async () => {
    const admin = await login(t);
    for (const legacy of ['010.0.0.1', '0x0a.0.0.1', '167772161', '10.1', '010.0.0.0/8']) {
      const res = await admin
        .post('/api/admin/api-tokens')
        .send({ name: 'legacy', scopes: ['pbx_api_access'], ip_allowlist: [legacy] })
        .expect(422);
      expect(Object.keys(res.body.errors)).toEqual(['ip_allowlist']);
    }
    await admin
      .post('/api/admin/api-tokens')
      .send({ name: 'standard', scopes: ['pbx_api_access'], ip_allowlist: ['10.0.0.1', '::1'] })
      .expect(201);
  });
});
