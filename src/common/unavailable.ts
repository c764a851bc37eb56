/** Node socket errors of a connection to PostgreSQL or Redis that is down or went away. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH']);

/** ioredis errors raised while Redis (one server, a Sentinel set or a cluster) is unreachable. */
const REDIS_DOWN_NAMES = new Set(['MaxRetriesPerRequestError', 'ClusterAllFailedError']);
const REDIS_DOWN_MESSAGES =
  /^(Connection is closed|Stream isn't writeable|None of startup nodes is available|Failed to refresh slots cache)/;

/** PostgreSQL: connection exceptions (class 08) and a server shutting down or starting (57P01-3). */
const PG_DOWN_CODE = /^(08[0-9A-Z]{3}|57P0[123])$/;
const PG_DOWN_MESSAGES = /^(Connection terminated|timeout exceeded when trying to connect)/;

/**
 * True when an error says a backing store (PostgreSQL, Redis) is unreachable rather than that the
 * request or the code is wrong: the request may succeed when it comes back, so the client gets a
 * 503 with Retry-After instead of a 500.
 */
export function isBackingStoreDown(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (SOCKET_CODES.has(code) || PG_DOWN_CODE.test(code))) {
    return true;
  }
  if (REDIS_DOWN_NAMES.has(err.name)) return true;
  return REDIS_DOWN_MESSAGES.test(err.message) || PG_DOWN_MESSAGES.test(err.message);
}
