import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { parseStrictIp } from './ip';

/** Who did something: recorded on every audit entry. */
export interface Actor {
  type: 'user' | 'api_token' | 'system';
  id: string | null;
  name: string | null;
  ip: string | null;
  userAgent: string | null;
}

export const SYSTEM_ACTOR: Actor = {
  type: 'system',
  id: null,
  name: 'system',
  ip: null,
  userAgent: null,
};

export interface AuthenticatedUser {
  id: string;
  email: string;
  name: string;
  role: 'admin' | 'auditor';
}

export interface AuthenticatedToken {
  id: string;
  name: string;
  scopes: string[];
}

/** What the global guard attaches to the request. */
export interface AuthState {
  user?: AuthenticatedUser;
  token?: AuthenticatedToken;
}

export type AppRequest = Request & { auth?: AuthState; id?: unknown };

/**
 * The client address: Express's `req.ip` (X-Forwarded-For only from TRUST_PROXY's proxies), or
 * the peer's address when what a proxy forwarded is not an IP address at all (`unknown`,
 * `1.2.3.4:80`, junk): it is never stored or compared as if it were one.
 */
export function clientIp(req: Request): string | null {
  const forwarded = req.ip && parseStrictIp(req.ip) ? req.ip : undefined;
  const ip = forwarded ?? req.socket.remoteAddress ?? null;
  return ip?.startsWith('::ffff:') ? ip.slice(7) : ip;
}

export function actorFromRequest(req: AppRequest): Actor {
  const ua = req.headers['user-agent'];
  const base = { ip: clientIp(req), userAgent: typeof ua === 'string' ? ua.slice(0, 500) : null };
  if (req.auth?.user) {
    return { type: 'user', id: req.auth.user.id, name: req.auth.user.email, ...base };
  }
  if (req.auth?.token) {
    return { type: 'api_token', id: req.auth.token.id, name: req.auth.token.name, ...base };
  }
  return { type: 'system', id: null, name: null, ...base };
}

/** The actor of the current request, passed explicitly to services. */
export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor =>
  actorFromRequest(ctx.switchToHttp().getRequest<AppRequest>()),
);
