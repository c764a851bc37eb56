import { RedisStore } from 'connect-redis';
import type { RequestHandler, Response } from 'express';
import session from 'express-session';
import type Redis from 'ioredis';
import { AppConfig } from '../../config/app-config';

export const SESSION_COOKIE = 'zorio_session';
export const XSRF_COOKIE = 'XSRF-TOKEN';
export const XSRF_HEADER = 'x-xsrf-token';
export const SESSION_TTL_SECONDS = 8 * 3600;

declare module 'express-session' {
  interface SessionData {
    userId?: string;
    csrf?: string;
  }
}

/** Server-side sessions in Redis behind an httpOnly, SameSite=Strict cookie. */
export function sessionMiddleware(config: AppConfig, redis: Redis): RequestHandler {
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
