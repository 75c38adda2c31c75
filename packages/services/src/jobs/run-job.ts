import { type Job, UnrecoverableError } from "bullmq";
import type { Logger } from "../logging/logger";
import { runWithRequestContext } from "../request/request-context";
import type { JobDefinition } from "./define-job";
import type { JobEnvelope } from "./queues";

/**
 * Runs one BullMQ job: finds its definition, validates the payload again (the row may predate a
 * deploy), and calls the lazily loaded handler inside the request context of the action that caused
 * it. An unknown job, another version or an invalid payload fails at once (UnrecoverableError):
 * retrying cannot fix them.
 */
export async function runJob(
  job: Job<JobEnvelope>,
  registry: ReadonlyMap<string, JobDefinition>,
  log: Logger,
): Promise<void> {
  const env = job.data;
  const def = registry.get(env.name);
  const jobLog = log.child({
    job: env.name,
    jobId: job.id,
    tenantId: env.tenantId,
    attempt: job.attemptsMade + 1,
  });
  if (!def) throw new UnrecoverableError(`Unknown job ${env.name}`);
  if (env.version !== def.version) {
    throw new UnrecoverableError(
      `Job ${env.name} has version ${env.version}; this worker handles version ${def.version}.`,
    );
  }
  const parsed = def.schema.safeParse(env.payload);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new UnrecoverableError(`Job ${env.name} payload is invalid: ${issues}`);
  }
  const { default: handler } = await def.handler();
  await runWithRequestContext({ origin: "worker", requestId: env.requestId }, async () => {
    const started = performance.now();
    await handler(parsed.data, {
      jobId: String(job.id),
      tenantId: env.tenantId,
      attempt: job.attemptsMade + 1,
      log: jobLog,
    });
    jobLog.info({ ms: Math.round(performance.now() - started) }, "job done");
  });
}
