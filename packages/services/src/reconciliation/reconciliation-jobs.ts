import { z } from "zod";
import { defineJob } from "../jobs/define-job";

/** Processes one reconciliation run (scheduled or on demand); a completed run is left as it is. */
export const runReconciliationJob = defineJob({
  name: "reconciliation.run",
  version: 1,
  schema: z.object({ runId: z.string().uuid() }),
  queue: "payouts",
  attempts: 5,
  handler: () => import("./run-reconciliation.job"),
});

/**
 * Reads the trading platforms' balance adjustments for a run and stores them on it, then queues
 * the matching. On the `challenges` queue: it must run where the platform adapters live (the
 * market simulator is in the worker's live-risk process).
 */
export const collectPlatformRecordsJob = defineJob({
  name: "reconciliation.collect-platform",
  version: 1,
  schema: z.object({ runId: z.string().uuid() }),
  queue: "challenges",
  attempts: 5,
  handler: () => import("./collect-platform-records.job"),
});

export const reconciliationJobs = [collectPlatformRecordsJob, runReconciliationJob] as const;
