import { applyDecorators, Controller, type INestApplication, type Type } from '@nestjs/common';
import { ApiCookieAuth, ApiProperty, ApiTags, OpenAPIObject } from '@nestjs/swagger';
import { SESSION_COOKIE } from './modules/auth/session';
import { ApiErrorResponse, ListOf, describedAs, documentOf, isAdminPath } from './openapi';

export { DataOf, ListOf } from './openapi';

/**
 * The Admin Console's API contract: an OpenAPI document of the `/api/admin/*` routes, built from
 * their controllers and response DTOs. It is not served (the public `/api/docs` leaves these
 * routes out); `npm run api:admin-spec` writes it into the console, which generates its API types
 * from it, and `npm run api:check` (CI) fails when the committed copies are stale. See
 * docs/http-api.md.
 */

const SECURITY_SCHEME = 'session';

/**
 * A console controller: session cookie (plus `X-XSRF-TOKEN` on mutations), with the errors every
 * such route can answer. With `path`, it is also the controller at `/api/admin/<path>`.
 */
export function AdminController(tag: string, path?: string): ClassDecorator {
  return applyDecorators(
    ...(path === undefined ? [] : [Controller(`api/admin/${path}`)]),
    ApiTags(tag),
    ApiCookieAuth(SECURITY_SCHEME),
    ApiErrorResponse(401, 'No (or an expired) console session'),
    ApiErrorResponse(
      403,
      'The role may not do this, or the `X-XSRF-TOKEN` header is missing or wrong',
    ),
  );
}

/** `{"data": [T], "next_cursor"}`: a cursor list, newest first. */
export function CursorPageOf<T>(model: Type<T>): Type<{ data: T[]; next_cursor: string | null }> {
  class CursorPage extends ListOf(model) {
    @ApiProperty({
      type: String,
      nullable: true,
      description: 'Pass back as `cursor` for the next (older) page; null on the last page',
      example: '1042',
    })
    next_cursor!: string | null;
  }
  return CursorPage;
}

/** Builds the console's document from the app's `/api/admin/*` controllers. */
export function buildAdminOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = describedAs('Zorio Admin Console API', [
    'The routes only a console session may call (`/api/admin/*`). Internal: the console is',
    'its only client; machine tokens are refused here (401).',
    '',
    '**Session:** `POST /api/admin/auth/login` sets the httpOnly session cookie and a readable',
    '`XSRF-TOKEN` cookie; every POST/PATCH/PUT/DELETE afterwards sends the same value in the',
    '`X-XSRF-TOKEN` header, else 403. **Roles:** `admin` may do everything; `auditor` may read',
    'the audit log and use `auth/me`, `auth/password` and `auth/logout`.',
    '',
    '**Errors** are JSON `{"message"}`, plus `errors` (messages per field) on 422.',
  ])
    .addCookieAuth(
      SESSION_COOKIE,
      { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
      SECURITY_SCHEME,
    )
    .build();
  return documentOf(app, config, isAdminPath);
}

type Extra = { description?: string; example?: unknown };

/** An ISO 8601 UTC time (a string on the wire), nullable when asked. */
export const ApiDateTime = (nullable = false, extra: Extra = {}): PropertyDecorator =>
  ApiProperty({ type: String, format: 'date-time', nullable, ...extra });

/** A UUID, nullable when asked. */
export const ApiUuid = (nullable = false, extra: Extra = {}): PropertyDecorator =>
  ApiProperty({ type: String, format: 'uuid', nullable, ...extra });

/** A nullable string. */
export const ApiNullableString = (extra: Extra = {}): PropertyDecorator =>
  ApiProperty({ type: String, nullable: true, ...extra });

/** Any JSON object (`{}` in the generated types: `Record<string, unknown>`). */
export const ApiJsonObject = (nullable = false, extra: Extra = {}): PropertyDecorator =>
  ApiProperty({ type: 'object', additionalProperties: true, nullable, ...extra });
