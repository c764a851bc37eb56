import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * Security headers on every response (helmet): a strict Content-Security-Policy written for the
 * console (its build has no inline script: Angular's critical-CSS inlining, which adds an
 * `onload` handler, is off in admin-web/angular.json), no framing (`frame-ancestors 'none'`,
 * `X-Frame-Options: DENY`), `nosniff`, no referrer, and HSTS plus upgrade-insecure-requests only
 * when cookies are Secure (served over HTTPS): sent over plain HTTP they would lock a LAN install
 * out of its own console.
 *
 * Styles may be inline: Angular and Angular Material inject component styles at run time.
 */
export function securityHeaders(secure: boolean): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'script-src-attr': ["'none'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:'],
        'font-src': ["'self'", 'data:'],
        'connect-src': ["'self'"],
        'object-src': ["'none'"],
        'base-uri': ["'self'"],
        'form-action': ["'self'"],
        'frame-ancestors': ["'none'"],
        ...(secure ? { 'upgrade-insecure-requests': [] } : {}),
      },
    },
    frameguard: { action: 'deny' },
    strictTransportSecurity: secure ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'no-referrer' },
  });
}
