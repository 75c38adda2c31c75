import { z } from "zod";
import { defineJob } from "../jobs/define-job";

/**
 * A desk's emergency stop (or its lifting) applied to each of its challenges, one unit of work per
 * challenge, after the staff action that asked for it committed. Idempotent: a challenge already
 * stopped (or already released) is skipped.
 */
export const deskEmergencyStop = defineJob({
  name: "risk.desk-emergency-stop",
  version: 1,
  schema: z.object({
    deskId: z.string().uuid(),
    action: z.enum(["stop", "lift"]),
    userId: z.string().uuid(),
    userLabel: z.string().min(1),
    reason: z.string().min(1).max(500),
  }),
  queue: "risk",
  handler: () => import("./desk-emergency-stop.job"),
});

export const riskJobs = [deskEmergencyStop] as const;
