import { dataLayer, staff, tenants } from "@propdesk/db";
import { isStaffRole, roleLabels } from "@propdesk/domain/access";
import { decryptSecret } from "../crypto/secrets";
import { publicUrl } from "../desks/public-url";
import { env } from "../env/env";
import type { JobHandler } from "../jobs/define-job";
import { mailConfigured, sendMail } from "../mail/mailer";

/**
 * Idempotent: an invitation already e-mailed (email_sent_at set) is not sent again by a retried or
 * duplicated job. A revoked, accepted or expired invitation is not sent at all.
 */
const handler: JobHandler<{ invitationId: string; hostname: string }> = async (payload, ctx) => {
  if (!mailConfigured()) {
    ctx.log.info(
      { invitationId: payload.invitationId },
      "SMTP is not configured; the invitation link is shown in the console only",
    );
    return;
  }
  const msg = await dataLayer().withTenant(ctx.tenantId, async (db) => {
    const inv = await staff.findInvitation(db, payload.invitationId);
    if (!inv || inv.emailSentAt || inv.acceptedAt || inv.revokedAt || inv.expiresAt <= new Date())
      return null;
    const tenant = await tenants.currentTenant(db);
    const link = publicUrl(
      payload.hostname,
      `/invite/${decryptSecret(inv.tokenSealed, env().ENCRYPTION_KEY)}`,
    );
    const role = isStaffRole(inv.role) ? roleLabels[inv.role] : inv.role;
    return {
      id: inv.id,
      to: inv.email,
      subject: `You are invited to ${tenant?.name ?? "a firm"} on PropDesk`,
      text: [
        `Hello${inv.name ? ` ${inv.name}` : ""},`,
        "",
        `${inv.invitedByLabel} invited you to join ${tenant?.name ?? "their firm"} as ${role}.`,
        `Open this link to set your password: ${link}`,
        "",
        `The link expires on ${inv.expiresAt.toUTCString()}.`,
      ].join("\n"),
    };
  });
  if (!msg) return;
  await sendMail({ to: msg.to, subject: msg.subject, text: msg.text });
  await dataLayer().withTenant(ctx.tenantId, (db) =>
    staff.markInvitation(db, msg.id, { emailSentAt: new Date() }),
  );
};

export default handler;
