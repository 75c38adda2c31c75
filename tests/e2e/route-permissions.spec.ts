import { expect, test } from "@playwright/test";
import { consoleRoutes } from "../../apps/web/app/lib/console-routes";
import { can, type StaffRole } from "../../packages/domain/src/access/permissions";
import { demoPassword, demoTotpSecrets, signInStaff, url } from "./support";

/**
 * Every role of the demo firm against every protected console page: the server answers 200 exactly
 * when the permission matrix allows it, 403 otherwise, and the sidebar offers only allowed pages.
 */
const demoStaff: Array<{ email: string; role: StaffRole; deskIds: string[] | null }> = [
  { email: "owner@atlas.localhost", role: "owner", deskIds: null },
  { email: "manager@atlas.localhost", role: "desk_manager", deskIds: null },
  { email: "risk@atlas.localhost", role: "risk", deskIds: ["atlas"] },
  { email: "compliance@atlas.localhost", role: "compliance", deskIds: null },
  { email: "finance@atlas.localhost", role: "finance", deskIds: null },
  { email: "support@atlas.localhost", role: "support", deskIds: ["nova"] },
  { email: "partners@atlas.localhost", role: "partner_manager", deskIds: null },
  { email: "readonly@atlas.localhost", role: "read_only", deskIds: null },
];

for (const s of demoStaff) {
  test(`${s.role}: console pages follow the permission matrix`, async ({ page }) => {
    await signInStaff(page, "atlas.localhost", s.email, demoPassword, demoTotpSecrets[s.email]);
    const nav = page.getByRole("navigation", { name: "Console" });
    for (const route of consoleRoutes) {
      const allowed =
        route.permission === null || can({ role: s.role, deskIds: s.deskIds }, route.permission);
      const status = await page.evaluate(
        async (path) => (await fetch(path, { redirect: "manual" })).status,
        route.path,
      );
      expect(status, `${s.role} GET ${route.path}`).toBe(allowed ? 200 : 403);
      if (route.nav)
        await expect(
          nav.getByRole("link", { name: route.label, exact: true }),
          `${s.role} sidebar ${route.label}`,
        ).toHaveCount(allowed ? 1 : 0);
    }
  });
}

test("a signed-out visitor is sent to sign in, keeping where they were going", async ({ page }) => {
  await page.goto(url("atlas.localhost", "/console/audit?action=staff."));
  await expect(page).toHaveURL(
    url("atlas.localhost", "/console/login?next=%2Fconsole%2Faudit%3Faction%3Dstaff."),
  );
  await page.getByLabel("E-mail").fill("readonly@atlas.localhost");
  await page.getByLabel("Password").fill(demoPassword);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(url("atlas.localhost", "/console/audit?action=staff."));
});
