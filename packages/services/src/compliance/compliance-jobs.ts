import { z } from "zod";
import { defineJob } from "../jobs/define-job";

/** Screens one person against the sanctions lists (sign-up, KYC approval, manual). */
export const screenSubjectJob = defineJob({
  name: "compliance.screen-subject",
  version: 1,
  schema: z.object({
    subjectType: z.enum(["trader", "affiliate", "payee"]),
    subjectId: z.string().uuid(),
    trigger: z.enum(["sign_up", "kyc_approval", "manual"]),
  }),
  queue: "compliance",
  handler: () => import("./screen-subject.job"),
});

/** Screens every person of a firm not yet screened against this list version. */
export const rescreenTenantJob = defineJob({
  name: "compliance.rescreen-tenant",
  version: 1,
  schema: z.object({
    listVersion: z.string().min(8),
    trigger: z.enum(["list_reload", "manual"]).default("list_reload"),
  }),
  queue: "compliance",
  attempts: 4,
  handler: () => import("./rescreen-tenant.job"),
});
