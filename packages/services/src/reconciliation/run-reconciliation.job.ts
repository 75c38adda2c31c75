import type { JobHandler } from "../jobs/define-job";
import { processReconciliationRun } from "./reconciliation-runs";

const handler: JobHandler<{ runId: string }> = async (payload, ctx) => {
  await processReconciliationRun(ctx.tenantId, payload.runId, { log: ctx.log });
};

export default handler;
