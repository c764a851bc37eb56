import { RequestMethod, Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { INestApplication } from '@nestjs/common';
import { MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { getMetadataStorage } from 'class-validator';
import { randomUUID } from 'node:crypto';
import {
  API_TOKEN_KEY,
  PUBLIC_KEY,
  ROLES_KEY,
  Scope,
  UserRole,
} from '../../src/platform/http/access.decorators';

export type Guard =
  { kind: 'public' } | { kind: 'api-token'; scope: Scope } | { kind: 'console'; roles: UserRole[] };

export interface DiscoveredRoute {
  method: string;
  /** Express path, e.g. `/api/admin/users/:id`. */
  path: string;
  /** `GET /api/admin/users/:id` */
  key: string;
  controller: string;
  handler: string;
  guard: Guard;
  /** Path parameters (`:id`, wildcards). */
  params: string[];
  /** Names of the pipes on each `@Param(name, ...pipes)`, e.g. `{ id: ['UuidParam'] }`. */
  paramPipes: Record<string, string[]>;
  /** The validated class of `@Body()`, when the handler takes one. */
  bodyDto: Type | null;
  /** Whether the handler reads `@Body()` at all (with or without a class). */
  readsBody: boolean;
  /** The validated class of `@Query()`. */
  queryDto: Type | null;
}

const PRIMITIVES = new Set<unknown>([Object, String, Number, Boolean, Array, Function, undefined]);

function joinPath(prefix: string, path: string): string {
  const parts = [prefix, path].flatMap((p) => p.split('/')).filter(Boolean);
  return `/${parts.join('/')}`;
}

function asList(value: unknown): string[] {
  if (value === undefined) return [''];
  return Array.isArray(value) ? (value as string[]) : [value as string];
}

interface RouteArg {
  index: number;
  data?: unknown;
  pipes?: unknown[];
}

const pipeName = (pipe: unknown): string =>
  typeof pipe === 'function' ? pipe.name : ((pipe as object).constructor?.name ?? 'unknown');

interface RouteArgs {
  body: Type | null;
  readsBody: boolean;
  query: Type | null;
  paramPipes: Record<string, string[]>;
}

function argTypes(ctrl: Type, method: string): RouteArgs {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, ctrl, method) ?? {}) as Record<
    string,
    RouteArg
  >;
  const types = (Reflect.getMetadata('design:paramtypes', ctrl.prototype as object, method) ??
    []) as unknown[];
  let body: Type | null = null;
  let query: Type | null = null;
  let readsBody = false;
  const paramPipes: Record<string, string[]> = {};
  for (const [key, arg] of Object.entries(args)) {
    const [kind] = key.split(':');
    const type = types[arg.index];
    const cls = !PRIMITIVES.has(type) && arg.data === undefined ? (type as Type) : null;
    if (Number(kind) === Number(RouteParamtypes.BODY)) {
      readsBody = true;
      body = cls;
    }
    if (Number(kind) === Number(RouteParamtypes.QUERY)) query = cls;
    if (Number(kind) === Number(RouteParamtypes.PARAM) && typeof arg.data === 'string') {
      paramPipes[arg.data] = (arg.pipes ?? []).map(pipeName);
    }
  }
  return { body, readsBody, query, paramPipes };
}

/**
 * Every route Nest registered from a controller, with the metadata the global AuthGuard reads
 * (same precedence: handler over class).
 */
export function discoverRoutes(app: INestApplication): DiscoveredRoute[] {
  const reflector = new Reflector();
  const scanner = new MetadataScanner();
  const routes: DiscoveredRoute[] = [];
  const seen = new Set<Type>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const ctrl = wrapper.metatype as Type | null;
      if (!ctrl || seen.has(ctrl)) continue;
      seen.add(ctrl);
      const prefixes = asList(Reflect.getMetadata(PATH_METADATA, ctrl));
      for (const name of scanner.getAllMethodNames(ctrl.prototype as object)) {
        const handler = (ctrl.prototype as Record<string, unknown>)[name] as object;
        const paths = Reflect.getMetadata(PATH_METADATA, handler) as unknown;
        if (paths === undefined) continue;
        const requestMethod = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod;
        const method = RequestMethod[requestMethod];
        const targets = [handler as () => void, ctrl];
        let guard: Guard;
        const scope = reflector.getAllAndOverride<Scope | undefined>(API_TOKEN_KEY, targets);
        if (reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) guard = { kind: 'public' };
        else if (scope) guard = { kind: 'api-token', scope };
        else {
          const roles = reflector.getAllAndOverride<UserRole[] | undefined>(ROLES_KEY, targets);
          guard = { kind: 'console', roles: roles ?? ['admin'] };
        }
        const { body, readsBody, query, paramPipes } = argTypes(ctrl, name);
        for (const prefix of prefixes) {
          for (const sub of asList(paths)) {
            const path = joinPath(prefix, sub);
            const params = [...path.matchAll(/[:*]([A-Za-z_]\w*)/g)].map((m) => m[1]);
            routes.push({
              method,
              path,
              key: `${method} ${path}`,
              controller: ctrl.name,
              handler: name,
              guard,
              params,
              paramPipes,
              bodyDto: body,
              readsBody,
              queryDto: query,
            });
          }
        }
      }
    }
  }
  return routes.sort((a, b) => a.key.localeCompare(b.key));
}

interface ExpressLayer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
}

/** What Express actually serves: `METHOD path` for every route layer (`ALL` when all methods). */
export function expressRoutes(app: INestApplication): string[] {
  const instance = app.getHttpAdapter().getInstance() as { router: { stack: ExpressLayer[] } };
  const out: string[] = [];
  for (const layer of instance.router.stack) {
    if (!layer.route) continue;
    const methods = Object.keys(layer.route.methods).filter((m) => layer.route!.methods[m]);
    const label = methods.length > 10 ? 'ALL' : methods.map((m) => m.toUpperCase()).join(',');
    for (const p of ([] as string[]).concat(layer.route.path)) out.push(`${label} ${p}`);
  }
  return out;
}

/** The properties class-validator knows on a DTO, and whether each must be an object. */
export function dtoProperties(dto: Type): { name: string; objectTyped: boolean }[] {
  const metas = getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false);
  const byName = new Map<string, boolean>();
  for (const m of metas) {
    const objectTyped =
      m.name === 'isObject' || (m.type === 'nestedValidation' && !m.each) || m.name === 'isJSON';
    byName.set(m.propertyName, (byName.get(m.propertyName) ?? false) || objectTyped);
  }
  return [...byName].map(([name, objectTyped]) => ({ name, objectTyped }));
}

const INTEGER_PIPES = new Set(['IntParam', 'ParseIntPipe']);

/** A well-formed id for the parameter that names nothing: a big integer or a random UUID. */
export function unusedId(route: DiscoveredRoute, param: string): string {
  const pipes = route.paramPipes[param] ?? [];
  return pipes.some((p) => INTEGER_PIPES.has(p)) ? '2147480001' : randomUUID();
}

/** Fills `:params` and wildcards with `value`, or with an unused well-formed id per parameter. */
export function fillPath(path: string, value: string | ((param: string) => string)): string {
  const fill = (param: string) => (typeof value === 'string' ? value : value(param));
  return path
    .replace(/\{\*([A-Za-z_]\w*)\}/g, (_, p: string) => fill(p))
    .replace(/\*([A-Za-z_]\w*)/g, (_, p: string) => fill(p))
    .replace(/:([A-Za-z_]\w*)/g, (_, p: string) => encodeURIComponent(fill(p)));
}

export function fillUnused(route: DiscoveredRoute): string {
  return fillPath(route.path, (param) => unusedId(route, param));
}
