import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { SCOPES, Scope } from '../../src/platform/http/access.decorators';
import { BULK_ROUTES } from '../../src/bootstrap';
import { Session, TestApp, login, useApp } from '../support/app';
import { ProbeModule } from './probe';
import {
  DiscoveredRoute,
  discoverRoutes,
  dtoProperties,
  expressRoutes,
  fillPath,
  fillUnused,
} from './routes';

/**
 * Every route of the app, discovered at run time (so routes added later by other modules are
 * covered without touching this file): its guard must be the one its path calls for, the guard
 * must hold at run time, and bad input must get a documented 4xx, never a 500.
 *
 * The test-only probe module adds machine-token routes until the domain modules exist.
 */

/** Routes allowed without any credentials. Add here only what must be public. */
const PUBLIC_ALLOWLIST: (string | RegExp)[] = [
  'GET /',
  'GET /health/live',
  'GET /health/ready',
  'GET /metrics',
  'POST /api/admin/auth/login',
  /^GET \/admin(\/.*)?$/, // the console (its build, or the "not built yet" page)
];

/** Express routes that do not come from a Nest controller, i.e. that the global guard never sees. */
const NON_CONTROLLER_ROUTES: (string | RegExp)[] = [
  'ALL /{*path}', // Nest's app-wide middleware (the request logger), not a handler
  /^GET \/admin\/\{\*\w+\}$/, // @nestjs/serve-static: the console's index.html fallback
  /^GET \/api\/docs(-json|-yaml|\/.*)?$/, // @nestjs/swagger: the public machine-API reference
];

/** Auditors may read the audit log and their own session (and change their password), nothing else. */
const AUDITOR_ROUTES: (string | RegExp)[] = [
  /^GET \/api\/admin\/audit-log(\/|$)/,
  'GET /api/admin/auth/me',
  'POST /api/admin/auth/logout',
  'POST /api/admin/auth/password', // their own password
];

/** Routes that take a free-form document and validate it by hand (never add a CRUD route here). */
const RAW_BODY_ROUTES = [
  'POST /api/pbx/cdr', // FreeSWITCH mod_json_cdr's document, checked by parseCdrDocument
];

const SCOPE_BY_PREFIX: [RegExp, Scope][] = [
  [/^\/api\/pbx(\/|$)/, 'pbx_api_access'],
  [/^\/api\/telesales(\/|$)/, 'telesales_api_access'],
  [/^\/api\/autocall(\/|$)/, 'autocall_api_access'],
];

const matches = (list: (string | RegExp)[], key: string): boolean =>
  list.some((entry) => (typeof entry === 'string' ? entry === key : entry.test(key)));

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const LEAK =
  /QueryFailedError|EntityNotFound|\bat \S+\.[jt]s:\d+|\bSELECT\b[\s\S]+\bFROM\b|violates|duplicate key|syntax error/i;

describe('every route', () => {
  let t: TestApp;
  let routes: DiscoveredRoute[];
  let admin: Session;
  let auditor: Session;
  let allScopes: string;
  let allScopesId: string;

  useApp(
    async (app) => {
      t = app;
      routes = discoverRoutes(t.app);
      admin = await login(t, 'admin');
      auditor = await login(t, 'auditor');
      const token = await newToken([...SCOPES]);
      allScopes = token.token;
      allScopesId = token.id;
    },
    {},
    { features: [ProbeModule] },
  );

  async function newToken(scopes: Scope[]): Promise<{ id: string; token: string }> {
    const res = await admin
      .post('/api/admin/api-tokens')
      .send({ name: `routes ${scopes.join(' ')}`, scopes })
      .expect(201);
    return { id: res.body.data.id as string, token: res.body.token as string };
  }

  const http = () => request(t.url);

  /** A request with no credentials at all. */
  function anonymous(method: string, path: string): request.Test {
    return http()[method.toLowerCase() as 'get'](path).set('X-Forwarded-For', '198.18.1.1');
  }

  it('discovers the routes (sanity)', () => {
    const keys = routes.map((r) => r.key);
    expect(keys).toEqual(
      expect.arrayContaining([
        'GET /health/ready',
        'POST /api/admin/auth/login',
        'GET /api/admin/users',
        'PATCH /api/admin/users/:id',
        'GET /api/admin/audit-log/export',
        'GET /api/test-probe/pbx',
      ]),
    );
    const byKey = new Map(routes.map((r) => [r.key, r]));
    expect(byKey.get('PATCH /api/admin/users/:id')).toMatchObject({
      guard: { kind: 'console', roles: ['admin'] },
      params: ['id'],
      bodyDto: expect.any(Function),
    });
    expect(byKey.get('GET /api/admin/audit-log')?.queryDto).toEqual(expect.any(Function));
    expect(byKey.get('GET /api/test-probe/pbx')?.guard).toEqual({
      kind: 'api-token',
      scope: 'pbx_api_access',
    });
  });

  it('gives every route the guard its path calls for', () => {
    // The table, for humans: test-artifacts/routes.txt.
    const describeGuard = (r: DiscoveredRoute): string =>
      r.guard.kind === 'public'
        ? 'public'
        : r.guard.kind === 'api-token'
          ? `api-token(${r.guard.scope})`
          : `console(${r.guard.roles.join(',')})`;
    mkdirSync(join(__dirname, '..', '..', 'test-artifacts'), { recursive: true });
    writeFileSync(
      join(__dirname, '..', '..', 'test-artifacts', 'routes.txt'),
      routes.map((r) => `${r.key.padEnd(60)} ${describeGuard(r)}`).join('\n') + '\n',
    );
    const problems: string[] = [];
    for (const r of routes) {
      const { guard, key, path } = r;
      const adminApi = /^\/api\/admin(\/|$)/.test(path);
      if (guard.kind === 'public' && !matches(PUBLIC_ALLOWLIST, key)) {
        problems.push(`${key}: public but not in the public allowlist`);
      }
      if (adminApi && guard.kind === 'api-token') {
        problems.push(`${key}: an /api/admin route must not accept machine tokens`);
      }
      if (!adminApi && guard.kind === 'console') {
        problems.push(`${key}: session-only outside /api/admin (sessions only exist there)`);
      }
      if (guard.kind === 'console') {
        const unknown = guard.roles.filter((role) => role !== 'admin' && role !== 'auditor');
        if (unknown.length) problems.push(`${key}: unknown roles ${unknown.join(', ')}`);
        if (guard.roles.includes('auditor') && !matches(AUDITOR_ROUTES, key)) {
          problems.push(`${key}: open to auditors, who may only read the audit log`);
        }
      }
      if (guard.kind === 'api-token') {
        const expected = SCOPE_BY_PREFIX.find(([re]) => re.test(path))?.[1];
        if (expected && guard.scope !== expected) {
          problems.push(`${key}: needs ${expected}, not ${guard.scope}`);
        }
        if (!(SCOPES as readonly string[]).includes(guard.scope)) {
          problems.push(`${key}: unknown scope ${guard.scope}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('serves no Express route that bypasses the controllers (and so the global guard)', () => {
    const normalise = (p: string) => p.replace(/\{\*\w+\}|\*\w+/g, '*').replace(/(.)\/$/, '$1');
    const known = new Set(routes.map((r) => `${r.method} ${normalise(r.path)}`));
    const stray = expressRoutes(t.app).filter((key) => {
      const [method, path] = key.split(' ');
      if (matches(NON_CONTROLLER_ROUTES, key)) return false;
      return !method.split(',').every((m) => known.has(`${m} ${normalise(path)}`));
    });
    expect(stray).toEqual([]);
  });

  it('enforces each guard at run time', async () => {
    const problems: string[] = [];
    const check = (r: DiscoveredRoute, what: string, status: number, expected: number[]) => {
      if (!expected.includes(status)) {
        problems.push(`${r.key} ${what}: ${status}, expected ${expected.join(' or ')}`);
      }
    };
    const wrongScope = new Map<Scope, string>();
    for (const scope of SCOPES) {
      wrongScope.set(scope, (await newToken(SCOPES.filter((s) => s !== scope))).token);
    }
    for (const r of routes) {
      const path = fillUnused(r);
      const method = r.method.toLowerCase() as 'get';
      const none = await anonymous(r.method, path).send(UNSAFE.has(r.method) ? {} : undefined);
      if (r.guard.kind === 'public') {
        if ([401, 403].includes(none.status)) problems.push(`${r.key} public: ${none.status}`);
        continue;
      }
      check(r, 'without credentials', none.status, [401]);

      if (r.guard.kind === 'console') {
        const bearer = await http()[method](path).set('Authorization', `Bearer ${allScopes}`);
        check(r, 'with an all-scope machine token', bearer.status, [401]);
        if (!r.guard.roles.includes('auditor')) {
          const req = auditor.agent[method](path);
          if (UNSAFE.has(r.method)) req.set('X-XSRF-TOKEN', auditor.csrf).send({});
          check(r, 'as an auditor', (await req).status, [403]);
        }
        if (UNSAFE.has(r.method)) {
          const noCsrf = await admin.agent[method](path).send({});
          check(r, 'without X-XSRF-TOKEN', noCsrf.status, [403]);
        }
      } else if (r.guard.kind === 'api-token') {
        const session = admin.agent[method](path).set('X-XSRF-TOKEN', admin.csrf);
        check(r, 'with a console session', (await session).status, [401]);
        const scoped = http()
          [method](path)
          .set('Authorization', `Bearer ${wrongScope.get(r.guard.scope)}`);
        check(r, 'with a token lacking its scope', (await scoped).status, [403]);
      }
    }
    expect(problems).toEqual([]);
  });

  it('answers bad input on every API route with a documented 4xx, never a 500, and changes nothing', async () => {
    const [{ max }] = await t.db.query<{ max: string }[]>(
      'SELECT coalesce(max(id), 0)::text AS max FROM audit_log',
    );
    const walked = routes.filter((r) => /^\/api\//.test(r.path));
    const tokenIds: string[] = [allScopesId];
    const problems: string[] = [];

    for (const r of walked) {
      let bearer = allScopes;
      if (r.guard.kind === 'api-token') {
        // A token per route, so its rate limit never turns an answer into a 429.
        const token = await newToken([...SCOPES]);
        bearer = token.token;
        tokenIds.push(token.id);
      }
      const method = r.method.toLowerCase() as 'get';
      const send = (path: string): request.Test => {
        if (r.guard.kind === 'console') {
          const req = admin.agent[method](path);
          return UNSAFE.has(r.method) ? req.set('X-XSRF-TOKEN', admin.csrf) : req;
        }
        const req = http()[method](path).set('X-Forwarded-For', '198.18.2.2');
        return r.guard.kind === 'api-token' ? req.set('Authorization', `Bearer ${bearer}`) : req;
      };
      const expectStatus = (what: string, res: request.Response, expected: number[]): void => {
        const label = expected.length > 10 ? 'a 2xx or 4xx' : expected.join(' or ');
        if (!expected.includes(res.status)) {
          problems.push(
            `${r.key} ${what}: ${res.status} ${res.text.slice(0, 200)} (expected ${label})`,
          );
        }
        if (LEAK.test(res.text)) {
          problems.push(`${r.key} ${what}: leaks internals: ${res.text.slice(0, 200)}`);
        }
        if (res.status >= 400 && typeof (res.body as { message?: unknown }).message !== 'string') {
          problems.push(`${r.key} ${what}: error without a JSON message`);
        }
      };
      const ANY_4XX = Array.from({ length: 100 }, (_, i) => 400 + i);
      const SUCCESS_OR_4XX = [200, 201, 202, 204, ...ANY_4XX];

      // Ids: not a UUID, a random UUID, and a real id of another kind of resource.
      const foreign = r.path.includes('/users') ? allScopesId : admin.userId;
      const ids = r.params.length
        ? ['not-an-id', foreign, '%E0%A4%A', '-1', '0', '1e3', '0x10', '1.0']
        : [];
      for (const id of ids) {
        const res = await send(fillPath(r.path, id)).send(UNSAFE.has(r.method) ? {} : undefined);
        const expected = !UNSAFE.has(r.method) || !r.bodyDto ? [404] : [404, 422];
        expectStatus(`with id ${id}`, res, id === '%E0%A4%A' ? [400, 404] : expected);
      }
      if (r.params.length) {
        const res = await send(fillUnused(r)).send(UNSAFE.has(r.method) ? {} : undefined);
        expectStatus(
          'with an unused id',
          res,
          !UNSAFE.has(r.method) || !r.bodyDto ? [404] : [404, 422],
        );
      }
      const path = fillUnused(r);

      if (UNSAFE.has(r.method)) {
        const json = (body: string) =>
          send(path).set('Content-Type', 'application/json').send(body);
        const malformed = await json('{"name": "x", ');
        expectStatus('with malformed JSON', malformed, [400]);
        if (malformed.status === 400 && malformed.body.message !== 'Malformed request body') {
          problems.push(`${r.key} malformed JSON: message ${malformed.body.message}`);
        }
        expectStatus('with a JSON string as the body', await json('"text"'), [400]);
        expectStatus('with a JSON number as the body', await json('42'), [400]);
        const bulk = BULK_ROUTES.some((re) => re.test(path));
        const big = `{"filler":"${'a'.repeat((bulk ? 11 : 2) * 1024 * 1024)}"}`;
        expectStatus(`with a ${bulk ? 11 : 2} MiB body`, await json(big), [413]);
        // A bodiless action without an id (logout) really runs when its ignored body parses.
        const actsOnAnyBody = !r.readsBody && r.params.length === 0;
        if (actsOnAnyBody) continue;
        const array = await json('[]');
        expectStatus(
          'with an array as the body',
          array,
          r.bodyDto ? [400, 404, 422] : SUCCESS_OR_4XX,
        );
        const text = await send(path).set('Content-Type', 'text/plain').send('name=x');
        expectStatus(
          'with a text/plain body',
          text,
          r.bodyDto ? [400, 404, 415, 422] : SUCCESS_OR_4XX,
        );

        if (r.bodyDto) {
          const props = dtoProperties(r.bodyDto);
          const wrong = Object.fromEntries(
            props.map((p) => [p.name, p.objectTyped ? 12345 : { wrong: [1] }]),
          );
          const res = await send(path).send(wrong);
          expectStatus('with every field of the wrong type', res, [422]);
          const errors = (res.body as { errors?: Record<string, string[]> }).errors;
          if (res.status === 422 && (!errors || Object.keys(errors).length === 0)) {
            problems.push(`${r.key} wrong types: 422 without per-field errors`);
          }
          for (const p of props) {
            for (const value of [null, true, -1, 1e308, 'x'.repeat(5000), [], [{}], {}]) {
              const one = await send(path).send({ [p.name]: value });
              expectStatus(
                `with ${p.name}=${JSON.stringify(value).slice(0, 20)}`,
                one,
                SUCCESS_OR_4XX,
              );
            }
          }
          const unknown = await send(path).send({ zz_unknown_field: 1 });
          expectStatus('with an unknown field', unknown, [422]);
          if (unknown.status === 422 && !unknown.body.errors?.zz_unknown_field) {
            problems.push(`${r.key} unknown field: not named in errors`);
          }
        } else if (r.readsBody && r.guard.kind !== 'public' && !RAW_BODY_ROUTES.includes(r.key)) {
          problems.push(`${r.key}: reads @Body() without a validated DTO class`);
        }
      }

      const query = (q: string) => send(`${path}?${q}`).send(UNSAFE.has(r.method) ? {} : undefined);
      if (r.queryDto) {
        const unknown = await query('zz_unknown_param=1');
        expectStatus('with an unknown query parameter', unknown, [400]);
        for (const p of dtoProperties(r.queryDto)) {
          for (const value of [
            '',
            'x'.repeat(3000),
            '-1',
            '0',
            '1.5',
            '9999999999999999999',
            '99999999999999999999999',
            'NaN',
            '0000-01-01',
            '2024-02-30T25:61:00Z',
            '%00',
            'null',
            '{"a":1}',
          ]) {
            const res = await query(`${p.name}=${encodeURIComponent(value)}`);
            expectStatus(`with ?${p.name}=${value.slice(0, 20)}`, res, SUCCESS_OR_4XX);
          }
          const repeated = await query(`${p.name}=1&${p.name}=2`);
          expectStatus(`with ?${p.name} repeated`, repeated, SUCCESS_OR_4XX);
          const nested = await query(`${p.name}[a]=1`);
          expectStatus(`with ?${p.name}[a]`, nested, SUCCESS_OR_4XX);
        }
      } else {
        const res = await query('zz_unknown_param=1');
        expectStatus('with an unknown query parameter', res, SUCCESS_OR_4XX);
      }
    }
    expect(problems).toEqual([]);

    // Nothing the walk did was recorded as a change by the admin, the auditor or the tokens.
    const changes = await t.db.query<{ action: string }[]>(
      `SELECT action FROM audit_log
        WHERE id > $1 AND actor_id = ANY($2) AND action NOT IN ('api_token.created')`,
      [max, [admin.userId, auditor.userId, ...tokenIds]],
    );
    expect(changes).toEqual([]);
  }, 300_000);
});
