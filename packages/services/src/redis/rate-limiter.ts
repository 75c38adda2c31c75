import type { Redis } from "ioredis";
import { redisKey } from "./redis";

export interface RateLimitRule {
  /** Attempts allowed per window. */
  limit: number;
  windowSeconds: number;
}

export interface RateLimitState {
  allowed: boolean;
  count: number;
  retryAfterSeconds: number;
}

// INCR and set the window's expiry atomically, so a crash between the two never leaves a counter
// that never expires.
const hitScript = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('TTL', KEYS[1])
return {n, ttl}
`;

/** Counts one attempt against a fixed window and says whether it is still within the limit. */
export async function hit(redis: Redis, key: string, rule: RateLimitRule): Promise<RateLimitState> {
  const [count, ttl] = (await redis.eval(hitScript, 1, redisKey("rl", key), rule.windowSeconds)) as [
    number,
    number,
  ];
  return { allowed: count <= rule.limit, count, retryAfterSeconds: Math.max(ttl, 1) };
}

/** Reads the counter without counting. */
export async function peek(redis: Redis, key: string, rule: RateLimitRule): Promise<RateLimitState> {
  const k = redisKey("rl", key);
  const [count, ttl] = await Promise.all([redis.get(k), redis.ttl(k)]);
  const n = Number(count ?? 0);
  return { allowed: n < rule.limit, count: n, retryAfterSeconds: Math.max(ttl, 1) };
}

export async function reset(redis: Redis, key: string): Promise<void> {
  await redis.del(redisKey("rl", key));
}
