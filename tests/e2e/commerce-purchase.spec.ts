import { expect, type Page, test } from "@playwright/test";
import { demoPassword, demoTotpSecrets, port, signInStaff, url } from "./support";

/**
 * Selling challenges end to end: the desk's pricing page, a coupon, Stripe's hosted checkout (the
 * local Stripe stand-in) and its signed webhook, KYC through the vendor's page and signed
 * callback, sanctions review, disputes and refunds. The stand-ins run next to the e2e server
 * (scripts/e2e-server.mjs) on E2E_PORT + 5 (Stripe) and + 6 (KYC).
 */
const stripeStandIn = `http://127.0.0.1:${port + 5}`;

async function signUp(page: Page, host: string, name: string) {
  const email = `${name.toLowerCase().replace(/[^a-z]+/g, ".")}-${Date.now()}@example.test`;
  await page.goto(url(host, "/portal/register"));
  await page.getByLabel("Full name (as on your ID)").fill(name);
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Country of residence").selectOption("DE");
  await page.getByLabel("Your time zone").selectOption("Europe/Berlin");
  await page.getByLabel("Password", { exact: true }).fill("a long trader passphrase");
  await page.getByLabel("Repeat the password").fill("a long trader passphrase");
  await page.getByLabel("I accept the terms and the risk disclosure.").check();
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { name: "My challenges" })).toBeVisible();
  return email;
}

/** From the pricing page through Stripe's page back to the receipt; returns the order's path. */
async function buy(
  page: Page,
  host: string,
  product: string,
  opts: { coupon?: string; total?: string } = {},
) {
  await page.goto(url(host, "/pricing"));
  await page.getByRole("link", { name: `Buy ${product}` }).click();
  await expect(page.getByRole("heading", { name: product })).toBeVisible();
  if (opts.coupon) {
    await page.getByLabel("Coupon or promo code").fill(opts.coupon);
    await page.getByRole("button", { name: "Update price" }).click();
    await expect(page.getByText(`Code ${opts.coupon}`)).toBeVisible();
  }
  if (opts.total) await expect(page.getByTestId("total")).toHaveText(opts.total);
  await page.getByRole("button", { name: /^Pay / }).click();
  // Stripe's hosted checkout page (the stand-in).
  await expect(page.getByRole("heading", { name: /^Pay / })).toBeVisible();
  if (opts.total) await expect(page.getByTestId("total")).toHaveText(opts.total);
  await page.getByRole("button", { name: /^Pay / }).click();
  await expect(page.getByRole("heading", { name: /^ORD-/ })).toBeVisible();
  await expect(page.getByText("Payment confirmed.")).toBeVisible({ timeout: 30_000 });
  return new URL(page.url()).pathname;
}

async function challengeStatus(page: Page, host: string, orderPath: string) {
  await page.goto(url(host, orderPath));
  const link = page.getByRole("status").getByRole("link").first();
  await link.click();
  return page;
}

test("a trader buys a challenge with a coupon, passes KYC through the vendor's signed callback and sees it provisioned", async ({
  page,
}) => {
  await signUp(page, "atlas.localhost", "Greta Lindqvist");
  // Atlas: 549.00, WELCOME10 takes 10% off.
  const orderPath = await buy(page, "atlas.localhost", "Atlas Two-Step 100K", {
    coupon: "WELCOME10",
    total: "494.10 USD",
  });
  await expect(page.getByRole("status")).toContainText("kyc pending");
  await page.getByRole("link", { name: "verify your identity" }).click();
  await expect(page.getByRole("heading", { name: "Identity verification" })).toBeVisible();
  await expect(page.getByText(/waits for your verification/)).toBeVisible();
  await page.getByRole("button", { name: /Verify my identity|Continue verification/ }).click();
  // The KYC vendor's hosted page (the stand-in): the person submits documents; the vendor approves.
  await expect(page.getByRole("heading", { name: "Verify your identity" })).toBeVisible();
  await page.getByLabel("Date of birth").fill("1990-05-17");
  await page.getByRole("button", { name: "Submit documents" }).click();
  await expect(page.getByTestId("submitted")).toBeVisible();

  await expect(async () => {
    await page.goto(url("atlas.localhost", "/portal/verification"));
    await expect(page.getByText(/You are verified since/)).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 30_000 });
  await challengeStatus(page, "atlas.localhost", orderPath);
  await expect(page.locator(".badge").first()).toHaveText(/provisioned|active/, { timeout: 15_000 });

  // The receipt is in the purchase history.
  await page.getByRole("link", { name: "Purchases" }).click();
  await expect(page.getByRole("row", { name: /Atlas Two-Step 100K.*494\.10 USD.*paid/ })).toBeVisible();
});

test("a trader whose name is an altered SDN entry is stopped at review, and compliance sees the evidence", async ({
  page,
}) => {
  // OFAC consolidated list entry 9641 is "AL-SHANTI, Jamileh Abdullah".
  await signUp(page, "atlas.localhost", "Jamileh Al Shanti");
  await page.goto(url("atlas.localhost", "/pricing"));
  await page.getByRole("link", { name: "Buy Atlas One-Step 50K" }).click();
  await page.getByRole("button", { name: /^Pay / }).click();
  await expect(page.getByRole("alert")).toContainText("routine compliance review");

  await page.context().clearCookies();
  await signInStaff(page, "atlas.localhost", "compliance@atlas.localhost", demoPassword);
  await page.getByRole("link", { name: "Sanctions screening" }).click();
  await page.getByRole("link", { name: "Jamileh Al Shanti" }).click();
  const match = page.getByRole("region", { name: "Match AL-SHANTI, Jamileh Abdullah" });
  await expect(match).toContainText("OFAC consolidated list entry 9641");
  await expect(match.getByRole("table", { name: "Matched tokens" })).toContainText("jamileh");
  await match.getByLabel("Reason (what you compared)").fill("Name and nationality match the listing.");
  await match.getByRole("button", { name: "Confirm match" }).click();
  await expect(page.getByText("Match confirmed: purchases and payouts are blocked")).toBeVisible();
  await expect(page.locator(".page-header .badge")).toHaveText("confirmed match");
});

test("a dispute suspends the challenge and a lost dispute fails it as a chargeback; finance refunds another order", async ({
  page,
  request,
}) => {
  // Nova requires KYC only before the first payout: the challenge starts at once.
  await signUp(page, "nova.localhost", "Tomas Herrera");
  const orderPath = await buy(page, "nova.localhost", "Nova Futures Combine 50K", { total: "165.00 USD" });
  const state = await (await request.get(`${stripeStandIn}/__standin/state`)).json();
  const charge = (state.charges as Array<{ id: string; amount: number; created: number }>)
    .filter((c) => c.amount === 16_500)
    .sort((a, b) => b.created - a.created)[0]!;

  const dispute = await (
    await request.post(`${stripeStandIn}/__standin/charges/${charge.id}/dispute`, { data: {} })
  ).json();
  await expect(async () => {
    await challengeStatus(page, "nova.localhost", orderPath);
    await expect(page.locator(".badge").first()).toHaveText("suspended", { timeout: 1000 });
  }).toPass({ timeout: 30_000 });

  await request.post(`${stripeStandIn}/__standin/disputes/${dispute.id}/close`, {
    data: { outcome: "lost" },
  });
  await expect(async () => {
    await page.reload();
    await expect(page.locator(".badge").first()).toHaveText("failed", { timeout: 1000 });
  }).toPass({ timeout: 30_000 });
  await page.goto(url("nova.localhost", orderPath));
  await expect(page.locator(".page-header .badge")).toHaveText("charged back");

  // Finance refunds a second purchase from the console; Stripe confirms it.
  const second = await buy(page, "nova.localhost", "Nova Instant 25K", { total: "399.00 USD" });
  const orderId = second.split("/").pop()!;
  await page.context().clearCookies();
  await signInStaff(
    page,
    "atlas.localhost",
    "finance@atlas.localhost",
    demoPassword,
    demoTotpSecrets["finance@atlas.localhost"],
  );
  await page.goto(url("atlas.localhost", `/console/orders/${orderId}`));
  await page.getByLabel("Reason").fill("Customer asked within the cooling-off period.");
  await page.getByRole("button", { name: "Refund" }).click();
  await expect(page.getByText("Refund requested in full")).toBeVisible();
  await expect(async () => {
    await page.reload();
    await expect(page.locator(".page-header .badge")).toHaveText("refunded", { timeout: 1000 });
  }).toPass({ timeout: 30_000 });
  await expect(page.getByRole("row", { name: /Refund \(console\).*399\.00 USD.*succeeded/ })).toBeVisible();
});
