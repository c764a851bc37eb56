import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { API_TOKEN_KEY, Scope } from '../../src/platform/http/access.decorators';
import { TestApp, useApp } from '../support/app';

interface Route {
  method: string;
  path: string;
  scope: Scope | undefined;
}

/** Every controller route of the running app, from Nest's own metadata. */
function controllerRoutes(t: TestApp): Route[] {
  const routes: Route[] = [];
  for (const module of t.app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const ctrl = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!ctrl) continue;
      const prefixes = ([] as string[]).concat(Reflect.getMetadata(PATH_METADATA, ctrl) ?? '');
      for (const name of Object.getOwnPropertyNames(ctrl.prototype)) {
        const handler = (ctrl.prototype as Record<string, unknown>)[name];
        if (typeof handler !== 'function' || name === 'constructor') continue;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (method === undefined) continue;
        const paths = ([] as string[]).concat(Reflect.getMetadata(PATH_METADATA, handler) ?? '');
        const scope = (Reflect.getMetadata(API_TOKEN_KEY, handler) ??
          Reflect.getMetadata(API_TOKEN_KEY, ctrl)) as Scope | undefined;
        for (const prefix of prefixes) {
          for (const p of paths) {
            const path = `/${[prefix, p]
              .flatMap((s) => s.split('/'))
              .filter(Boolean)
              .join('/')}`;
            routes.push({ method: RequestMethod[method].toLowerCase(), path, scope });
          }
        }
      }
    }
  }
  return routes;
}

const toOpenApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

interface Operation {
  security?: Record<string, string[]>[];
  description?: string;
  'x-zorio-scope'?: string;
  responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }>;
  requestBody?: unknown;
  parameters?: { name: string; in: string }[];
}

describe('OpenAPI reference', () => {
  let t: TestApp;
  let doc: {
    openapi: string;
    paths: Record<string, Record<string, Operation>>;
    components: { securitySchemes: Record<string, unknown>; schemas: Record<string, unknown> };
  };

  useApp(async (app) => {
    t = app;
    // Public: no credentials at all (served by SwaggerModule, outside the controllers' guard).
    const res = await t.http().get('/api/docs-json').expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    doc = res.body;
  });

  it('serves Swagger UI at /api/docs without credentials', async () => {
    const res = await t.http().get('/api/docs').redirects(1).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('swagger-ui');
  });

  it('describes every domain route and no console, health or metrics route', () => {
    const routes = controllerRoutes(t);
    const domain = routes.filter((r) => /^\/api\/(pbx|telesales|autocall)(\/|$)/.test(r.path));
    expect(domain.length).toBeGreaterThanOrEqual(18);
    const missing = domain
      .filter((r) => !doc.paths[toOpenApiPath(r.path)]?.[r.method])
      .map((r) => `${r.method.toUpperCase()} ${r.path}`);
    expect(missing).toEqual([]);
    expect(routes.some((r) => r.path.startsWith('/api/admin/'))).toBe(true);
    expect(
      Object.keys(doc.paths).filter((p) => !/^\/api\/(pbx|telesales|autocall)\//.test(p)),
    ).toEqual([]);
  });

  it('lists the routes the contract names', () => {
    const expected = [
      'post /api/pbx/cdr',
      'get /api/pbx/cdr',
      'get /api/pbx/cdr/{uuid}',
      'post /api/telesales/campaigns',
      'get /api/telesales/campaigns/{id}',
      'post /api/telesales/campaigns/{id}/leads',
      'post /api/telesales/campaigns/{id}/leads/bulk-import',
      'patch /api/telesales/leads/{id}',
      'post /api/telesales/leads/{id}/dispositions',
      'post /api/autocall/campaigns',
      'post /api/autocall/campaigns/{id}/leads/import',
      'post /api/autocall/campaigns/{id}/start',
      'post /api/autocall/campaigns/{id}/pause',
      'post /api/autocall/campaigns/{id}/resume',
      'post /api/autocall/campaigns/{id}/finish',
      'post /api/autocall/calls/events',
    ];
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m} ${path}`),
    );
    expect(documented).toEqual(expect.arrayContaining(expected));
  });

  it('documents the bearer scheme, the scope of each route and the error shapes', () => {
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.components.securitySchemes.token).toMatchObject({ type: 'http', scheme: 'bearer' });
    const problems: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      const scope = path.startsWith('/api/pbx')
        ? 'pbx_api_access'
        : path.startsWith('/api/telesales')
          ? 'telesales_api_access'
          : 'autocall_api_access';
      for (const [method, op] of Object.entries(ops)) {
        const key = `${method.toUpperCase()} ${path}`;
        if (JSON.stringify(op.security) !== JSON.stringify([{ token: [] }])) {
          problems.push(`${key}: security ${JSON.stringify(op.security)}`);
        }
        if (op['x-zorio-scope'] !== scope) problems.push(`${key}: x-zorio-scope`);
        if (!op.description?.includes(`\`${scope}\``)) problems.push(`${key}: scope not described`);
        for (const status of ['401', '403', '429']) {
          const ref = op.responses[status]?.content?.['application/json']?.schema.$ref;
          if (ref !== '#/components/schemas/ErrorBody') problems.push(`${key}: ${status} shape`);
        }
        const isList = /^\/api\/[a-z]+\/(cdr|campaigns|campaigns\/\{id\}\/leads)$/.test(path);
        if (method === 'get' && isList) {
          const query = (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
          if (!query.includes('page') || !query.includes('per_page')) {
            problems.push(`${key}: page/per_page not documented`);
          }
        }
        const ok = Object.keys(op.responses).find((s) => s.startsWith('2'));
        if (!ok) problems.push(`${key}: no success response`);
        if (op.requestBody && !op.responses['422'] && !op.responses['400']) {
          problems.push(`${key}: takes a body but documents no validation error`);
        }
        const invalid = op.responses['422']?.content?.['application/json']?.schema.$ref;
        if (op.responses['422'] && invalid !== '#/components/schemas/ValidationErrorBody') {
          problems.push(`${key}: 422 shape`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(doc.components.schemas.ValidationErrorBody).toMatchObject({
      required: expect.arrayContaining(['message', 'errors']),
    });
  });

  it('carries examples in the request schemas', () => {
    const lead = doc.components.schemas.CreateTelesalesLeadDto as {
      properties: Record<string, { example?: unknown }>;
    };
    expect(lead.properties.phone.example).toBe('0912 345 678');
    expect(lead.properties.custom_fields.example).toEqual({
      province: 'Hà Nội',
      product: 'Gói Premium',
    });
    const event = doc.components.schemas.CallEventDto as {
      properties: Record<string, { enum?: string[] }>;
    };
    expect(event.properties.type.enum).toEqual([
      'dialed',
      'answered',
      'dtmf',
      'transferred',
      'completed',
    ]);
  });
});
