import { Injectable } from '@nestjs/common';
import { RedisService } from '../../../common/redis.module';

/**
 * A token bucket in Redis, refilled at `rate` tokens a second up to `burst`: takes up to `want`
 * tokens and answers how many it got and, when none, how long until the next one. The clock is
 * Redis's, so every worker process shares one bucket per lane.
 */
const TAKE = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local want = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil or at == nil then tokens = burst; at = now end
tokens = math.min(burst, tokens + (now - at) * rate / 1000)
local granted = math.min(want, math.floor(tokens))
tokens = tokens - granted
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst * 1000 / rate) + 1000)
local wait = 0
if granted == 0 then wait = math.ceil((1 - tokens) * 1000 / rate) end
return {granted, wait}
`;

export interface Grant {
  granted: number;
  /** Milliseconds until a token is free (when none was granted). */
  waitMs: number;
}

/** `rate_limit_per_second` of a lane, shared by every worker process. */
@Injectable()
export class LaneRateLimiter {
  constructor(private readonly redis: RedisService) {}

  /** A tenth of a second's worth at most in one burst, so no one second exceeds the rate by much. */
  static burst(rate: number): number {
    return Math.max(1, Math.ceil(rate / 10));
  }

  async take(webhookId: string, rate: number, want: number): Promise<Grant> {
    const [granted, waitMs] = (await this.redis.client.eval(
      TAKE,
      1,
      this.redis.key('lane-rate', webhookId),
      rate,
      LaneRateLimiter.burst(rate),
      want,
    )) as [number, number];
    return { granted, waitMs };
  }
}
