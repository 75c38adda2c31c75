import { expect, test } from "@playwright/test";
import { demoPassword, url } from "./support";

/** The trader portal on the desk's host, in the desk's theme. */
test("a trader signs up on a desk, signs out and back in, and sees only their own challenges", async ({
  page,
}) => {
  const email = `newtrader-${Date.now()}@example.test`;
  await page.goto(url("nova.localhost"));
  await page.getByRole("link", { name: "Create an account" }).click();
  await expect(page.locator("html")).toHaveAttribute("style", /--brand:#7c3aed/);
  await page.getByLabel("Full name (as on your ID)").fill("Nina Newcomer");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Country of residence").selectOption("FR");
  await page.getByLabel("Your time zone").selectOption("Europe/Paris");
  await page.getByLabel("Password", { exact: true }).fill("nina newcomer passphrase");
  await page.getByLabel("Repeat the password").fill("nina newcomer passphrase");
  await page.getByRole("button", { name: "Create account" }).click();
  // Terms not accepted: the browser's own check stops the form; accept and retry.
  await page.getByLabel("I accept the terms and the risk disclosure.").check();
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { name: "My challenges" })).toBeVisible();
  await expect(page.getByText("You have no challenge yet.")).toBeVisible();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByText("You are signed out.")).toBeVisible();

  await page.goto(url("atlas.localhost", "/portal"));
  await expect(page).toHaveURL(url("atlas.localhost", "/portal/login?next=%2Fportal"));
  await page.getByLabel("E-mail").fill("trader@atlas.localhost");
  await page.getByLabel("Password").fill(demoPassword);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "My challenges" })).toBeVisible();
  const card = page.getByRole("link", { name: /Atlas Two-Step 100K/ });
  await expect(card).toContainText("100,000.00 USD");
  await card.click();
  await expect(page.getByRole("heading", { name: "Atlas Two-Step 100K" })).toBeVisible();
  const challengePath = new URL(page.url()).pathname;

  // Another trader's challenge is not found, not forbidden.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByText("You are signed out.")).toBeVisible();
  await page.goto(url("atlas.localhost", "/portal/login"));
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill("nina newcomer passphrase");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "My challenges" })).toBeVisible();
  const other = await page.goto(url("atlas.localhost", challengePath));
  expect(other?.status()).toBe(404);
});
