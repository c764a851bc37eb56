import { RedisStore } from 'connect-redis';
import type { Request, RequestHandler, Response } from 'express';
import { randomBytes } from 'node:crypto';
import session from 'express-session';
import type { RedisClient } from '../../common/redis-connection';
import { AppConfig } from '../../config/app-config';

export const SESSION_COOKIE = 'zorio_session';
export const XSRF_COOKIE = 'XSRF-TOKEN';
export const XSRF_HEADER = 'x-xsrf-token';
export const SESSION_TTL_SECONDS = 8 * 3600;

declare module 'express-session' {
  interface SessionData {
    userId?: string;
    csrf?: string;
    /** When the session was issued (ms since the epoch): older than a password change = invalid. */
    issuedAt?: number;
  }
}

/** Server-side sessions in Redis behind an httpOnly, SameSite=Strict cookie. */
export function sessionMiddleware(config: AppConfig, redis: RedisClient): RequestHandler {
  return session({
    name: SESSION_COOKIE,
    secret: config.SESSION_SECRET,
    store: new RedisStore({
      client: redis,
      prefix: `${config.REDIS_PREFIX}:sess:`,
      ttl: SESSION_TTL_SECONDS,
    }),
    resave: false,
    saveUninitialized: false,
    rolling: true,
    cookie: {
      httpOnly: true,
      sameSite: 'strict',
      secure: config.cookieSecure,
      path: '/',
      maxAge: SESSION_TTL_SECONDS * 1000,
    },
  });
}

/**
 * The readable XSRF-TOKEN cookie (Angular sends it back as X-XSRF-TOKEN). Set at login and renewed
 * with every authenticated console response, so it lives exactly as long as the rolling session.
 */
export function setXsrfCookie(res: Response, token: string, secure: boolean): void {
  res.cookie(XSRF_COOKIE, token, {
    httpOnly: false,
    sameSite: 'strict',
    secure,
    path: '/',
    maxAge: SESSION_TTL_SECONDS * 1000,
  });
}

/**
 * Gives the request a fresh session for the user (a new id, so no fixation; its own CSRF token;
 * its issue time, checked against the user's last password change) and sets the XSRF cookie.
 */
export async function issueSession(
  req: Request,
  res: Response,
  userId: string,
  secure: boolean,
  issuedAt = Date.now(),
): Promise<void> {
  await new Promise<void>((resolve, reject) =>
    req.session.regenerate((e) => (e ? reject(e as Error) : resolve())),
  );
  const csrf = randomBytes(32).toString('base64url');
  req.session.userId = userId;
  req.session.csrf = csrf;
  req.session.issuedAt = issuedAt;
  await new Promise<void>((resolve, reject) =>
    req.session.save((e) => (e ? reject(e as Error) : resolve())),
  );
  setXsrfCookie(res, csrf, secure);
}
