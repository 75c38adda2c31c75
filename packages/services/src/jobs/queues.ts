import { Queue } from "bullmq";
import { env } from "../env/env";
import { createRedis } from "../redis/redis";

/** What a BullMQ job carries: enough to find the definition, the tenant and the outbox row. */
export interface JobEnvelope {
  name: string;
  version: number;
  tenantId: string;
  payload: unknown;
  requestId?: string | undefined;
}

let connection: ReturnType<typeof createRedis> | undefined;
const queues = new Map<string, Queue<JobEnvelope>>();

/** BullMQ needs `maxRetriesPerRequest: null` on its connections. */
export function bullConnection() {
  connection ??= createRedis("propdesk-bull", { maxRetriesPerRequest: null });
  return connection;
}

export function bullPrefix(): string {
  return `${env().PROPDESK_REDIS_PREFIX}:bull`;
}

export function queue(name: string): Queue<JobEnvelope> {
  let q = queues.get(name);
  if (!q) {
    q = new Queue<JobEnvelope>(name, {
      connection: bullConnection(),
      prefix: bullPrefix(),
      defaultJobOptions: {
        // Completed jobs are kept a day so that a relay re-sending the same outbox row (after a crash
        // between enqueue and commit) hits the existing job id instead of running it again.
        removeOnComplete: { age: 24 * 3600, count: 100_000 },
        removeOnFail: { age: 7 * 24 * 3600 },
        backoff: { type: "exponential", delay: 1000 },
      },
    });
    queues.set(name, q);
  }
  return q;
}

export async function closeQueues(): Promise<void> {
  await Promise.all([...queues.values()].map((q) => q.close()));
  queues.clear();
  const c = connection;
  connection = undefined;
  if (c) await c.quit().catch(() => c.disconnect());
}
