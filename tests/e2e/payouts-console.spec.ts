import { readFile } from "node:fs/promises";
import { expect, type Page, test } from "@playwright/test";
import { payoutDemo } from "../../packages/services/src/payouts/payout-demo";
import { demoPassword, demoTotpSecrets, signInStaff, signOut, url } from "./support";

/**
 * Finance's side of a bank wire payout: batch approval from the queue by two approvers, batch
 * disbursement with its progress, the wire file exported, a confirmation with a wrong amount refused
 * row by row, the right one imported; the ledger explorer shows the payout's transfers and a
 * balanced ledger; a parallel run against another system's file lists the differences.
 */
const atlas = "atlas.localhost";

async function approveSelected(page: Page, reference: string) {
  await page.goto(url(atlas, "/console/payouts?status=pending_approval"));
  await page.getByRole("checkbox", { name: `Select ${reference}` }).check();
  await page.getByRole("button", { name: "Approve selected" }).click();
  await expect(page.getByRole("heading", { name: "Approval of 1 payout" })).toBeVisible();
  await expect(page.getByText("1 succeeded, 0 failed.", { exact: false })).toBeVisible({ timeout: 60_000 });
}

test("bank wire payouts from the console: batch approval and disbursement, wire file, bank confirmation, ledger", async ({
  page,
}) => {
  test.setTimeout(240_000);
  page.setDefaultTimeout(30_000);
  await page.goto(url(atlas, "/portal/login"));
  await page.getByLabel("E-mail").fill(payoutDemo.trader.email);
  await page.getByLabel("Password").fill(demoPassword);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "My challenges" })).toBeVisible();
  await page.goto(url(atlas, "/portal/payouts"));
  const card = page
    .getByRole("region", { name: /Payout from / })
    .filter({ hasText: "Payout available" })
    .first();
  await expect(card).toBeVisible();
  const bank = (await card.locator("option", { hasText: "Barclays current account" }).getAttribute("value"))!;
  await card.getByLabel("Pay to").selectOption(bank);
  await card.getByLabel(/I confirm a payout of/).check();
  await card.getByRole("button", { name: /Request payout of/ }).click();
  const requested = page.getByText(/Payout PO-[2-9A-Z]{8} requested\./);
  await expect(requested).toBeVisible();
  const reference = /PO-[2-9A-Z]{8}/.exec((await requested.textContent()) ?? "")![0];
  await page.getByRole("button", { name: "Sign out" }).click();

  // Approval through the queue's batch approval: by two different users when the amount is above
  // the desk's threshold, by one otherwise.
  await signInStaff(
    page,
    atlas,
    "finance@atlas.localhost",
    demoPassword,
    demoTotpSecrets["finance@atlas.localhost"],
  );
  await page.goto(url(atlas, "/console/payouts?status=pending_approval"));
  const row = page.getByRole("row", { name: new RegExp(reference) });
  const needed = /0 of (\d)/.exec((await row.textContent()) ?? "")![1];
  await approveSelected(page, reference);
  await signOut(page);
  await signInStaff(
    page,
    atlas,
    "owner@atlas.localhost",
    demoPassword,
    demoTotpSecrets["owner@atlas.localhost"],
  );
  if (needed === "2") await approveSelected(page, reference);
  await page.goto(url(atlas, "/console/payouts?status=approved"));
  await page.getByRole("checkbox", { name: `Select ${reference}` }).check();
  await page.getByRole("button", { name: "Disburse selected" }).click();
  await expect(page.getByRole("heading", { name: "Disbursement of 1 payout" })).toBeVisible();
  await expect(page.getByText("1 succeeded, 0 failed.", { exact: false })).toBeVisible({ timeout: 60_000 });

  // The wire file for the bank.
  await page.goto(url(atlas, "/console/payouts/bank-wires"));
  const waiting = page
    .getByRole("row")
    .filter({ hasText: "USD" })
    .filter({ has: page.getByRole("button", { name: "Export wire file" }) });
  await waiting.getByRole("button", { name: "Export wire file" }).click();
  await expect(page.getByText(/Wire file WB-[2-9A-Z]{8} created: 1 payment/)).toBeVisible();
  const fileRow = page
    .getByRole("row")
    .filter({ hasText: /WB-[2-9A-Z]{8}-USD/ })
    .first();
  const [download] = await Promise.all([page.waitForEvent("download"), fileRow.getByRole("link").click()]);
  const wire = await readFile((await download.path())!, "utf8");
  const [header, line] = wire.trim().split("\r\n");
  expect(header).toContain("end_to_end_id,beneficiary_name,beneficiary_iban");
  const cells = line!.split(",");
  expect(cells[0]).toBe(`${reference}-1`);
  expect(cells[2]).toBe("GB29NWBK60161331926819");
  const amount = cells[4]!;

  // The bank's confirmation: a wrong amount is refused with its line, then the right file is taken.
  const upload = async (csv: string) => {
    await page.goto(url(atlas, "/console/payouts/bank-wires"));
    await page
      .getByRole("row")
      .filter({ hasText: /WB-[2-9A-Z]{8}-USD/ })
      .first()
      .locator('input[type="file"]')
      .setInputFiles({ name: "bank-confirmation.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    await page.getByRole("button", { name: "Import" }).first().click();
  };
  await upload(
    `end_to_end_id,status,amount,currency,value_date,bank_reference\r\n${reference}-1,ACSC,1.00,USD,2026-03-02,BANK-1\r\n`,
  );
  await expect(page.getByRole("alert").first()).toContainText(
    `line 2, column "amount": is 1.00, the payment was for ${amount}`,
  );
  await upload(
    `end_to_end_id,status,amount,currency,value_date,bank_reference\r\n${reference}-1,ACSC,${amount},USD,2026-03-02,BANK-1\r\n`,
  );
  await expect(
    page.getByText(/Confirmation for WB-[2-9A-Z]{8} imported: 1 paid, 0 rejected\./),
  ).toBeVisible();
  await page.goto(url(atlas, "/console/payouts?status=paid"));
  await page.getByRole("link", { name: reference }).click();
  await expect(page.locator(".page-header .badge")).toHaveText("paid");

  // The ledger: balanced, and the payout's transfers found by its id.
  const payoutId = new URL(page.url()).pathname.split("/").pop()!;
  await page.goto(url(atlas, `/console/ledger?ref=${payoutId}`));
  await expect(page.getByText(/^Balanced: debits/)).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: `payout:${payoutId}:profit_share` })).toContainText(
    "posted",
  );
  await expect(page.getByRole("row").filter({ hasText: `payout:${payoutId}:attempt:1` })).toContainText(
    "posted",
  );

  // A parallel run: the old system paid this trader a different amount on the same day.
  await page.goto(url(atlas, "/console/reconciliation"));
  const today = new Date().toISOString().slice(0, 10);
  const other = `trader_email,type,reference,amount,currency,date\r\n${payoutDemo.trader.email},withdrawal,,1.00,USD,${today}\r\n`;
  const form = page.locator("form").filter({ has: page.getByLabel("Other system") });
  await form.getByLabel("Other system").fill("Old CRM");
  await form
    .locator('input[type="file"]')
    .setInputFiles({ name: "old-crm.csv", mimeType: "text/csv", buffer: Buffer.from(other) });
  await form.getByRole("button", { name: "Compare", exact: true }).click();
  await expect(page.getByRole("heading", { name: /Old CRM vs PropDesk/ })).toBeVisible();
  const trader = page.getByRole("row").filter({ hasText: payoutDemo.trader.email });
  // The per-trader totals and the record that differs in amount, same day.
  await expect(trader.filter({ hasText: "1.00 USD" }).first()).toBeVisible();
  await expect(trader.filter({ hasText: /^.*payout.*amount.*$/ })).toHaveCount(1);
});
