import { Worker } from "bullmq";
import { env } from "../env/env";
import type { Logger } from "../logging/logger";
import { bullConnection, bullPrefix, type JobEnvelope } from "./queues";
import { jobRegistry } from "./registry";
import { runJob } from "./run-job";

/**
 * The one way a process consumes a queue. A job that was running when its process died (SIGKILL,
 * OOM) is taken up again once its lock lapses: `JOB_LOCK_MS` is both the lock's length and how
 * often lapsed locks are looked for, so a crashed job resumes within about twice that. The lock is
 * renewed every half of it while the job runs.
 */
export function startJobWorker(queueName: string, log: Logger) {
  const lockMs = env().JOB_LOCK_MS;
  return new Worker<JobEnvelope>(queueName, (job) => runJob(job, jobRegistry, log), {
    connection: bullConnection(),
    prefix: bullPrefix(),
    concurrency: 8,
    lockDuration: lockMs,
    stalledInterval: lockMs,
  }).on("failed", (job, err) =>
    log.warn({ job: job?.name, jobId: job?.id, attempt: job?.attemptsMade, err: err.message }, "job failed"),
  );
}
