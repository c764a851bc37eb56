import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import { timingSafeEqual } from 'node:crypto';
import { AppRequest, clientIp } from '../../common/actor';
import { TooManyRequests } from '../../common/errors';
import { AppConfig } from '../../config/app-config';
import { ApiTokensService } from './api-tokens.service';
import {
  API_TOKEN_KEY,
  PUBLIC_KEY,
  RATE_LIMITS,
  ROLES_KEY,
  Scope,
  UserRole,
} from '../../platform/http/access.decorators';
import { XSRF_HEADER, setXsrfCookie } from './session';
import { ThrottleService } from './throttle.service';
import { UsersService } from './users.service';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The `<id>|<secret>` of a machine token, from `Authorization: Bearer <id>|<secret>` or, for
 * clients that can only send HTTP Basic (FreeSWITCH's mod_json_cdr `cred` setting), from
 * `Authorization: Basic base64(<id>:<secret>)`.
 */
export function machineCredential(header: string | undefined): string | null {
  if (!header) return null;
  if (header.startsWith('Bearer ')) return header.slice(7).trim() || null;
  if (header.startsWith('Basic ')) {
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const sep = decoded.indexOf(':');
    return sep > 0 ? `${decoded.slice(0, sep)}|${decoded.slice(sep + 1)}` : null;
  }
  return null;
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The one global guard, deny by default: a route is public (@Public), takes a machine token with a
 * scope (@ApiToken), or needs a console session of an allowed role (@Roles, default admin) plus
 * the CSRF header on unsafe methods.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly users: UsersService,
    private readonly tokens: ApiTokensService,
    private readonly throttle: ThrottleService,
    private readonly config: AppConfig,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    const req = ctx.switchToHttp().getRequest<AppRequest>();
    // A machine token is never accepted on console routes, whatever its scopes (login included).
    if (req.headers.authorization && req.path.startsWith('/api/admin/')) {
      throw new UnauthorizedException();
    }
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const scope = this.reflector.getAllAndOverride<Scope | undefined>(API_TOKEN_KEY, targets);
    if (scope) {
      await this.machineToken(req, ctx.switchToHttp().getResponse<Response>(), scope);
      return true;
    }
    const roles = this.reflector.getAllAndOverride<UserRole[] | undefined>(ROLES_KEY, targets) ?? [
      'admin',
    ];
    await this.consoleSession(req, roles);
    const csrf = req.session.csrf;
    if (csrf)
      setXsrfCookie(ctx.switchToHttp().getResponse<Response>(), csrf, this.config.cookieSecure);
    return true;
  }

  private async machineToken(req: AppRequest, res: Response, scope: Scope): Promise<void> {
    const bearer = machineCredential(req.headers.authorization);
    if (!bearer) throw new UnauthorizedException();
    const token = await this.tokens.authenticate(bearer, clientIp(req));
    if (!token) throw new UnauthorizedException();
    if (!token.scopes.includes(scope)) throw new ForbiddenException();
    req.auth = { token: { id: token.id, name: token.name, scopes: token.scopes } };
    const rl = await this.throttle.hitRateLimit(token.id, scope, RATE_LIMITS[scope]);
    res.setHeader('X-RateLimit-Limit', String(rl.limit));
    res.setHeader('X-RateLimit-Remaining', String(rl.remaining));
    res.setHeader('X-RateLimit-Reset', String(rl.reset));
    if (!rl.allowed)
      throw new TooManyRequests(Math.max(1, rl.reset - Math.floor(Date.now() / 1000)));
  }

  private async consoleSession(req: AppRequest, roles: UserRole[]): Promise<void> {
    // A machine token is never accepted on console routes, whatever its scopes.
    if (req.headers.authorization) throw new UnauthorizedException();
    const userId = req.session?.userId;
    if (!userId) throw new UnauthorizedException();
    const user = await this.users.findById(userId);
    const issuedAt = req.session.issuedAt ?? 0;
    const stale = user?.passwordChangedAt && issuedAt < user.passwordChangedAt.getTime();
    if (!user || user.disabled || stale) {
      await new Promise<void>((resolve) => req.session.destroy(() => resolve()));
      throw new UnauthorizedException();
    }
    req.auth = { user: { id: user.id, email: user.email, name: user.name, role: user.role } };
    if (!SAFE_METHODS.has(req.method)) {
      const header = req.headers[XSRF_HEADER];
      const expected = req.session.csrf;
      if (typeof header !== 'string' || !expected || !sameToken(header, expected)) {
        throw new ForbiddenException();
      }
    }
    if (!roles.includes(user.role)) throw new ForbiddenException();
  }
}
