import { expect, test } from "@playwright/test";
import { demoPassword, demoPlatformAdmin, freshCode, signInStaff, signOut, url } from "./support";

/**
 * The foundation walked as a new firm would: the platform creates the tenant, the owner accepts the
 * invitation, sets a password and two-factor, signs in on the desk's host in its theme, invites a
 * risk user limited to one desk, and the audit trail shows all of it; the risk user is refused
 * what the permission matrix forbids.
 */
test("a new firm from platform console to a desk-limited risk user", async ({ browser }) => {
  const suffix = Date.now().toString(36);
  const host = `orion-${suffix}.localhost`;
  const ownerEmail = `owner-${suffix}@orion.test`;
  const ownerPassword = "orion owner passphrase";

  // Platform admin creates the tenant.
  const admin = await browser.newPage();
  await admin.goto(url("admin.localhost", "/platform/login"));
  await admin.getByLabel("E-mail").fill(demoPlatformAdmin.email);
  await admin.getByLabel("Password").fill(demoPassword);
  await admin.getByRole("button", { name: "Sign in" }).click();
  await expect(admin.getByRole("heading", { name: "Tenants" })).toBeVisible();
  await admin.getByRole("link", { name: "New tenant" }).first().click();
  await admin.getByLabel("Firm name").fill("Orion Capital");
  await admin.getByLabel("Slug", { exact: true }).fill(`orion-${suffix}`);
  await admin.getByLabel("Desk brand name").fill("Orion Funded");
  await admin.getByLabel("Desk slug").fill("orion");
  await admin.getByLabel("Domain").fill(host);
  await admin.getByLabel("Primary colour").fill("#c2410c");
  await admin.getByLabel("Owner's e-mail").fill(ownerEmail);
  await admin.getByRole("button", { name: "Create tenant" }).click();
  await expect(admin.getByText("Tenant created.")).toBeVisible();
  const invitationLink = await admin.getByLabel("Link to copy").inputValue();
  expect(invitationLink).toMatch(new RegExp(`^http://${host}:\\d+/invite/`));
  await expect(admin.getByRole("row", { name: /Orion Capital/ })).toContainText("active");

  // The owner accepts on the desk host, sets a password and is sent to set up two-factor.
  const ownerContext = await browser.newContext();
  const owner = await ownerContext.newPage();
  await owner.goto(invitationLink);
  await expect(owner.getByRole("heading", { name: "Join Orion Capital" })).toBeVisible();
  await expect(owner.getByText("This role requires two-factor authentication")).toBeVisible();
  await owner.getByLabel("Your name").fill("Orla Owner");
  await owner.getByLabel("Password", { exact: true }).fill(ownerPassword);
  await owner.getByLabel("Repeat the password").fill(ownerPassword);
  await owner.getByRole("button", { name: "Create my account" }).click();
  await expect(owner).toHaveURL(url(host, "/console/security"));
  await expect(
    owner.getByText("Your role requires two-factor authentication before you can use the console."),
  ).toBeVisible();
  // Until two-factor is on, the console offers nothing else.
  await expect(owner.getByRole("navigation", { name: "Console" }).getByRole("link")).toHaveText(["Security"]);
  const secret = (await owner.getByTestId("totp-secret").textContent())!.trim();
  await owner.getByLabel("Code from the app").fill(await freshCode(secret));
  await owner.getByRole("button", { name: "Turn on two-factor" }).click();
  await expect(owner.getByText("Two-factor authentication is on.")).toBeVisible();

  // Sign out, sign in again with password and code, on the desk host and in its theme.
  await signOut(owner);
  await expect(owner.locator("html")).toHaveAttribute("style", /--brand:#c2410c/);
  await expect(owner.locator(".brand-mark")).toContainText("Orion Funded");
  await signInStaff(owner, host, ownerEmail, ownerPassword, secret);
  await expect(owner.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  await expect(owner.getByRole("row", { name: /Orion Funded/ })).toContainText(host);

  // The owner invites a risk user limited to the one desk.
  await owner.getByRole("link", { name: "Staff", exact: true }).click();
  await expect(owner.getByRole("heading", { name: "Staff", exact: true })).toBeVisible();
  const riskEmail = `risk-${suffix}@orion.test`;
  await owner.getByLabel("E-mail").fill(riskEmail);
  await owner.getByLabel("Role").last().selectOption("risk");
  await owner.locator("#invite-some").check();
  await owner.getByRole("checkbox", { name: "Orion Funded" }).last().check();
  await owner.getByRole("button", { name: "Create invitation" }).click();
  await expect(owner.getByText(`Invitation created for ${riskEmail}`)).toBeVisible();
  const riskLink = await owner.getByLabel("Link to copy").inputValue();
  await expect(owner.getByRole("row", { name: new RegExp(riskEmail) })).toContainText("Orion Funded");

  // The audit trail shows every step.
  await owner.getByRole("link", { name: "Audit trail" }).click();
  for (const action of [
    "platform.tenant_created",
    "staff.invitation_accepted",
    "auth.two_factor_enabled",
    "auth.logout",
    "auth.login",
    "staff.invited",
  ]) {
    await expect(owner.getByRole("cell", { name: action, exact: true }).first()).toBeVisible();
  }
  const download = owner.waitForEvent("download");
  await owner.getByRole("link", { name: "Export CSV" }).click();
  const csv = await (await download).createReadStream();
  const chunks: Buffer[] = [];
  for await (const c of csv) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  expect(text.split("\r\n")[0]).toBe(
    "seq,occurred_at,actor_type,actor_id,actor,desk_id,action,target_type,target_id,before,after,request_id,ip,user_agent,hash",
  );
  expect(text).toContain("staff.invited");

  // The risk user joins and is refused what the matrix forbids.
  const riskContext = await browser.newContext();
  const risk = await riskContext.newPage();
  await risk.goto(riskLink);
  await risk.getByLabel("Your name").fill("Ravi Risk");
  await risk.getByLabel("Password", { exact: true }).fill("ravi risk passphrase");
  await risk.getByLabel("Repeat the password").fill("ravi risk passphrase");
  await risk.getByRole("button", { name: "Create my account" }).click();
  await expect(risk.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  const nav = risk.getByRole("navigation", { name: "Console" });
  await expect(nav.getByRole("link", { name: "Staff" })).toHaveCount(0);
  await expect(nav.getByRole("link", { name: "Audit trail" })).toHaveCount(0);
  for (const path of ["/console/staff", "/console/audit"]) {
    const response = await risk.goto(url(host, path));
    expect(response?.status(), path).toBe(403);
    await expect(risk.getByRole("heading", { name: "Not allowed" })).toBeVisible();
  }
  const csvResponse = await risk.goto(url(host, "/console/audit.csv"));
  expect(csvResponse?.status()).toBe(403);
  expect(await csvResponse?.text()).toContain("Your role does not allow this: export the audit trail.");

  // The platform suspends the firm: its hosts refuse everyone with a clear message.
  await admin.goto(url("admin.localhost", "/platform"));
  const row = admin.getByRole("row", { name: /Orion Capital/ });
  await row.getByText("Suspend", { exact: true }).click();
  await row.getByLabel("Reason").fill("e2e suspension");
  await row.getByRole("button", { name: "Suspend Orion Capital" }).click();
  await expect(admin.getByText("Tenant suspended.")).toBeVisible();
  const refused = await risk.goto(url(host, "/console"));
  expect(refused?.status()).toBe(423);
  await expect(
    risk.getByText("Orion Capital is suspended on PropDesk. Please contact the firm."),
  ).toBeVisible();
});
