import { z } from "zod";
import { defineJob } from "../jobs/define-job";

/**
 * Payout jobs. Every handler is idempotent: a batch run resumes where it stopped (attempts already
 * reserved are re-sent with the same rail key), a balance reduction uses the payout id as the
 * platform's idempotency key, and the sweep only acts on what is still due.
 */

/** Processes a batch approval or disbursement run, chunk by chunk, recording progress. */
export const runPayoutBatch = defineJob({
  name: "payouts.run-batch",
  version: 1,
  schema: z.object({ runId: z.string().uuid() }),
  queue: "payouts",
  attempts: 10,
  handler: () => import("./run-payout-batch.job"),
});

/**
 * Acts on the trading platform after payouts: reduces the paid payouts' account balances (all that
 * are still due when `payoutIds` is empty) and applies the scaling steps due on `challengeIds`.
 * On the `challenges` queue: jobs that act on trading platforms run where the market simulator
 * lives (the worker's live-risk process).
 */
export const reducePlatformBalances = defineJob({
  name: "payouts.platform-actions",
  version: 1,
  schema: z.object({
    payoutIds: z.array(z.string().uuid()).max(5000),
    challengeIds: z.array(z.string().uuid()).max(5000).default([]),
  }),
  queue: "challenges",
  attempts: 12,
  handler: () => import("./reduce-platform-balances.job"),
});

/**
 * The tenant's periodic payout housekeeping: tells traders whose next payout window opened, asks
 * the rails about attempts still pending, re-sends attempts a crashed worker left reserved, and
 * queues the platform actions still due (balance reductions, scaling reviews).
 */
export const sweepPayouts = defineJob({
  name: "payouts.sweep",
  version: 1,
  schema: z.object({ at: z.string().datetime() }),
  queue: "payouts",
  attempts: 3,
  handler: () => import("./sweep-payouts.job"),
});

export const payoutJobs = [runPayoutBatch, reducePlatformBalances, sweepPayouts] as const;
