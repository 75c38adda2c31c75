import { applyChallengeEffects } from "../challenges/challenge-jobs";
import { commerceJobs } from "../compliance/commerce-jobs";
import { payoutJobs } from "../payouts/payout-jobs";
import { reconciliationJobs } from "../reconciliation/reconciliation-jobs";
import { riskJobs } from "../risk/risk-jobs";
import { sendInvitationEmail } from "../staff/staff-jobs";
import type { JobDefinition } from "./define-job";

/** Every job the worker runs, by name. A job definition not listed here is never processed. */
export const jobDefinitions: readonly JobDefinition[] = [
  sendInvitationEmail,
  applyChallengeEffects,
  ...commerceJobs,
  ...payoutJobs,
  ...reconciliationJobs,
  ...riskJobs,
];

export const jobRegistry: ReadonlyMap<string, JobDefinition> = new Map(
  jobDefinitions.map((j) => [j.name, j]),
);
