import type { JobHandler } from "../jobs/define-job";
import { collectPlatformRecords } from "./reconciliation-runs";

const handler: JobHandler<{ runId: string }> = async (payload, ctx) => {
  await collectPlatformRecords(ctx.tenantId, payload.runId, { log: ctx.log });
};

export default handler;
