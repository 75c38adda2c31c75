import { evaluateTraderFraud } from "../fraud/fraud-jobs";
import type { JobDefinition } from "../jobs/define-job";
import { processKycCallbackJob } from "../kyc/kyc-jobs";
import { executeRefundJob, processStripeEventJob, syncOrderJob } from "../payments/payment-jobs";
import { rescreenTenantJob, screenSubjectJob } from "./compliance-jobs";

/** The commerce and compliance jobs (payments, KYC, sanctions, fraud), registered in jobs/registry.ts. */
export const commerceJobs: readonly JobDefinition[] = [
  screenSubjectJob,
  rescreenTenantJob,
  evaluateTraderFraud,
  processStripeEventJob,
  executeRefundJob,
  syncOrderJob,
  processKycCallbackJob,
];
