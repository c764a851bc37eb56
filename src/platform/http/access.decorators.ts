import { SetMetadata } from '@nestjs/common';

/**
 * Who may call a route: the access metadata every feature declares and the auth module's global
 * guard reads. Here, not in auth, so no feature imports the auth module for it.
 */

export const SCOPES = ['pbx_api_access', 'telesales_api_access', 'autocall_api_access'] as const;
export type Scope = (typeof SCOPES)[number];
export type UserRole = 'admin' | 'auditor';
/** Per-token request budgets per minute, by the scope that guards the route. */
export const RATE_LIMITS: Record<Scope, number> = {
  pbx_api_access: 60,
  telesales_api_access: 120,
  autocall_api_access: 120,
};

export const PUBLIC_KEY = 'zorio:public';
export const API_TOKEN_KEY = 'zorio:api-token-scope';
export const ROLES_KEY = 'zorio:roles';

/** No authentication at all (health, metrics, login). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_KEY, true);

/** A machine token with this scope, never a console session. */
export const ApiToken = (scope: Scope): MethodDecorator & ClassDecorator =>
  SetMetadata(API_TOKEN_KEY, scope);

/** Console roles allowed (default: admin only). */
export const Roles = (...roles: UserRole[]): MethodDecorator & ClassDecorator =>
  SetMetadata(ROLES_KEY, roles);
