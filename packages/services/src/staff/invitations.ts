import { dataLayer, desks, type PlatformDb, staff, type TenantDb, tenants } from "@propdesk/db";
import { AppError, validate } from "@propdesk/domain";
import {
  canAssignRole,
  isStaffRole,
  requiresTwoFactor,
  type StaffRole,
  staffRoles,
} from "@propdesk/domain/access";
import { z } from "zod";
import { recordAudit } from "../audit/record-audit";
import { hashPassword, passwordSchema } from "../auth/password";
import type { StaffPrincipal } from "../auth/staff-auth";
import { decryptSecret, encryptSecret, randomToken, sha256Hex } from "../crypto/secrets";
import { publicUrl } from "../desks/public-url";
import { env } from "../env/env";
import { enqueueFor } from "../jobs/enqueue";
import { mailConfigured } from "../mail/mailer";
import { requirePermission } from "./require-permission";
import { sendInvitationEmail } from "./staff-jobs";

const invitationTtlMs = 7 * 24 * 60 * 60 * 1000;

export const inviteStaffSchema = z.object({
  email: z.string().trim().toLowerCase().email("Enter a valid e-mail address.").max(254),
  name: z
    .string()
    .trim()
    .max(120, "Use at most 120 characters.")
    .optional()
    .transform((v) => v || null),
  role: z.enum(staffRoles, { message: "Choose a role." }),
  /** "all" or a non-empty list of desk ids. */
  desks: z.union([
    z.literal("all"),
    z.array(z.string().uuid("Unknown desk.")).min(1, "Choose at least one desk, or all desks."),
  ]),
});

export interface NewInvitation {
  id: string;
  email: string;
  link: string;
  emailQueued: boolean;
}

function sealToken() {
  const token = randomToken();
  return { token, tokenHash: sha256Hex(token), tokenSealed: encryptSecret(token, env().ENCRYPTION_KEY) };
}

/** Creates an invitation row and, when SMTP is configured, queues its e-mail in the same transaction. */
export async function createInvitationRecord(
  db: TenantDb | PlatformDb,
  tenantId: string,
  hostname: string,
  input: {
    email: string;
    name: string | null;
    role: StaffRole;
    deskIds: string[] | null;
    invitedById: string | null;
    invitedByLabel: string;
  },
): Promise<NewInvitation> {
  const { token, tokenHash, tokenSealed } = sealToken();
  const inv = await staff.createInvitation(db, tenantId, {
    ...input,
    tokenHash,
    tokenSealed,
    expiresAt: new Date(Date.now() + invitationTtlMs),
  });
  const emailQueued = mailConfigured();
  if (emailQueued) await enqueueFor(db, tenantId, sendInvitationEmail, { invitationId: inv.id, hostname });
  return { id: inv.id, email: inv.email, link: publicUrl(hostname, `/invite/${token}`), emailQueued };
}

/** Staff invite staff: the role must be one the inviter may grant, the desks must be the firm's. */
export async function inviteStaff(
  principal: StaffPrincipal,
  hostname: string,
  input: unknown,
): Promise<NewInvitation> {
  requirePermission(principal, "staff.manage");
  const form = validate(inviteStaffSchema, input);
  if (!canAssignRole(principal, form.role)) {
    throw new AppError(
      "FORBIDDEN",
      `As ${principal.role.replace("_", " ")} you cannot invite someone as ${form.role.replace("_", " ")}.`,
    );
  }
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const deskIds = form.desks === "all" ? null : [...new Set(form.desks)];
    if (deskIds) {
      const known = new Set((await desks.listDesks(db)).map((d) => d.id));
      const unknown = deskIds.filter((d) => !known.has(d));
      if (unknown.length)
        throw new AppError("VALIDATION", "One of the chosen desks does not exist.", {
          issues: [{ path: "desks", message: "unknown desk" }],
        });
    }
    if (await staff.findStaffByEmail(db, form.email)) {
      throw new AppError("CONFLICT", `${form.email} already has an account in this firm.`, {
        issues: [{ path: "email", message: "already a member" }],
      });
    }
    const open = (await staff.listOpenInvitations(db, new Date())).find((i) => i.email === form.email);
    if (open) {
      throw new AppError(
        "CONFLICT",
        `${form.email} already has an open invitation; copy its link or revoke it first.`,
        {
          issues: [{ path: "email", message: "already invited" }],
        },
      );
    }
    const created = await createInvitationRecord(db, db.tenantId, hostname, {
      email: form.email,
      name: form.name,
      role: form.role,
      deskIds,
      invitedById: principal.userId,
      invitedByLabel: principal.name,
    });
    await recordAudit(db, {
      actor: { type: "staff", id: principal.userId, label: principal.email },
      action: "staff.invited",
      deskId: deskIds?.length === 1 ? deskIds[0] : null,
      target: { type: "invitation", id: created.id },
      after: { email: form.email, role: form.role, desks: deskIds ?? "all" },
    });
    return created;
  });
}

export async function revokeInvitation(principal: StaffPrincipal, invitationId: string): Promise<void> {
  requirePermission(principal, "staff.manage");
  await dataLayer().withTenant(principal.tenantId, async (db) => {
    const inv = await staff.findInvitation(db, invitationId);
    if (!inv || inv.acceptedAt || inv.revokedAt)
      throw new AppError("NOT_FOUND", "That invitation is not open any more.");
    await staff.markInvitation(db, inv.id, { revokedAt: new Date() });
    await recordAudit(db, {
      actor: { type: "staff", id: principal.userId, label: principal.email },
      action: "staff.invitation_revoked",
      target: { type: "invitation", id: inv.id },
      before: { email: inv.email, role: inv.role },
    });
  });
}

export interface InvitationPreview {
  email: string;
  name: string | null;
  role: StaffRole;
  tenantName: string;
  requiresTwoFactor: boolean;
}

const invitationTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/, "This invitation link is malformed.");

async function openInvitation(db: TenantDb, token: string) {
  const inv = await staff.findInvitationByTokenHash(db, sha256Hex(token));
  if (!inv) throw new AppError("NOT_FOUND", "This invitation link is not valid. Ask for a new one.");
  if (inv.acceptedAt)
    throw new AppError("CONFLICT", "This invitation was already accepted. Sign in instead.");
  if (inv.revokedAt) throw new AppError("NOT_FOUND", "This invitation was revoked. Ask for a new one.");
  if (inv.expiresAt <= new Date())
    throw new AppError("PRECONDITION_FAILED", "This invitation has expired. Ask for a new one.");
  if (!isStaffRole(inv.role)) throw new AppError("INTERNAL", "This invitation carries an unknown role.");
  return inv;
}

export async function previewInvitation(tenantId: string, token: string): Promise<InvitationPreview> {
  validate(invitationTokenSchema, token, "invitation");
  return dataLayer().withTenant(tenantId, async (db) => {
    const inv = await openInvitation(db, token);
    const tenant = await tenants.currentTenant(db);
    return {
      email: inv.email,
      name: inv.name,
      role: inv.role as StaffRole,
      tenantName: tenant?.name ?? "",
      requiresTwoFactor: requiresTwoFactor(inv.role as StaffRole),
    };
  });
}

export const acceptInvitationSchema = z
  .object({
    name: z.string().trim().min(1, "Enter your name.").max(120, "Use at most 120 characters."),
    password: passwordSchema,
    confirmPassword: z.string(),
  })
  .refine((v) => v.password === v.confirmPassword, {
    path: ["confirmPassword"],
    message: "The two passwords differ.",
  });

/** Creates the account and its membership from the invitation; the invitation is then used up. */
export async function acceptInvitation(
  tenantId: string,
  token: string,
  input: unknown,
): Promise<{ userId: string; email: string }> {
  validate(invitationTokenSchema, token, "invitation");
  const form = validate(acceptInvitationSchema, input);
  const passwordHash = await hashPassword(form.password);
  return dataLayer().withTenant(tenantId, async (db) => {
    const inv = await openInvitation(db, token);
    if (await staff.findStaffByEmail(db, inv.email))
      throw new AppError("CONFLICT", `${inv.email} already has an account here. Sign in instead.`);
    const user = await staff.createStaffWithMembership(db, {
      email: inv.email,
      name: form.name,
      passwordHash,
      role: inv.role,
      deskIds: inv.allDesks ? null : inv.desks.map((d) => d.deskId),
    });
    await staff.markInvitation(db, inv.id, { acceptedAt: new Date() });
    await recordAudit(db, {
      actor: { type: "staff", id: user.id, label: `${user.name} <${user.email}>` },
      action: "staff.invitation_accepted",
      target: { type: "staff_user", id: user.id },
      after: {
        email: user.email,
        role: inv.role,
        desks: inv.allDesks ? "all" : inv.desks.map((d) => d.deskId),
      },
    });
    return { userId: user.id, email: user.email };
  });
}

export interface StaffListing {
  users: Array<{
    id: string;
    email: string;
    name: string;
    role: string;
    deskIds: string[] | null;
    status: string;
    twoFactor: boolean;
    lastLoginAt: Date | null;
  }>;
  invitations: Array<{
    id: string;
    email: string;
    role: string;
    deskIds: string[] | null;
    expiresAt: Date;
    emailSentAt: Date | null;
    link: string;
    invitedBy: string;
  }>;
}

/** Staff and open invitations; invitation links stay copyable. */
export async function listStaffAndInvitations(
  principal: StaffPrincipal,
  hostname: string,
): Promise<StaffListing> {
  requirePermission(principal, "staff.view");
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const [users, invitations] = await Promise.all([
      staff.listStaff(db),
      staff.listOpenInvitations(db, new Date()),
    ]);
    return {
      users: users.map((u) => ({
        id: u.id,
        email: u.email,
        name: u.name,
        role: u.membership?.role ?? "none",
        deskIds: u.membership?.allDesks === false ? u.membership.desks.map((d) => d.deskId) : null,
        status: u.status,
        twoFactor: u.totpEnabledAt !== null,
        lastLoginAt: u.lastLoginAt,
      })),
      invitations: invitations.map((i) => ({
        id: i.id,
        email: i.email,
        role: i.role,
        deskIds: i.allDesks ? null : i.desks.map((d) => d.deskId),
        expiresAt: i.expiresAt,
        emailSentAt: i.emailSentAt,
        invitedBy: i.invitedByLabel,
        link: publicUrl(hostname, `/invite/${decryptSecret(i.tokenSealed, env().ENCRYPTION_KEY)}`),
      })),
    };
  });
}
