import type { JobHandler } from "../jobs/define-job";
import { sweepPayoutsFor } from "./payout-sweep";

const handler: JobHandler<{ at: string }> = async (_payload, ctx) => {
  await sweepPayoutsFor(ctx.tenantId, new Date(), { log: ctx.log });
};

export default handler;
