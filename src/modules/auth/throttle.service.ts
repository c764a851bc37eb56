import { Injectable } from '@nestjs/common';
import { throttleSubject } from '../../common/ip';
import { RedisService } from '../../common/redis.module';

export const LOGIN_FAILURES_PER_MINUTE = 5;

/** Decrements a counter that still exists and is positive (never creates one without a TTL). */
const RETURN_SLOT = `
if tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then return redis.call('DECR', KEYS[1]) end
return 0`;

/** Counters in Redis, so every API process shares them. */
@Injectable()
export class ThrottleService {
  constructor(private readonly redis: RedisService) {}

  private loginKeys(email: string, ip: string | null): string[] {
    const keys = [this.redis.key('login-attempts', 'account', email.trim().toLowerCase())];
    if (ip) keys.push(this.redis.key('login-attempts', 'ip', throttleSubject(ip)));
    return keys;
  }

  /**
   * Reserves one password check for this account and this client (IPv4 address or IPv6 /64)
   * before the password is verified: each counter is incremented atomically (a MULTI on its one
   * key, so it also works on a Redis Cluster), and the check runs only when both stay within
   * LOGIN_FAILURES_PER_MINUTE, so a parallel burst of any size gets at most that many checks.
   * Returns 0 when reserved, else the seconds to wait. A failed check keeps its slots;
   * `loginSucceeded` gives them back.
   */
  async reserveLoginAttempt(email: string, ip: string | null): Promise<number> {
    const counts = await Promise.all(
      this.loginKeys(email, ip).map(async (k) => {
        const results =
          (await this.redis.client.multi().incr(k).pexpire(k, 60_000, 'NX').pttl(k).exec()) ?? [];
        return { count: Number(results[0]?.[1] ?? 0), ttl: Number(results[2]?.[1] ?? -1) };
      }),
    );
    let wait = 0;
    for (const { count, ttl } of counts) {
      if (count > LOGIN_FAILURES_PER_MINUTE) {
        wait = Math.max(wait, Math.ceil(Math.max(ttl, 1000) / 1000));
      }
    }
    return wait;
  }

  /** After a good password: the account's failures are forgotten, the client's slot returned. */
  async loginSucceeded(email: string, ip: string | null): Promise<void> {
    const [account, client] = this.loginKeys(email, ip);
    await this.redis.client.del(account);
    if (client) await this.redis.client.eval(RETURN_SLOT, 1, client);
  }

  /** Fixed one-minute window per token and scope. */
  async hitRateLimit(
    tokenId: string,
    scope: string,
    limit: number,
  ): Promise<{ limit: number; remaining: number; reset: number; allowed: boolean }> {
    const now = Date.now();
    const window = Math.floor(now / 60_000);
    const key = this.redis.key('rate', tokenId, scope, window);
    const [[, count]] = ((await this.redis.client.multi().incr(key).expire(key, 61).exec()) ??
      []) as [[unknown, number]];
    const reset = (window + 1) * 60;
    return { limit, remaining: Math.max(0, limit - count), reset, allowed: count <= limit };
  }
}
