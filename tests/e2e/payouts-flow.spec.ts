import { expect, test } from "@playwright/test";
import { payoutDemo } from "../../packages/services/src/payouts/payout-demo";
import type { CryptoWithdrawal } from "../../packages/services/src/payouts/rails/crypto-rail";
import { demoPassword, demoTotpSecrets, port, signInStaff, signOut, url } from "./support";

/**
 * Issue 6, "done when": the demo's funded simulated trader (simulated through the live-risk
 * pipeline by the demo seed) is refused a payout with its reason, then requests an eligible one;
 * two finance users approve it, it is disbursed through the crypto rail, and the reconciliation
 * report shows it matched at the rail and on the trading platform.
 */

/** What the demo's crypto custody stand-in (started with the e2e server) has paid out. */
async function withdrawals(): Promise<CryptoWithdrawal[]> {
  const res = await fetch(`http://127.0.0.1:${port + 7}/__standin/state`);
  return ((await res.json()) as { withdrawals: CryptoWithdrawal[] }).withdrawals;
}

test("a funded trader's payout: refused with its reason, requested, approved twice, paid, reconciled", async ({
  page,
}) => {
  test.setTimeout(240_000);
  const atlas = "atlas.localhost";
  await page.goto(url(atlas, "/portal/login"));
  await page.getByLabel("E-mail").fill(payoutDemo.trader.email);
  await page.getByLabel("Password").fill(demoPassword);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("navigation", { name: "Portal" }).getByRole("link", { name: "Payouts" }).click();
  await expect(page.getByRole("heading", { name: "Payouts" })).toBeVisible();

  // A funded account in profit, with the amounts shown before anything is requested.
  const card = page
    .getByRole("region", { name: /Payout from / })
    .filter({ hasText: "Payout available" })
    .first();
  await expect(card).toBeVisible();
  const table = card.getByRole("table", { name: "How the payout is computed" });
  await expect(table).toContainText("Trader share (80 %, rounded down)");
  await expect(table).toContainText("Total paid to the trader");
  const amount = (await card.getByRole("button", { name: /Request payout of/ }).textContent())!.replace(
    "Request payout of ",
    "",
  );

  // A wallet added just now is in its security cool-off: the request is refused, saying until when.
  const wallet = page.locator("form", { hasText: "Add a crypto wallet" });
  await wallet.getByLabel("Name").fill("New wallet");
  await wallet.getByLabel("Address").fill("TNewWa11etAddedJustNowXyz123456789");
  await wallet.getByRole("button", { name: "Add wallet" }).click();
  await expect(
    page.getByText(/New wallet added\. For your security it can receive payouts from/),
  ).toBeVisible();
  const fresh = page
    .getByRole("region", { name: /Payout from / })
    .filter({ hasText: "Payout available" })
    .first();
  const choose = async (section: typeof fresh, label: string) =>
    section
      .getByLabel("Pay to")
      .selectOption((await section.locator("option", { hasText: label }).getAttribute("value"))!);
  await choose(fresh, "New wallet");
  await fresh.getByLabel(/I confirm a payout of/).check();
  const before = await fresh.locator('input[name="_csrf"]').inputValue();
  await fresh.getByRole("button", { name: /Request payout of/ }).click();
  const refusal = page.getByRole("alert");
  // The page reloads its data after a refused form (fresh single-use form tokens).
  await expect.poll(() => fresh.locator('input[name="_csrf"]').inputValue()).not.toBe(before);
  await expect(refusal).toContainText("This payout cannot be requested now:");
  await expect(refusal).toContainText(
    /This destination was added recently; it can be paid to from \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\./,
  );

  // The wallet on the allow-list since days: the request goes through.
  const again = page
    .getByRole("region", { name: /Payout from / })
    .filter({ hasText: "Payout available" })
    .first();
  await choose(again, "Tron wallet");
  await again.getByLabel(/I confirm a payout of/).check();
  await again.getByRole("button", { name: `Request payout of ${amount}` }).click();
  const requested = page.getByText(/Payout PO-[2-9A-Z]{8} requested\./);
  await expect(requested).toBeVisible();
  const reference = /PO-[2-9A-Z]{8}/.exec((await requested.textContent()) ?? "")![0];
  await expect(page.getByRole("row", { name: new RegExp(reference) })).toContainText("awaiting approval");
  await page.getByRole("button", { name: "Sign out" }).click();

  // First approval: finance. Above the desk's threshold, a second, different approver is needed.
  await signInStaff(
    page,
    atlas,
    "finance@atlas.localhost",
    demoPassword,
    demoTotpSecrets["finance@atlas.localhost"],
  );
  await page.goto(url(atlas, "/console/payouts?status=pending_approval"));
  const row = page.getByRole("row", { name: new RegExp(reference) });
  await expect(row).toContainText(amount);
  await expect(row).toContainText("0 of 2");
  await expect(row).toContainText("First payout of this funded account.");
  await row.getByRole("link", { name: reference }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`${amount} to Frank Funded`);
  await expect(
    page.getByText(/Two approvals by different finance users: the amount is above the desk threshold/),
  ).toBeVisible();
  const payoutUrl = page.url();
  const payoutId = new URL(payoutUrl).pathname.split("/").pop()!;
  await page.getByRole("button", { name: "Approve" }).click();
  await expect(
    page.getByText(`${reference}: approval 1 of 2 recorded; a second finance user must approve it.`),
  ).toBeVisible();
  await expect(page.getByRole("button", { name: "Approve" })).toHaveCount(0);
  await signOut(page);

  // Second approval by the owner, then disbursement with its progress.
  await signInStaff(
    page,
    atlas,
    "owner@atlas.localhost",
    demoPassword,
    demoTotpSecrets["owner@atlas.localhost"],
  );
  await page.goto(payoutUrl);
  await page.getByRole("button", { name: "Approve" }).click();
  await expect(page.getByText(`${reference} approved (2 of 2).`)).toBeVisible();
  await page.getByRole("button", { name: "Disburse" }).click();
  await expect(page.getByRole("heading", { name: "Disbursement of 1 payout" })).toBeVisible();
  await expect(page.getByText("1 of 1", { exact: true })).toBeVisible({ timeout: 60_000 });
  await expect(page.getByText("1 succeeded, 0 failed.", { exact: false })).toBeVisible();
  await page.goto(payoutUrl);
  await expect(page.locator(".page-header .badge")).toHaveText("paid");
  await expect(page.getByText(/tron tx [0-9a-f]{64}/)).toBeVisible();
  const sent = (await withdrawals()).filter((w) => w.reference === `payout:${payoutId}:attempt:1`);
  expect(sent).toMatchObject([{ status: "confirmed", address: payoutDemo.wallet.address, asset: "USDT" }]);
  // The trading account's balance is reduced on the platform (a job on the live-risk process).
  await expect(async () => {
    await page.reload();
    await expect(page.getByText(/Trading account reduced by/)).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 90_000 });

  // The reconciliation of the period shows this payout matched at the rail and on the platform.
  await page.goto(url(atlas, "/console/reconciliation"));
  await page.getByLabel(/None \(payout rails and platforms only\)/).check();
  await page.getByRole("button", { name: "Run reconciliation" }).click();
  await expect(page.getByRole("heading", { name: /→/ })).toBeVisible();
  await expect(page.getByRole("link", { name: "Export lines (CSV)" })).toBeVisible({ timeout: 90_000 });
  const lines = page.getByRole("row").filter({ has: page.locator(`a[href="/console/payouts/${payoutId}"]`) });
  await expect(lines).toHaveCount(2);
  for (const line of await lines.all()) await expect(line.locator(".badge")).toHaveText("matched");
  await expect(lines.filter({ hasText: "trader payout" })).toHaveCount(1);
  await expect(lines.filter({ hasText: "platform adjustment" })).toHaveCount(1);
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Export lines (CSV)" }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^reconciliation-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
  const { readFile } = await import("node:fs/promises");
  const csv = await readFile((await download.path())!, "utf8");
  const ours = csv.split("\r\n").filter((l) => l.includes(payoutId));
  expect(ours).toHaveLength(2);
  for (const l of ours) expect(l.split(",")[1]).toBe("matched");
  await signOut(page);

  // The trader sees it paid, with the transaction, and when the next window opens.
  await page.goto(url(atlas, "/portal/login"));
  await page.getByLabel("E-mail").fill(payoutDemo.trader.email);
  await page.getByLabel("Password").fill(demoPassword);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "My challenges" })).toBeVisible();
  await page.goto(url(atlas, "/portal/payouts"));
  const paid = page.getByRole("row", { name: new RegExp(reference) });
  await expect(paid).toContainText("paid");
  await expect(paid).toContainText(/tx [0-9a-f]{64}/);
  await expect(page.getByRole("list", { name: "Payout messages" })).toContainText(
    `Payout ${reference} of ${amount} was sent`,
  );
});
