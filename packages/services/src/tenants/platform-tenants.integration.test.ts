import { dataLayer } from "@propdesk/db";
import { sqlAs } from "@propdesk/db/testing/sql";
import { beforeAll, describe, expect, it } from "vitest";
import { deskForHost } from "../desks/desk-context";
import {
  acceptInvitation,
  inviteStaff,
  listStaffAndInvitations,
  previewInvitation,
  revokeInvitation,
} from "../staff/invitations";
import { changeStaffRole } from "../staff/staff-admin";
import {
  platformAdminFixture,
  signIn,
  staffFixture,
  type TenantFixture,
  tenantFixture,
  testPassword,
} from "../testing/fixtures";
import { createTenant, listTenants, reactivateTenant, suspendTenant } from "./platform-tenants";

let t: TenantFixture;
beforeAll(async () => {
  t = await tenantFixture("tenants");
});

const count = async (table: string) =>
  (await sqlAs("platform").query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n as number;

describe("platform console: tenants", () => {
  it("creates a tenant with its desk, domain and owner invitation, audited in both trails", async () => {
    const admin = await platformAdminFixture();
    const created = await createTenant(admin, {
      name: "Nova Capital",
      slug: `nova-${t.slug.slice(-8)}`,
      deskName: "Nova Funded",
      deskSlug: "nova",
      hostname: `nova-${t.slug.slice(-8)}.localhost`,
      primaryColor: "#7c3aed",
      accentColor: "#111827",
      ownerEmail: "Founder@Nova.Test",
    });
    expect(created.invitation.link).toMatch(
      /^http:\/\/nova-[a-z0-9]+\.localhost:3000\/invite\/[A-Za-z0-9_-]{43}$/,
    );
    const desk = await deskForHost(`NOVA-${t.slug.slice(-8)}.localhost:3000`);
    expect(desk).toMatchObject({
      tenantId: created.tenantId,
      deskId: created.deskId,
      theme: { name: "Nova Funded", primaryColor: "#7c3aed" },
    });
    const preview = await previewInvitation(created.tenantId, created.invitation.link.split("/invite/")[1]!);
    expect(preview).toMatchObject({
      email: "founder@nova.test",
      role: "owner",
      tenantName: "Nova Capital",
      requiresTwoFactor: true,
    });
    const platformTrail = await sqlAs("platform").query(
      "SELECT action, target_id FROM platform_audit_events WHERE target_id = $1",
      [created.tenantId],
    );
    expect(platformTrail.rows).toEqual([{ action: "platform.tenant_created", target_id: created.tenantId }]);
    const tenantTrail = await dataLayer().withTenant(created.tenantId, (db) => db.auditEvent.findMany());
    expect(tenantTrail.map((e) => e.action)).toEqual(["platform.tenant_created"]);
    expect((await listTenants(admin)).find((x) => x.id === created.tenantId)).toMatchObject({
      status: "active",
      openInvitations: 1,
    });
  });

  it("refuses a taken slug or host and bad input, and writes nothing", async () => {
    const admin = await platformAdminFixture();
    const before = await Promise.all(["tenants", "desks", "invitations", "audit_events"].map(count));
    const base = {
      name: "Dup",
      slug: t.slug,
      deskName: "Dup",
      deskSlug: "dup",
      hostname: "fresh-host.localhost",
      ownerEmail: "o@dup.test",
    };
    await expect(createTenant(admin, base)).rejects.toThrow(`The slug "${t.slug}" is taken.`);
    await expect(
      createTenant(admin, { ...base, slug: "fresh-slug-x", hostname: t.hostname }),
    ).rejects.toThrow(`The host ${t.hostname} already serves a desk.`);
    await expect(createTenant(admin, { ...base, slug: "Bad Slug!" })).rejects.toThrow(
      /^slug: Use 1-40 lower-case letters/,
    );
    await expect(createTenant(admin, { ...base, slug: "ok-slug", primaryColor: "red" })).rejects.toThrow(
      "primaryColor: Use a colour like #1f6feb.",
    );
    expect(await Promise.all(["tenants", "desks", "invitations", "audit_events"].map(count))).toEqual(before);
  });

  it("a suspended tenant's hosts refuse with a clear message and its users cannot sign in; reactivation restores it", async () => {
    const admin = await platformAdminFixture();
    const s = await tenantFixture("suspend");
    await expect(suspendTenant(admin, s.tenantId, "")).rejects.toThrow(
      "reason: Give a reason (at least 3 characters).",
    );
    await suspendTenant(admin, s.tenantId, "unpaid invoices");
    await expect(deskForHost(s.hostname)).rejects.toMatchObject({
      code: "TENANT_SUSPENDED",
      message: "Firm suspend is suspended on PropDesk. Please contact the firm.",
    });
    await expect(suspendTenant(admin, s.tenantId, "again")).rejects.toThrow(
      "Firm suspend is already suspended.",
    );
    await reactivateTenant(admin, s.tenantId);
    expect((await deskForHost(s.hostname)).tenantId).toBe(s.tenantId);
  });

  it("an unknown or malformed host is refused clearly", async () => {
    await expect(deskForHost("nobody.localhost")).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: 'No desk is configured for the host "nobody.localhost".',
    });
    await expect(deskForHost("bad host/..")).rejects.toMatchObject({ code: "VALIDATION" });
  });
});

describe("staff invitations", () => {
  it("an owner invites a risk user limited to one desk; the link works once and shows in the console until used", async () => {
    const owner = await signIn(t, t.owner.email);
    const inv = await inviteStaff(owner.principal, t.hostname, {
      email: "Risky@Firm.Test",
      role: "risk",
      desks: [t.deskId],
    });
    const listing = await listStaffAndInvitations(owner.principal, t.hostname);
    expect(listing.invitations.find((i) => i.id === inv.id)).toMatchObject({
      email: "risky@firm.test",
      role: "risk",
      deskIds: [t.deskId],
      link: inv.link,
    });
    await expect(
      inviteStaff(owner.principal, t.hostname, { email: "risky@firm.test", role: "risk", desks: "all" }),
    ).rejects.toThrow(/already has an open invitation/);

    const token = inv.link.split("/invite/")[1]!;
    await expect(
      acceptInvitation(t.tenantId, token, { name: "R", password: "short", confirmPassword: "short" }),
    ).rejects.toThrow("password: Use at least 12 characters.");
    await acceptInvitation(t.tenantId, token, {
      name: "Rita Risk",
      password: testPassword,
      confirmPassword: testPassword,
    });
    await expect(
      acceptInvitation(t.tenantId, token, {
        name: "Again",
        password: testPassword,
        confirmPassword: testPassword,
      }),
    ).rejects.toThrow("This invitation was already accepted. Sign in instead.");
    const risk = await signIn(t, "risky@firm.test");
    expect(risk.principal).toMatchObject({ role: "risk", deskIds: [t.deskId] });
    await expect(
      inviteStaff(risk.principal, t.hostname, { email: "x@y.test", role: "read_only", desks: "all" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("nobody grants more than they may: desk managers cannot create owners or finance users", async () => {
    const dm = await staffFixture(t, "desk_manager");
    const s = await signIn(t, dm.email);
    await expect(
      inviteStaff(s.principal, t.hostname, { email: "boss@x.test", role: "owner", desks: "all" }),
    ).rejects.toThrow("As desk manager you cannot invite someone as owner.");
    await expect(
      inviteStaff(s.principal, t.hostname, { email: "money@x.test", role: "finance", desks: "all" }),
    ).rejects.toThrow(/cannot invite someone as finance/);
    const ok = await inviteStaff(s.principal, t.hostname, {
      email: "helper@x.test",
      role: "support",
      desks: "all",
    });
    await revokeInvitation(s.principal, ok.id);
    await expect(previewInvitation(t.tenantId, ok.link.split("/invite/")[1]!)).rejects.toThrow(
      "This invitation was revoked. Ask for a new one.",
    );
  });

  it("refuses a malformed or unknown invitation token", async () => {
    await expect(previewInvitation(t.tenantId, "../../etc")).rejects.toThrow(
      "invitation: This invitation link is malformed.",
    );
    await expect(previewInvitation(t.tenantId, "A".repeat(43))).rejects.toThrow(
      "This invitation link is not valid. Ask for a new one.",
    );
  });

  it("an owner demotes another owner and the change applies to their very next request", async () => {
    const second = await staffFixture(t, "owner");
    const other = await signIn(t, second.email);
    const demoted = await signIn(t, t.owner.email);
    await changeStaffRole(other.principal, t.owner.userId, { role: "read_only", desks: [t.deskId] });
    const { resolveStaffSession } = await import("../auth/staff-auth");
    expect((await resolveStaffSession(t.tenantId, demoted.token)).principal).toMatchObject({
      role: "read_only",
      deskIds: [t.deskId],
    });
    await expect(
      changeStaffRole(other.principal, other.principal.userId, { role: "read_only", desks: "all" }),
    ).rejects.toThrow("You cannot change your own role.");
  });
});
