import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";

/**
 * Who and where a unit of work comes from: set once at the edge (HTTP request, job, bot command) and
 * read by the logger and the audit trail, so neither needs it threaded through every call.
 */
export interface RequestContext {
  requestId: string;
  ip?: string | undefined;
  userAgent?: string | undefined;
  /** The browser's long-lived random device cookie (a fraud signal input), when it sent one. */
  deviceId?: string | undefined;
  /** "web", "worker", "bots", "cli". */
  origin: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function runWithRequestContext<T>(ctx: Partial<RequestContext> & { origin: string }, fn: () => T): T {
  return storage.run(
    {
      requestId: ctx.requestId ?? randomUUID(),
      ip: ctx.ip,
      userAgent: ctx.userAgent,
      deviceId: ctx.deviceId,
      origin: ctx.origin,
    },
    fn,
  );
}

export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}
