import type { JobHandler } from "../jobs/define-job";
import { processPayoutRun } from "./payout-runs";

const handler: JobHandler<{ runId: string }> = async (payload, ctx) => {
  await processPayoutRun(ctx.tenantId, payload.runId, { log: ctx.log });
};

export default handler;
