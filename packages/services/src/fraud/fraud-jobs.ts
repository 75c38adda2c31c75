import { z } from "zod";
import { defineJob } from "../jobs/define-job";

/**
 * Recomputes a trader's fraud signals (and those of the traders they overlap with) and keeps the
 * flags current. Queued on sign-up, sign-in, checkout, payment and dispute; idempotent.
 */
export const evaluateTraderFraud = defineJob({
  name: "fraud.evaluate-trader",
  version: 1,
  schema: z.object({ traderId: z.string().uuid(), related: z.boolean().default(true) }),
  queue: "compliance",
  handler: () => import("./evaluate-trader-fraud.job"),
});
