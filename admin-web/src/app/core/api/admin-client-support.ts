/**
 * What the generated AdminClient (generated/admin-client.ts) is written in terms of: the types of
 * an operation's parts, read from the generated `operations`, and the helpers its methods call.
 * Hand-written once here, so the generator emits only the methods.
 */
import { HttpParams } from '@angular/common/http';
import type { operations } from './generated/admin-api';

/** The names of the document's operations (its operationIds). */
export type AdminOperation = keyof operations;
/** The JSON body of an operation's response with the given status. */
export type AdminResponse<
  K extends AdminOperation,
  S extends keyof operations[K]['responses'],
> = operations[K]['responses'][S] extends { content: { 'application/json': infer T } } ? T : never;
/** The JSON request body of an operation. */
export type AdminBody<K extends AdminOperation> =
  NonNullable<operations[K]['requestBody']> extends { content: { 'application/json': infer T } }
    ? T
    : never;
/** The query parameters of an operation. */
export type AdminQuery<K extends AdminOperation> = NonNullable<
  operations[K]['parameters']['query']
>;
/** One path parameter of an operation. */
export type AdminPathParam<
  K extends AdminOperation,
  P extends keyof NonNullable<operations[K]['parameters']['path']>,
> = NonNullable<operations[K]['parameters']['path']>[P];

/** A path segment, encoded (an id with a slash stays one segment). */
export function segment(value: string | number): string {
  return encodeURIComponent(String(value));
}

/** The query as HttpParams, leaving out empty values (undefined, null, ''). */
export function adminQueryParams(query: object): HttpParams {
  const kept: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(query) as [string, unknown][]) {
    if (value === '') continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      kept[key] = value;
    }
  }
  return new HttpParams({ fromObject: kept });
}

/** A URL with its query string, if any. */
export function withQuery(url: string, query: object): string {
  const search = adminQueryParams(query).toString();
  return search ? `${url}?${search}` : url;
}
