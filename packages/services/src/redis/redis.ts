import { Redis } from "ioredis";
import { env } from "../env/env";

/**
 * Redis connections. Keys are namespaced by PROPDESK_REDIS_PREFIX (tests use one prefix per run and
 * worker) through `redisKey`, not ioredis' keyPrefix, because BullMQ refuses connections that carry one.
 */
export function createRedis(
  name = "propdesk",
  overrides: { maxRetriesPerRequest?: number | null } = {},
): Redis {
  return new Redis(env().REDIS_URL, {
    connectionName: name,
    lazyConnect: false,
    maxRetriesPerRequest: overrides.maxRetriesPerRequest === undefined ? 3 : overrides.maxRetriesPerRequest,
    enableOfflineQueue: true,
  });
}

export function redisKey(...parts: Array<string | number>): string {
  return [env().PROPDESK_REDIS_PREFIX, ...parts].join(":");
}

let shared: Redis | undefined;

/** The process-wide connection for short commands (rate limits, CSRF nonces, caches). */
export function redis(): Redis {
  shared ??= createRedis("propdesk-shared");
  return shared;
}

export async function closeRedis(): Promise<void> {
  const r = shared;
  shared = undefined;
  if (r) await r.quit().catch(() => r.disconnect());
}
