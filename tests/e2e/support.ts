import { expect, type Page } from "@playwright/test";
import { totpCode } from "../../packages/services/src/auth/totp";
import { demoPassword, demoPlatformAdmin, demoTotpSecrets } from "../../packages/services/src/demo/demo-seed";

export const port = Number(process.env.E2E_PORT ?? 3100);
export const url = (host: string, path = "/") => `http://${host}:${port}${path}`;
export { demoPassword, demoPlatformAdmin, demoTotpSecrets };

const used = new Map<string, Set<string>>();

/**
 * A TOTP code not used before in this run: the server refuses a replayed code, and accepts the
 * neighbouring 30-second step, so when the current code was used we take the next step's code.
 */
export async function freshCode(secret: string): Promise<string> {
  const seen = used.get(secret) ?? new Set<string>();
  used.set(secret, seen);
  for (;;) {
    for (const offset of [0, 30_000]) {
      const code = await totpCode(secret, new Date(Date.now() + offset));
      if (!seen.has(code)) {
        seen.add(code);
        return code;
      }
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
}

export async function signInStaff(
  page: Page,
  host: string,
  email: string,
  password: string,
  totpSecret?: string,
) {
  await page.goto(url(host, "/console/login"));
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  if (totpSecret) {
    await expect(page.getByRole("heading", { name: "Two-factor code" })).toBeVisible();
    await page.getByLabel("Code").fill(await freshCode(totpSecret));
    await page.getByRole("button", { name: "Verify" }).click();
  }
  await expect(page.getByRole("navigation", { name: "Console" })).toBeVisible();
}

export async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("heading", { name: "Staff sign-in" })).toBeVisible();
}
