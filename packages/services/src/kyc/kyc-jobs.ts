import { z } from "zod";
import { defineJob } from "../jobs/define-job";

/** Applies one stored, signed KYC vendor callback to its verification. */
export const processKycCallbackJob = defineJob({
  name: "kyc.process-callback",
  version: 1,
  schema: z.object({ deliveryId: z.string().uuid() }),
  queue: "compliance",
  handler: () => import("./process-kyc-callback.job"),
});
