import { randomUUID } from "node:crypto";
import { dataLayer, platformAdmins } from "@propdesk/db";
import type { StaffRole } from "@propdesk/domain/access";
import { hashPassword } from "../auth/password";
import type { PlatformPrincipal } from "../auth/platform-auth";
import { loginStaff, type StaffPrincipal } from "../auth/staff-auth";
import { runWithRequestContext } from "../request/request-context";
import { acceptInvitation, createInvitationRecord } from "../staff/invitations";
import { createTenant } from "../tenants/platform-tenants";

/** Test data built through the real use cases, so fixtures obey the same rules as production data. */
export const testPassword = "correct horse battery staple";

export async function platformAdminFixture(): Promise<PlatformPrincipal> {
  const email = `admin-${randomUUID().slice(0, 8)}@platform.test`;
  const admin = await dataLayer().withPlatform(async (db) =>
    platformAdmins.upsertPlatformAdmin(db, {
      email,
      name: "Test Admin",
      passwordHash: await hashPassword(testPassword),
    }),
  );
  return { sessionId: randomUUID(), adminId: admin.id, email, name: admin.name, mfaPending: false };
}

export interface TenantFixture {
  tenantId: string;
  deskId: string;
  hostname: string;
  slug: string;
  owner: { email: string; userId: string };
}

export async function tenantFixture(label = "firm"): Promise<TenantFixture> {
  const admin = await platformAdminFixture();
  const slug = `${label}-${randomUUID().slice(0, 8)}`;
  const hostname = `${slug}.test.localhost`;
  const created = await createTenant(admin, {
    name: `Firm ${label}`,
    slug,
    deskName: `Desk ${label}`,
    deskSlug: "main",
    hostname,
    ownerEmail: `owner@${slug}.test`,
  });
  const token = created.invitation.link.split("/invite/")[1]!;
  const owner = await acceptInvitation(created.tenantId, token, {
    name: "Olivia Owner",
    password: testPassword,
    confirmPassword: testPassword,
  });
  return { tenantId: created.tenantId, deskId: created.deskId, hostname, slug, owner };
}

/** Adds a staff member with the role (and desks) through an invitation, and returns their e-mail. */
export async function staffFixture(
  t: TenantFixture,
  role: StaffRole,
  deskIds: string[] | null = null,
): Promise<{ email: string; userId: string }> {
  const email = `${role}-${randomUUID().slice(0, 6)}@${t.slug}.test`;
  const inv = await dataLayer().withTenant(t.tenantId, (db) =>
    createInvitationRecord(db, t.tenantId, t.hostname, {
      email,
      name: null,
      role,
      deskIds,
      invitedById: null,
      invitedByLabel: "fixture",
    }),
  );
  return acceptInvitation(t.tenantId, inv.link.split("/invite/")[1]!, {
    name: `Test ${role}`,
    password: testPassword,
    confirmPassword: testPassword,
  });
}

/** Signs in (password only; for users without two-factor) and returns the principal. */
export async function signIn(
  t: TenantFixture,
  email: string,
  ip = "203.0.113.10",
): Promise<{ token: string; principal: StaffPrincipal }> {
  return runWithRequestContext({ origin: "test", ip }, () =>
    loginStaff(t.tenantId, { email, password: testPassword }),
  );
}
