import { dataLayer, desks, tenants } from "@propdesk/db";
import { AppError, validate } from "@propdesk/domain";
import { z } from "zod";
import { recordPlatformAudit } from "../audit/record-audit";
import type { PlatformPrincipal } from "../auth/platform-auth";
import { normaliseHost } from "../desks/desk-context";
import { createInvitationRecord, type NewInvitation } from "../staff/invitations";

const slug = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/,
    "Use 1-40 lower-case letters, digits and hyphens (not at the ends).",
  );
const colour = z
  .string()
  .trim()
  .regex(/^#[0-9a-fA-F]{6}$/, "Use a colour like #1f6feb.");

export const createTenantSchema = z.object({
  name: z.string().trim().min(2, "Enter the firm's name.").max(120, "Use at most 120 characters."),
  slug,
  deskName: z.string().trim().min(2, "Enter the desk's brand name.").max(120, "Use at most 120 characters."),
  deskSlug: slug,
  hostname: z
    .string()
    .trim()
    .toLowerCase()
    .max(253)
    .regex(
      /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/,
      "Enter a host name such as desk.example.com.",
    ),
  primaryColor: colour.default("#1f6feb"),
  accentColor: colour.default("#0b1221"),
  logoUrl: z
    .string()
    .trim()
    .url("Enter a full URL (https://…) or leave empty.")
    .max(500)
    .optional()
    .or(z.literal("").transform(() => undefined)),
  ownerEmail: z.string().trim().toLowerCase().email("Enter the owner's e-mail address.").max(254),
  ownerName: z
    .string()
    .trim()
    .max(120)
    .optional()
    .transform((v) => v || null),
});

export interface CreatedTenant {
  tenantId: string;
  deskId: string;
  invitation: NewInvitation;
}

const adminActor = (p: PlatformPrincipal) => ({
  type: "platform_admin" as const,
  id: p.adminId,
  label: p.email,
});

/** A new firm: tenant, first desk on its domain, and the owner's invitation, in one transaction. */
export async function createTenant(principal: PlatformPrincipal, input: unknown): Promise<CreatedTenant> {
  const form = validate(createTenantSchema, input);
  normaliseHost(form.hostname);
  return dataLayer().withPlatform(async (db) => {
    if (await tenants.findTenantBySlug(db, form.slug)) {
      throw new AppError("CONFLICT", `The slug "${form.slug}" is taken.`, {
        issues: [{ path: "slug", message: "taken" }],
      });
    }
    if (await desks.hostnameTaken(db, form.hostname)) {
      throw new AppError("CONFLICT", `The host ${form.hostname} already serves a desk.`, {
        issues: [{ path: "hostname", message: "taken" }],
      });
    }
    const tenant = await tenants.createTenantRow(db, { slug: form.slug, name: form.name });
    const desk = await desks.createDeskWithDomain(
      db,
      tenant.id,
      {
        slug: form.deskSlug,
        name: form.deskName,
        logoUrl: form.logoUrl ?? null,
        primaryColor: form.primaryColor,
        accentColor: form.accentColor,
      },
      form.hostname,
    );
    const invitation = await createInvitationRecord(db, tenant.id, form.hostname, {
      email: form.ownerEmail,
      name: form.ownerName,
      role: "owner",
      deskIds: null,
      invitedById: null,
      invitedByLabel: `PropDesk platform (${principal.email})`,
    });
    await recordPlatformAudit(db, {
      actor: adminActor(principal),
      tenantId: tenant.id,
      deskId: desk.id,
      action: "platform.tenant_created",
      target: { type: "tenant", id: tenant.id },
      after: {
        name: form.name,
        slug: form.slug,
        desk: form.deskName,
        hostname: form.hostname,
        owner: form.ownerEmail,
      },
    });
    return { tenantId: tenant.id, deskId: desk.id, invitation };
  });
}

const reasonSchema = z
  .string()
  .trim()
  .min(3, "Give a reason (at least 3 characters).")
  .max(500, "Use at most 500 characters.");
const tenantIdSchema = z.string().uuid("Unknown tenant.");

async function setStatus(
  principal: PlatformPrincipal,
  tenantId: unknown,
  status: "active" | "suspended",
  reason: string | null,
) {
  const id = validate(tenantIdSchema, tenantId, "tenant");
  await dataLayer().withPlatform(async (db) => {
    const tenant = await tenants.findTenant(db, id);
    if (!tenant) throw new AppError("NOT_FOUND", "That tenant does not exist.");
    if (tenant.status === status) throw new AppError("CONFLICT", `${tenant.name} is already ${status}.`);
    await tenants.setTenantStatus(db, id, status, reason);
    await recordPlatformAudit(db, {
      actor: adminActor(principal),
      tenantId: id,
      action: status === "suspended" ? "platform.tenant_suspended" : "platform.tenant_reactivated",
      target: { type: "tenant", id },
      before: { status: tenant.status },
      after: { status, ...(reason ? { reason } : {}) },
    });
  });
}

/** A suspended firm's users cannot sign in and its endpoints refuse every request. */
export async function suspendTenant(principal: PlatformPrincipal, tenantId: unknown, reason: unknown) {
  return setStatus(principal, tenantId, "suspended", validate(reasonSchema, reason, "reason"));
}

export async function reactivateTenant(principal: PlatformPrincipal, tenantId: unknown) {
  return setStatus(principal, tenantId, "active", null);
}

export async function listTenants(_principal: PlatformPrincipal) {
  const rows = await dataLayer().withPlatform((db) => tenants.listTenantsWithDesks(db));
  return rows.map((t) => ({
    id: t.id,
    name: t.name,
    slug: t.slug,
    status: t.status,
    suspendedReason: t.suspendedReason,
    createdAt: t.createdAt,
    desks: t.desks.map((d) => ({ id: d.id, name: d.name, hostnames: d.domains.map((x) => x.hostname) })),
    staff: {
      active: t.staffUsers.filter((u) => u.status === "active").length,
      disabled: t.staffUsers.filter((u) => u.status !== "active").length,
    },
    openInvitations: t._count.invitations,
  }));
}
