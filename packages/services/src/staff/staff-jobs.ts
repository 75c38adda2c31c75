import { z } from "zod";
import { defineJob } from "../jobs/define-job";

/** Sends (or re-sends) an invitation link by e-mail when SMTP is configured. */
export const sendInvitationEmail = defineJob({
  name: "staff.send-invitation-email",
  version: 1,
  schema: z.object({ invitationId: z.string().uuid(), hostname: z.string().min(1) }),
  queue: "mail",
  handler: () => import("./send-invitation-email.job"),
});
