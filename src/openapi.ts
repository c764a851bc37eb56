import { applyDecorators, Controller, type INestApplication, type Type } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import {
  ApiBearerAuth,
  ApiExtension,
  ApiOperation,
  type ApiOperationOptions,
  ApiParam,
  ApiProperty,
  ApiQuery,
  ApiResponse,
  ApiTags,
  DocumentBuilder,
  OpenAPIObject,
  SwaggerModule,
} from '@nestjs/swagger';
import { ApiToken, RATE_LIMITS, Scope } from './platform/http/access.decorators';

/**
 * The machine-token API reference: an OpenAPI document generated from the domain controllers and
 * their DTOs, served as Swagger UI at `/api/docs` and as JSON at `/api/docs-json`. Console routes
 * (`/api/admin/*`) are described too, but only in the console's own document (`admin-openapi.ts`,
 * generated into the repository, never served): this one drops their paths and schemas. Health and
 * metrics carry `@ApiExcludeController()` and are in neither.
 *
 * The two docs routes are registered by SwaggerModule directly on Express, not through a Nest
 * controller, so the global AuthGuard never sees them: they are public (a test checks it). They
 * describe the API only; nothing in them is secret.
 */

export const DOCS_PATH = 'api/docs';
export const DOCS_JSON_PATH = 'api/docs-json';
const SECURITY_SCHEME = 'token';
const SCOPE_EXTENSION = 'x-zorio-scope';

export class ErrorBody {
  @ApiProperty({ example: 'This action is unauthorized.' })
  message!: string;
}

export class ValidationErrorBody {
  @ApiProperty({ example: 'The given data was invalid.' })
  message!: string;

  @ApiFieldErrors(
    { phone: ['phone must be a Vietnamese phone number (0xxxxxxxxx, +84…, 84…)'] },
    'Messages per field (dotted paths for nested fields)',
  )
  errors!: Record<string, string[]>;
}

/** Field errors, `{"field": ["message", …]}` (a 422's `errors`, a refused import row's). */
export function ApiFieldErrors(example: object, description?: string): PropertyDecorator {
  return ApiProperty({
    ...(description === undefined ? {} : { description }),
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'string' } },
    example,
  });
}

export class PageMeta {
  @ApiProperty({ example: 1 }) page!: number;
  @ApiProperty({ example: 50 }) per_page!: number;
  @ApiProperty({ example: 120 }) total!: number;
}

/** `{"data": T}` */
export function DataOf<T>(model: Type<T>): Type<{ data: T }> {
  class Data {
    @ApiProperty({ type: () => model })
    data!: T;
  }
  return Data;
}

/** `{"data": [T]}` */
export function ListOf<T>(model: Type<T>): Type<{ data: T[] }> {
  class List {
    @ApiProperty({ type: () => model, isArray: true })
    data!: T[];
  }
  return List;
}

/** `{"data": [T], "meta": PageMeta}`: one page of a paged list (`page`, `per_page`). */
export function PageOf<T>(model: Type<T>): Type<{ data: T[]; meta: PageMeta }> {
  class Page extends ListOf(model) {
    @ApiProperty({ type: PageMeta })
    meta!: PageMeta;
  }
  return Page;
}

/**
 * A domain controller at `/api/<path>`: machine tokens with `scope` only (enforced by the global
 * guard), described with the bearer scheme, the scope (`x-zorio-scope`) and the errors every such
 * route can answer.
 */
export function DomainController(scope: Scope, tag: string, path: string): ClassDecorator {
  return applyDecorators(
    Controller(`api/${path}`),
    ApiToken(scope),
    ApiTags(tag),
    ApiBearerAuth(SECURITY_SCHEME),
    ApiExtension(SCOPE_EXTENSION, scope),
    ApiErrorResponse(
      401,
      'No, invalid, expired or revoked token, or a token used from an IP outside its allowlist',
    ),
    ApiErrorResponse(403, `The token lacks the \`${scope}\` scope`),
    ApiErrorResponse(429, 'Rate limit exceeded; see `Retry-After`'),
  );
}

/** An error a route (or every route of a controller) may answer: `{"message"}` with `status`. */
export const ApiErrorResponse = (status: number, description: string) =>
  ApiResponse({ status, description, type: ErrorBody });

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed JSON body, or an unknown query parameter or value',
  404: 'No such resource',
  409: 'State conflict (duplicate, illegal transition)',
  413: 'Body over the limit',
  422: 'Validation failed',
};

/** A route on one integer-keyed resource (`:id`: a campaign, a lead): its operation and its id. */
export const ApiIdOperation = (operation: ApiOperationOptions): MethodDecorator =>
  applyDecorators(ApiOperation(operation), ApiParam({ name: 'id', type: Number }));

/** Documents the error statuses a route answers besides 401/403/429. */
export function ApiErrors(...statuses: (400 | 404 | 409 | 413 | 422)[]): MethodDecorator {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: ERROR_DESCRIPTIONS[status],
        type: status === 422 ? ValidationErrorBody : ErrorBody,
      }),
    ),
  );
}

/** The `page` / `per_page` query parameters of a paged list (validated by `PageQuery`). */
export function ApiPaging(): MethodDecorator {
  return applyDecorators(
    ApiQuery({
      name: 'page',
      required: false,
      schema: { type: 'integer', minimum: 1, default: 1 },
      description: 'Page number, from 1',
    }),
    ApiQuery({
      name: 'per_page',
      required: false,
      schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
      description: 'Items per page (at most 200)',
    }),
  );
}

/** Builds the document from the app's (non-excluded) controllers. */
export function buildOpenApiDocument(app: NestExpressApplication): OpenAPIObject {
  const config = describedAs('Zorio domain API', [
    'The machine-token API of the PBX, Telesales and AutoCall modules. Every mutation publishes',
    'its webhook events (see the event catalogue) in the same database transaction.',
    '',
    '**Authentication:** `Authorization: Bearer <id>|<random>` with a token an admin created in',
    'the console. Each route needs its module scope (`pbx_api_access`, `telesales_api_access`,',
    '`autocall_api_access`; shown per route and as `x-zorio-scope`), else 403.',
    '',
    'Clients that can only send HTTP Basic (FreeSWITCH mod_json_cdr `cred=<id>:<random>`) may',
    'send `Authorization: Basic base64(<id>:<random>)` instead; the same checks apply.',
    '',
    '**Rate limits** per token: 60/min on `/api/pbx/*`, 120/min on `/api/telesales/*` and',
    '`/api/autocall/*`; every response carries `X-RateLimit-Limit`, `X-RateLimit-Remaining`,',
    '`X-RateLimit-Reset`.',
    '',
    '**Lists** take `page` and `per_page` (default 50, max 200) and answer',
    '`{"data": [...], "meta": {"page", "per_page", "total"}}`. **Errors** are JSON',
    '`{"message"}`, plus `errors` (messages per field) on 422.',
  ])
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', bearerFormat: '<id>|<random>' },
      SECURITY_SCHEME,
    )
    .build();
  const document = documentOf(app, config, (path) => !isAdminPath(path));
  annotateScopes(document);
  return document;
}

/** A document's title, its description (one string a line) and version 1; security follows. */
export const describedAs = (title: string, description: string[]): DocumentBuilder =>
  new DocumentBuilder().setTitle(title).setDescription(description.join('\n')).setVersion('1');

/** The document of the app's controllers under `config`, with only the paths `keep` accepts. */
export const documentOf = (
  app: INestApplication,
  config: Omit<OpenAPIObject, 'paths'>,
  keep: (path: string) => boolean,
): OpenAPIObject =>
  keepPaths(SwaggerModule.createDocument(app, config, { operationIdFactory }), keep);

export const operationIdFactory = (controllerKey: string, methodKey: string): string =>
  `${controllerKey.replace(/Controller$/, '')}_${methodKey}`;

/** A console route (`/api/admin/*`): in the console's document, never in the public one. */
export const isAdminPath = (path: string): boolean => path.startsWith('/api/admin/');

/**
 * Keeps the paths `keep` accepts and the component schemas they reach (directly or through other
 * schemas); tags no kept operation uses go too.
 */
export function keepPaths(document: OpenAPIObject, keep: (path: string) => boolean): OpenAPIObject {
  document.paths = Object.fromEntries(Object.entries(document.paths).filter(([p]) => keep(p)));
  const schemas = document.components?.schemas ?? {};
  const reached = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      const name =
        key === '$ref' && typeof value === 'string'
          ? /^#\/components\/schemas\/(.+)$/.exec(value)
          : null;
      if (name && !reached.has(name[1])) {
        reached.add(name[1]);
        visit(schemas[name[1]]);
      } else visit(value);
    }
  };
  visit(document.paths);
  if (document.components?.schemas) {
    document.components.schemas = Object.fromEntries(
      Object.entries(schemas).filter(([name]) => reached.has(name)),
    );
  }
  const usedTags = new Set(
    Object.values(document.paths).flatMap((item) =>
      Object.values(item as Record<string, { tags?: string[] }>).flatMap((op) => op?.tags ?? []),
    ),
  );
  if (document.tags) document.tags = document.tags.filter((t) => usedTags.has(t.name));
  return document;
}

/** Serves `/api/docs` (Swagger UI) and `/api/docs-json`. */
export function setupOpenApi(app: NestExpressApplication): void {
  SwaggerModule.setup(DOCS_PATH, app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: DOCS_JSON_PATH,
    yamlDocumentUrl: `${DOCS_PATH}-yaml`,
    customSiteTitle: 'Zorio API reference',
    swaggerOptions: { persistAuthorization: false },
  });
}

type Operation = {
  description?: string;
  responses?: Record<string, { headers?: Record<string, unknown> }>;
  [SCOPE_EXTENSION]?: Scope;
};

/** Writes each route's scope and rate limit into its description and its responses' headers. */
function annotateScopes(document: OpenAPIObject): void {
  const header = (description: string) => ({ description, schema: { type: 'integer' } });
  for (const item of Object.values(document.paths)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      const op = item[method] as Operation | undefined;
      const scope = op?.[SCOPE_EXTENSION];
      if (!op || !scope) continue;
      const note = `Requires a machine token with scope \`${scope}\` (rate limit ${RATE_LIMITS[scope]} requests/min per token).`;
      op.description = op.description ? `${op.description}\n\n${note}` : note;
      for (const [status, response] of Object.entries(op.responses ?? {})) {
        if (status === '401' || status === '403') continue;
        response.headers = {
          ...response.headers,
          'X-RateLimit-Limit': header('Requests allowed per minute for this token'),
          'X-RateLimit-Remaining': header('Requests left in the current minute'),
          'X-RateLimit-Reset': header('Unix time when the window resets'),
        };
      }
    }
  }
}
