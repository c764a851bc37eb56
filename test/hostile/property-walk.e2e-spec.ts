import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type request from 'supertest';
import {
  DiscoveredRoute,
  discoverRoutes,
  dtoProperties,
  fillPath,
  unusedId,
} from '../foundation/routes';
import { ScratchDatabase, scratchDatabase } from '../foundation/scratch-db';
import { Session, TestApp, createUser, login, startApp } from '../support/app';
import { bearer } from '../domain/support';
import { hostileBody, hostileForwardedFor, hostileParam, hostileQuery } from './hostile-values';

/**
 * A property-based walk of every route the app serves (discovered at run time, so routes added
 * later are walked too): fast-check generates hostile values for every field of the route's body
 * and query DTOs (NUL, lone surrogates, over-long and deeply nested values, formulas, wrong
 * types, prototype keys, ...), hostile path parameters and X-Forwarded-For headers. It fails on
 * any 5xx, and on any change in the database after a 4xx.
 *
 * Seeded and bounded: the same seed gives the same values; each route gets RUNS runs or
 * ROUTE_BUDGET_MS, whichever ends first (test-artifacts/property-walk.txt: requests sent and
 * statuses per route). The app runs as `api` (no relay, queues or schedules) on a
 * database of its own, so every change in it comes from the request just sent. Login failures
 * are audited by design (`auth.login_failed`): those rows are the one change a 4xx may make.
 */

const SEED = 20261201;
const RUNS = 40;
const ROUTE_BUDGET_MS = 1500;

/** A fingerprint of every table: row count and newest row version (xmin). */
async function fingerprintQuery(scratch: ScratchDatabase): Promise<string> {
  const tables = await scratch.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
        AND c.relname <> 'migrations' ORDER BY 1`,
  );
  return tables
    .map(({ name }) => {
      // A token's last_used_at is bookkeeping of every authenticated request, 4xx or not.
      if (name === 'api_tokens') {
        return `SELECT '${name}' AS t, count(*)::text || ':' || coalesce(md5(string_agg(id::text || coalesce(revoked_at::text, '-'), ',' ORDER BY id)), '') AS f FROM "${name}"`;
      }
      const where = name === 'audit_log' ? ` WHERE action <> 'auth.login_failed'` : '';
      return `SELECT '${name}' AS t, count(*)::text || ':' || coalesce(max(xmin::text::bigint), 0)::text AS f FROM "${name}"${where}`;
    })
    .join(' UNION ALL ');
}

interface Fixtures {
  webhookId: string;
  deliveryId: string;
  victimUserId: string;
  spareTokenId: string;
  telesalesCampaignId: number;
  leadId: number;
  autocallCampaignId: number;
  cdrUuid: string;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

describe('property-based walk of every route', () => {
  let scratch: ScratchDatabase;
  let t: TestApp;
  let admin: Session;
  let routes: DiscoveredRoute[];
  let fingerprintSql: string;
  let fixtures: Fixtures;
  const summary: string[] = [];

  beforeAll(async () => {
    scratch = await scratchDatabase('walk');
    t = await startApp({
      ...scratch.env,
      ZORIO_ROLE: 'api',
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      WEBHOOK_TIMEOUT_MS: '1000',
    });
    admin = await login(t);
    routes = discoverRoutes(t.app);
    fingerprintSql = await fingerprintQuery(scratch);
    fixtures = await createFixtures();
  }, 60_000);

  afterAll(async () => {
    mkdirSync(join(__dirname, '..', '..', 'test-artifacts'), { recursive: true });
    writeFileSync(
      join(__dirname, '..', '..', 'test-artifacts', 'property-walk.txt'),
      `${summary.join('\n')}\n`,
    );
    await t?.close();
    await scratch?.drop();
  });

  const fingerprint = async (): Promise<string> =>
    (await t.db.query<{ t: string; f: string }[]>(fingerprintSql))
      .map((r) => `${r.t}=${r.f}`)
      .join(' ');

  async function createFixtures(): Promise<Fixtures> {
    const hook = await admin
      .post('/api/admin/webhooks')
      .send({ display_name: 'walk', url: 'https://127.0.0.1:9/hook', events: ['pbx.call.ringing'] })
      .expect(201);
    const test = await admin.post(`/api/admin/webhooks/${hook.body.data.id}/test`).send({});
    const victim = await createUser(t, 'auditor');
    const spare = await admin
      .post('/api/admin/api-tokens')
      .send({ name: 'spare', scopes: ['pbx_api_access'] })
      .expect(201);
    const domain = await domainFixtures();
    return {
      webhookId: hook.body.data.id as string,
      deliveryId: (test.body.data?.id as string | undefined) ?? unusedId(routes[0], 'id'),
      victimUserId: victim.id,
      spareTokenId: spare.body.data.id as string,
      ...domain,
    };
  }

  /** Campaigns, a lead and a CDR, made fresh for each route (lifecycle routes use them up). */
  async function domainFixtures() {
    const token = await bearer(t, [
      'telesales_api_access',
      'autocall_api_access',
      'pbx_api_access',
    ]);
    const as = (r: request.Test) => r.set('Authorization', token);
    const campaign = await as(t.http().post('/api/telesales/campaigns'))
      .send({ name: 'walk', dialer_mode: 'manual' })
      .expect(201);
    const lead = await as(t.http().post(`/api/telesales/campaigns/${campaign.body.data.id}/leads`))
      .send({ full_name: 'Walk', phone: '0912000777' })
      .expect(201);
    const autocall = await as(t.http().post('/api/autocall/campaigns'))
      .send({ name: 'walk' })
      .expect(201);
    const uuid = randomUUID();
    await as(t.http().post('/api/pbx/cdr'))
      .send({
        variables: {
          uuid,
          start_epoch: '1782703780',
          end_epoch: '1782703812',
          hangup_cause: 'NORMAL_CLEARING',
        },
      })
      .expect(201);
    return {
      telesalesCampaignId: campaign.body.data.id as number,
      leadId: lead.body.data.id as number,
      autocallCampaignId: autocall.body.data.id as number,
      cdrUuid: uuid,
    };
  }

  /** A real id for each path parameter, so requests get past the 404 to the fields. */
  function realId(route: DiscoveredRoute, param: string, f: Fixtures): string {
    const p = route.path;
    if (p.startsWith('/api/admin/webhooks/')) return f.webhookId;
    if (p.startsWith('/api/admin/deliveries/')) return f.deliveryId;
    if (p.startsWith('/api/admin/users/')) return f.victimUserId;
    if (p.startsWith('/api/admin/api-tokens/')) return f.spareTokenId;
    if (p.startsWith('/api/telesales/campaigns/')) return String(f.telesalesCampaignId);
    if (p.startsWith('/api/telesales/leads/')) return String(f.leadId);
    if (p.startsWith('/api/autocall/campaigns/')) return String(f.autocallCampaignId);
    if (p.startsWith('/api/pbx/cdr/')) return f.cdrUuid;
    return unusedId(route, param);
  }

  /** Deleting the shared webhook or logging the admin out would end the walk of later routes. */
  const ordered = (): DiscoveredRoute[] =>
    [...routes].sort((a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'));

  it(
    'finds no 5xx and no change after a 4xx on any route',
    async () => {
      const problems: string[] = [];
      for (const route of ordered()) {
        const found = await walkRoute(route);
        if (found) problems.push(found);
      }
      expect(problems).toEqual([]);
    },
    10 * 60_000,
  );

  async function walkRoute(route: DiscoveredRoute): Promise<string | null> {
    const f =
      route.path.startsWith('/api/telesales') || route.path.startsWith('/api/autocall')
        ? { ...fixtures, ...(await domainFixtures()) }
        : fixtures;
    const token = route.guard.kind === 'api-token' ? await bearer(t, [route.guard.scope]) : null;
    const statuses = new Map<number, number>();
    const logout = route.key === 'POST /api/admin/auth/logout';
    const bodyProps = route.bodyDto ? dtoProperties(route.bodyDto).map((p) => p.name) : [];
    const queryProps = route.queryDto ? dtoProperties(route.queryDto).map((p) => p.name) : [];
    const input = fc.record({
      params: fc.array(fc.option(hostileParam, { freq: 3 }), {
        minLength: route.params.length,
        maxLength: route.params.length,
      }),
      body: hostileBody(route.key, bodyProps),
      query: hostileQuery(queryProps),
      forwardedFor: fc.option(hostileForwardedFor, { freq: 2 }),
    });
    // The budget is kept here rather than with fast-check's interruptAfterTimeLimit, which
    // abandons the run in progress: its request would then change the database while the next
    // one is being measured. Past the budget, runs pass without sending anything.
    const deadline = Date.now() + ROUTE_BUDGET_MS;
    let sent = 0;
    const property = fc.asyncProperty(input, async (v) => {
      if (Date.now() > deadline) return;
      sent++;
      const path = fillPath(route.path, (param) => {
        const given = v.params[route.params.indexOf(param)];
        return given ?? realId(route, param, f);
      });
      const session = logout ? await login(t) : admin;
      const before = await fingerprint();
      const res = await send(route, session, token, `${path}${v.query}`, v.body, v.forwardedFor);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status >= 500) {
        throw new Error(`${res.status} ${res.text.slice(0, 300)}`);
      }
      if (res.status >= 400) {
        const after = await fingerprint();
        if (after !== before)
          throw new Error(`${res.status} changed the database:\n${diff(before, after)}`);
      }
    });
    const result = await fc.check(property, {
      seed: SEED,
      numRuns: RUNS,
      endOnFailure: true,
    });
    summary.push(
      `${route.key.padEnd(60)} sent ${sent} ${[...statuses].map(([s, n]) => `${s}×${n}`).join(' ')}`,
    );
    if (!result.failed) return null;
    const error =
      result.errorInstance instanceof Error
        ? result.errorInstance.message
        : String(result.errorInstance);
    return `${route.key}: ${error}\n  counterexample: ${JSON.stringify(result.counterexample)?.slice(0, 500)}`;
  }

  function send(
    route: DiscoveredRoute,
    session: Session,
    token: string | null,
    path: string,
    body: { json?: unknown; form?: string },
    forwardedFor: string | null,
  ): request.Test {
    const method = route.method.toLowerCase() as 'get';
    let req = route.guard.kind === 'console' ? session.agent[method](path) : t.http()[method](path);
    if (route.guard.kind === 'console' && UNSAFE.has(route.method))
      req = req.set('X-XSRF-TOKEN', session.csrf);
    if (token) req = req.set('Authorization', token);
    if (forwardedFor !== null) req = req.set('X-Forwarded-For', forwardedFor);
    if (!UNSAFE.has(route.method)) return req;
    if (body.form !== undefined) return req.type('form').send(body.form);
    return req.set('Content-Type', 'application/json').send(JSON.stringify(body.json ?? {}));
  }
});

function diff(before: string, after: string): string {
  const a = new Set(before.split(' '));
  return after
    .split(' ')
    .filter((x) => !a.has(x))
    .join(' ');
}
