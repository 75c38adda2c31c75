import type { z } from "zod";
import type { Logger } from "../logging/logger";

/**
 * The one shape of a background job: a name, a version (bumped when the payload changes
 * incompatibly, so old rows are still handled by the code that understands them), a zod payload
 * schema and a lazily imported handler (the worker loads a handler's dependencies only when a job
 * of that kind arrives).
 */
export interface JobContext {
  /** The outbox row id, which is also the BullMQ job id: the key for idempotent handling. */
  jobId: string;
  tenantId: string;
  attempt: number;
  log: Logger;
}

export type JobHandler<P> = (payload: P, ctx: JobContext) => Promise<void>;

export interface JobDefinition<S extends z.ZodType = z.ZodType> {
  name: string;
  version: number;
  schema: S;
  /** BullMQ queue the job runs on. */
  queue: string;
  attempts: number;
  handler: () => Promise<{ default: JobHandler<z.infer<S>> }>;
}

export function defineJob<S extends z.ZodType>(def: {
  name: string;
  version: number;
  schema: S;
  queue?: string;
  attempts?: number;
  handler: () => Promise<{ default: JobHandler<z.infer<S>> }>;
}): JobDefinition<S> {
  if (!/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/.test(def.name))
    throw new Error(`Job name "${def.name}" must look like "area.action".`);
  return { queue: "default", attempts: 8, ...def };
}

export type JobPayload<J> = J extends JobDefinition<infer S> ? z.infer<S> : never;
