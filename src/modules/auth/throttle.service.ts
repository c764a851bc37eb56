import { Injectable } from '@nestjs/common';
import { RedisService } from '../../common/redis.module';

export const LOGIN_FAILURES_PER_MINUTE = 5;

/** Counters in Redis, so every API process shares them. */
@Injectable()
export class ThrottleService {
  constructor(private readonly redis: RedisService) {}

  private loginKeys(email: string, ip: string | null): string[] {
    const keys = [this.redis.key('login-fail', 'account', email.trim().toLowerCase())];
    if (ip) keys.push(this.redis.key('login-fail', 'ip', ip));
    return keys;
  }

  /** Seconds to wait when the account or the IP has used up its failures, else 0. */
  async loginBlockedFor(email: string, ip: string | null): Promise<number> {
    const keys = this.loginKeys(email, ip);
    const pipeline = this.redis.client.pipeline();
    for (const k of keys) pipeline.get(k).pttl(k);
    const results = (await pipeline.exec()) ?? [];
    let wait = 0;
    for (let i = 0; i < keys.length; i++) {
      const count = Number(results[i * 2]?.[1] ?? 0);
      const ttl = Number(results[i * 2 + 1]?.[1] ?? -1);
      if (count >= LOGIN_FAILURES_PER_MINUTE)
        wait = Math.max(wait, Math.ceil(Math.max(ttl, 1000) / 1000));
    }
    return wait;
  }

  async recordLoginFailure(email: string, ip: string | null): Promise<void> {
    const pipeline = this.redis.client.pipeline();
    for (const k of this.loginKeys(email, ip)) pipeline.incr(k).pexpire(k, 60_000, 'NX');
    await pipeline.exec();
  }

  async clearLoginFailures(email: string): Promise<void> {
    await this.redis.client.del(this.loginKeys(email, null));
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
