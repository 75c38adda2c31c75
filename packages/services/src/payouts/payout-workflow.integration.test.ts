import { dataLayer, ledger, payouts } from "@propdesk/db";
import { AdvisoryClaims } from "@propdesk/db/listen-payload";
import { closeSqlLayer } from "@propdesk/db/sql-unit-of-work";
import { AppError } from "@propdesk/domain";
import { reconciliationCsvColumns } from "@propdesk/domain/reconciliation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyKycDecision } from "../kyc/kyc-verification";
import { trialBalanceOf } from "../ledger/ledger-balances";
import { setStripeApiBase } from "../payments/stripe/stripe-client";
import { connectStripe } from "../payments/stripe/stripe-connection";
import type { SimulatorPlatform } from "../platforms/simulator/simulator-platform";
import {
  processReconciliationRun,
  reconciliationCsv,
  reconciliationReport,
  requestReconciliation,
} from "../reconciliation/reconciliation-runs";
import { CryptoRailStandIn } from "../testing/crypto-rail-standin";
import { signIn, staffFixture, type TenantFixture, tenantFixture } from "../testing/fixtures";
import { type FundedTrader, fundedTradersFixture } from "../testing/payout-fixtures";
import { registerConnectRoutes } from "../testing/stripe-connect-standin";
import { StripeStandIn } from "../testing/stripe-standin";
import { bankWireFile, exportBankWireBatch, importBankConfirmation } from "./bank-wire-batches";
import {
  approvePayout,
  connectCryptoRail,
  payoutDetail,
  rejectPayout,
  saveApprovalThreshold,
  saveBankOriginator,
  saveDestinationCooloff,
} from "./payout-admin";
import { addPayoutDestination } from "./payout-destinations";
import { reducePlatformBalancesFor } from "./payout-platform";
import { cancelPayout, payoutPreviews, requestPayout, traderPayoutHistory } from "./payout-requests";
import { payoutRunProgress, processPayoutRun, startPayoutRun } from "./payout-runs";

let t: TenantFixture;
let sim: SimulatorPlatform;
let funded: FundedTrader[];
const crypto = new CryptoRailStandIn();
const stripe = new StripeStandIn();
const connect = registerConnectRoutes(stripe);
let financeA: Awaited<ReturnType<typeof signIn>>;
let financeB: Awaited<ReturnType<typeof signIn>>;
let owner: Awaited<ReturnType<typeof signIn>>;
let platformAccount: ReturnType<StripeStandIn["addAccount"]>;

const tron = (n: number) => `T${"A".repeat(32)}${n}`;
const later = (hours: number) => new Date(Date.now() + hours * 3_600_000);
/** A USDC wallet on Ethereum; `byte` (two hex digits) makes its address. */
const usdcWallet = (trader: Parameters<typeof addPayoutDestination>[0], label: string, byte: string) =>
  addPayoutDestination(trader, {
    rail: "crypto",
    label,
    chain: "ethereum",
    asset: "USDC",
    address: `0x${byte.repeat(20)}`,
  });

beforeAll(async () => {
  t = await tenantFixture("payouts");
  const f = await fundedTradersFixture(t, { wanted: 4, traders: 16, seed: 21 });
  sim = f.sim;
  funded = f.funded;
  owner = await signIn(t, t.owner.email);
  financeA = await signIn(t, (await staffFixture(t, "finance")).email);
  financeB = await signIn(t, (await staffFixture(t, "finance")).email);
  await crypto.listen();
  const key = crypto.addApiKey();
  await connectCryptoRail(owner.principal, { endpointUrl: crypto.url, apiKey: key });
  await stripe.listen();
  setStripeApiBase(stripe.url);
  platformAccount = stripe.addAccount({ secretKey: "sk_test_payoutsfirm0001" });
  await connectStripe(owner.principal, {
    secretKey: "sk_test_payoutsfirm0001",
    webhookSecret: "whsec_payoutsfirm0001",
  });
  await saveBankOriginator(owner.principal, {
    name: "Firm Ltd",
    iban: "GB82 WEST 1234 5698 7654 32",
    bic: "WESTGB2L",
  });
  await saveApprovalThreshold(owner.principal, { deskId: t.deskId, currency: "USD", amount: "500.00" });
}, 180_000);

afterAll(async () => {
  await crypto.close();
  await stripe.close();
  setStripeApiBase(null);
  await closeSqlLayer();
});

async function codeOf(p: Promise<unknown>) {
  try {
    await p;
    return "ok";
  } catch (e) {
    return e instanceof AppError ? `${e.code}: ${e.message}` : String(e);
  }
}

describe("a funded trader's payout, end to end", () => {
  it("found funded simulated traders in profit", () => {
    expect(funded.length).toBe(4);
    for (const f of funded) expect(f.profit).toBeGreaterThan(0n);
  });

  it("refuses with the reason, then pays through crypto after two approvals, posting the ledger and reducing the platform balance", async () => {
    const f = funded[0]!;
    const [preview] = await payoutPreviews(f.trader);
    expect(preview).toMatchObject({ challengeId: f.challengeId, eligible: true, traderPct: "80" });
    // A destination added just now is in its cool-off: the request is refused and says until when.
    const dest = await addPayoutDestination(f.trader, {
      rail: "crypto",
      label: "My Tron wallet",
      chain: "tron",
      asset: "USDT",
      address: tron(1),
    });
    const refused = await codeOf(
      requestPayout(f.trader, {
        challengeId: f.challengeId,
        destinationId: dest.id,
        expectedTotal: preview!.totalInput,
      }),
    );
    expect(refused).toMatch(
      /^PRECONDITION_FAILED: This destination was added recently; it can be paid to from /,
    );
    const now = later(25);
    const payout = await requestPayout(
      f.trader,
      { challengeId: f.challengeId, destinationId: dest.id, expectedTotal: preview!.totalInput },
      { now },
    );
    expect(payout).toMatchObject({ status: "pending_approval", rail: "crypto", traderPct: "80" });
    expect(payout.traderShare).toBe((f.profit * 80n) / 100n);
    expect(payout.totalToTrader).toBe(payout.traderShare);
    expect(payout.requiredApprovals).toBe(payout.totalToTrader > 50_000n ? 2 : 1);
    // The same account cannot have a second payout in progress.
    expect(
      await codeOf(
        requestPayout(
          f.trader,
          { challengeId: f.challengeId, destinationId: dest.id, expectedTotal: preview!.totalInput },
          { now },
        ),
      ),
    ).toMatch(/PRECONDITION_FAILED: .*still in progress/);

    await approvePayout(financeA.principal, payout.id);
    if (payout.requiredApprovals === 2) {
      expect(await codeOf(approvePayout(financeA.principal, payout.id))).toMatch(
        /^CONFLICT: You already approved/,
      );
      await approvePayout(financeB.principal, payout.id);
    }
    expect(await codeOf(approvePayout(owner.principal, payout.id))).toMatch(/^ILLEGAL_TRANSITION: /);
    const run = await startPayoutRun(financeA.principal, { kind: "disburse", payoutIds: [payout.id] });
    // While another execution holds the run (a job run again beside the first), this one does nothing.
    const elsewhere = new AdvisoryClaims();
    expect(await elsewhere.tryClaim(`payout-run:${run.id}`, 0)).toBe(true);
    await processPayoutRun(t.tenantId, run.id, { now: () => now });
    expect(await payoutRunProgress(financeA.principal, run.id)).toMatchObject({ status: "queued", done: 0 });
    await elsewhere.close();
    await processPayoutRun(t.tenantId, run.id, { now: () => now });
    const progress = await payoutRunProgress(financeA.principal, run.id);
    expect(progress).toMatchObject({ status: "completed", total: 1, done: 1, succeeded: 1, failed: 0 });
    const detail = await payoutDetail(financeA.principal, payout.id);
    expect(detail.payout.status).toBe("paid");
    expect(detail.payout.attempts).toMatchObject([
      { attempt: 1, status: "paid", chain: "tron", address: tron(1) },
    ]);
    expect(detail.payout.attempts[0]!.txHash).toMatch(/^[0-9a-f]{64}$/);
    expect(detail.transfers.map((x) => `${x.kind}:${x.status}`)).toEqual([
      "trader_profit_share:posted",
      "trader_payout:posted",
    ]);
    expect(crypto.createdPerReference.get(`payout:${payout.id}:attempt:1`)).toBe(1);
    // The platform balance goes down by the profit taken out, once.
    const account = await dataLayer().withTenant(t.tenantId, (db) =>
      db.tradingAccount.findFirstOrThrow({ where: { id: f.tradingAccountId } }),
    );
    const before = sim.simulation.account(account.platformAccountId!).balance;
    await reducePlatformBalancesFor(t.tenantId, [payout.id]);
    await reducePlatformBalancesFor(t.tenantId, [payout.id]);
    expect(sim.simulation.account(account.platformAccountId!).balance).toBe(before - payout.balanceReduction);
    const history = await traderPayoutHistory(f.trader);
    expect(history.notices.map((n) => n.kind)).toEqual(
      expect.arrayContaining(["requested", "approved", "paid"]),
    );
    const tb = await dataLayer().withTenant(t.tenantId, (db) => trialBalanceOf(db, "USD"));
    expect(tb.balanced).toBe(true);
  });

  it("a failed rail attempt is voided, the trader told, and the retry pays exactly once", async () => {
    const f = funded[1]!;
    const dest = await addPayoutDestination(f.trader, {
      rail: "crypto",
      label: "Blocked wallet",
      chain: "tron",
      asset: "USDT",
      address: tron(2),
    });
    const good = await addPayoutDestination(f.trader, {
      rail: "crypto",
      label: "Good wallet",
      chain: "tron",
      asset: "USDT",
      address: tron(3),
    });
    crypto.failAddresses.add(tron(2));
    const now = later(25);
    const [preview] = await payoutPreviews(f.trader);
    const payout = await requestPayout(
      f.trader,
      { challengeId: f.challengeId, destinationId: dest.id, expectedTotal: preview!.totalInput },
      { now },
    );
    await approvePayout(financeA.principal, payout.id);
    if (payout.requiredApprovals === 2) await approvePayout(financeB.principal, payout.id);
    const run1 = await startPayoutRun(financeA.principal, { kind: "disburse", payoutIds: [payout.id] });
    await processPayoutRun(t.tenantId, run1.id, { now: () => now });
    expect(await payoutRunProgress(financeA.principal, run1.id)).toMatchObject({ failed: 1 });
    const failed = await payoutDetail(financeA.principal, payout.id);
    expect(failed.payout.status).toBe("failed");
    expect(failed.payout.failureReason).toMatch(/blocked by the provider's screening/);
    expect(failed.transfers.find((x) => x.kind === "trader_payout")?.status).toBe("voided");
    const notices = (await traderPayoutHistory(f.trader)).notices;
    expect(notices.find((n) => n.kind === "failed")?.message).toMatch(/Nothing was lost/);
    // The trader points it at another wallet; the retry is attempt 2.
    const { changePayoutDestination } = await import("./payout-requests");
    await changePayoutDestination(f.trader, { payoutId: payout.id, destinationId: good.id });
    const run2 = await startPayoutRun(financeA.principal, { kind: "disburse", payoutIds: [payout.id] });
    await processPayoutRun(t.tenantId, run2.id, { now: () => now });
    const paid = await payoutDetail(financeA.principal, payout.id);
    expect(paid.payout.status).toBe("paid");
    expect(paid.payout.attempts.map((a) => `${a.attempt}:${a.status}`)).toEqual(["1:failed", "2:paid"]);
    const payable = await dataLayer().withTenant(t.tenantId, (db) =>
      ledger.findPayables(db, "trader_payouts_payable", [payout.id]),
    );
    expect(payable[0]).toMatchObject({ debitsPosted: payout.totalToTrader, debitsPending: 0n });
  });

  it("bank wires go out as a file and are paid when the bank's confirmation is imported; bad rows are named", async () => {
    const f = funded[2]!;
    await saveDestinationCooloff(owner.principal, { deskId: t.deskId, hours: 0 });
    const dest = await addPayoutDestination(f.trader, {
      rail: "bank_wire",
      label: "Main account",
      accountHolder: "Jane Trader",
      iban: "DE89 3704 0044 0532 0130 00",
      bic: "COBADEFFXXX",
    });
    const [preview] = await payoutPreviews(f.trader);
    const payout = await requestPayout(f.trader, {
      challengeId: f.challengeId,
      destinationId: dest.id,
      expectedTotal: preview!.totalInput,
    });
    await approvePayout(financeA.principal, payout.id);
    if (payout.requiredApprovals === 2) await approvePayout(financeB.principal, payout.id);
    const run = await startPayoutRun(financeA.principal, { kind: "disburse", payoutIds: [payout.id] });
    await processPayoutRun(t.tenantId, run.id);
    const exported = await exportBankWireBatch(financeA.principal, { currency: "USD" });
    const file = await bankWireFile(financeA.principal, exported.id);
    const [header, row] = file.csv.trim().split("\r\n");
    expect(header).toBe(
      "end_to_end_id,beneficiary_name,beneficiary_iban,beneficiary_bic,amount,currency,remittance_information,requested_execution_date,debtor_name,debtor_iban,debtor_bic",
    );
    const e2e = `${payout.reference}-1`;
    expect(row).toContain(`${e2e},Jane Trader,DE89370400440532013000,COBADEFFXXX,`);
    const amount = row!.split(",")[4]!;
    const bad = `end_to_end_id,status,amount,currency,value_date,bank_reference\r\n${e2e},ACSC,1.00,USD,2026-03-02,BR1\r\nPO-NOPE-1,ACSC,1.00,USD,2026-03-02,BR2\r\n`;
    const err = await importBankConfirmation(financeA.principal, { batchId: exported.id, text: bad }).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(AppError);
    expect(err.issues.map((i: { message: string }) => i.message)).toEqual([
      `line 2, column "amount": is 1.00, the payment was for ${amount}`,
      `line 3, column "end_to_end_id": "PO-NOPE-1" is not a payment of batch ${exported.reference}`,
    ]);
    expect((await payoutDetail(financeA.principal, payout.id)).payout.status).toBe("disbursing");
    const good = `end_to_end_id,status,amount,currency,value_date,bank_reference\r\n${e2e},ACSC,${amount},USD,2026-03-02,BR1\r\n`;
    expect(
      await importBankConfirmation(financeA.principal, { batchId: exported.id, text: good }),
    ).toMatchObject({
      settled: 1,
      stillOpen: 0,
    });
    expect(
      await importBankConfirmation(financeA.principal, { batchId: exported.id, text: good }),
    ).toMatchObject({
      settled: 0,
      alreadyConfirmed: 1,
    });
    expect((await payoutDetail(financeA.principal, payout.id)).payout.status).toBe("paid");
  });

  it("an identity approval older than the desk allows is refused at payout and a new verification requested", async () => {
    const f = funded[3]!;
    const traderId = f.trader.traderId;
    const verifications = () =>
      dataLayer().withTenant(t.tenantId, (db) =>
        db.kycVerification.findMany({ where: { traderId }, orderBy: { createdAt: "asc" } }),
      );
    const [approved] = await verifications();
    // Older than 365 days both on the simulated platform's clock (January 2026) and on the wall clock.
    const stale = new Date(Date.UTC(2024, 5, 3));
    await dataLayer().withTenant(t.tenantId, (db) =>
      db.kycVerification.update({
        where: { tenantId_id: { tenantId: t.tenantId, id: approved!.id } },
        data: { approvedAt: stale, decidedAt: stale },
      }),
    );
    const dest = await usdcWallet(f.trader, "Old wallet", "cd");
    const [preview] = await payoutPreviews(f.trader, {});
    expect(preview!.reasons.map((r) => r.code)).toEqual(["kyc_expired"]);
    const request = () =>
      requestPayout(
        f.trader,
        { challengeId: f.challengeId, destinationId: dest.id, expectedTotal: preview!.totalInput },
        { now: later(25) },
      );
    const refused = await codeOf(request());
    expect(refused).toMatch(
      /^PRECONDITION_FAILED: A payout cannot be requested now\. Identity was verified on /,
    );
    expect(refused).toMatch(
      /Your identity verification is open: the Verification page shows the next step\.$/,
    );
    const after = await verifications();
    expect(after).toHaveLength(2);
    expect(after[1]).toMatchObject({ status: "pending", reason: "reverification" });
    // Asking again keeps the one open case; no payout was written either time.
    await codeOf(request());
    expect(await verifications()).toHaveLength(2);
    const written = await dataLayer().withTenant(t.tenantId, (db) =>
      db.payout.count({ where: { challengeId: f.challengeId } }),
    );
    expect(written).toBe(0);
    // Compliance approves the new case: the account is eligible again.
    await dataLayer().withTenant(t.tenantId, (db) =>
      applyKycDecision(db, after[1]!.id, {
        status: "approved",
        at: new Date(Date.UTC(2026, 0, 5)),
        by: "staff",
        byLabel: "compliance",
        cause: { type: "system", job: "test" },
      }),
    );
    expect((await payoutPreviews(f.trader, {}))[0]).toMatchObject({ eligible: true, reasons: [] });
  });

  it("rejecting an approved payout reverses its accruals; the trader may cancel one awaiting approval", async () => {
    const f = funded[3]!;
    const dest = await usdcWallet(f.trader, "w", "ab");
    const [preview] = await payoutPreviews(f.trader);
    const p1 = await requestPayout(f.trader, {
      challengeId: f.challengeId,
      destinationId: dest.id,
      expectedTotal: preview!.totalInput,
    });
    await cancelPayout(f.trader, { payoutId: p1.id });
    const p2 = await requestPayout(f.trader, {
      challengeId: f.challengeId,
      destinationId: dest.id,
      expectedTotal: preview!.totalInput,
    });
    await approvePayout(financeA.principal, p2.id);
    if (p2.requiredApprovals === 2) await approvePayout(financeB.principal, p2.id);
    expect(await codeOf(rejectPayout(financeB.principal, { payoutId: p2.id, reason: "" }))).toMatch(
      /^VALIDATION: reason: Say why/,
    );
    await rejectPayout(financeB.principal, { payoutId: p2.id, reason: "copy trading under review" });
    const d = await payoutDetail(financeA.principal, p2.id);
    expect(d.payout.status).toBe("rejected");
    expect(d.transfers.map((x) => x.kind)).toEqual(["trader_profit_share", "reversal"]);
    const payable = await dataLayer().withTenant(t.tenantId, (db) =>
      ledger.findPayables(db, "trader_payouts_payable", [p2.id]),
    );
    expect(payable[0]!.creditsPosted - payable[0]!.debitsPosted).toBe(0n);
    const statuses = await dataLayer().withTenant(t.tenantId, (db) =>
      payouts.listChallengePayouts(db, f.challengeId),
    );
    expect(statuses.map((p) => p.status)).toEqual(["cancelled", "rejected"]);

    // Then paid as a Stripe Connect transfer to the trader's connected account.
    const acct = connect.connectedAccount(platformAccount);
    await saveDestinationCooloff(owner.principal, { deskId: t.deskId, hours: 0 });
    expect(
      await codeOf(
        addPayoutDestination(f.trader, {
          rail: "stripe_connect",
          label: "Stripe",
          stripeAccountId: "acct_unknown1",
        }),
      ),
    ).toMatch(/not connected to the firm's Stripe/);
    const sd = await addPayoutDestination(f.trader, {
      rail: "stripe_connect",
      label: "Stripe",
      stripeAccountId: acct.id,
    });
    const p3 = await requestPayout(f.trader, {
      challengeId: f.challengeId,
      destinationId: sd.id,
      expectedTotal: preview!.totalInput,
    });
    await approvePayout(financeA.principal, p3.id);
    if (p3.requiredApprovals === 2) await approvePayout(financeB.principal, p3.id);
    const run = await startPayoutRun(financeA.principal, { kind: "disburse", payoutIds: [p3.id] });
    await processPayoutRun(t.tenantId, run.id);
    const paid = await payoutDetail(financeA.principal, p3.id);
    expect(paid.payout.status).toBe("paid");
    const transfer = stripe.get(paid.payout.attempts[0]!.railReference!)!;
    expect(transfer).toMatchObject({
      object: "transfer",
      amount: Number(p3.totalToTrader),
      currency: "usd",
      destination: acct.id,
      metadata: { propdesk_reference: `payout:${p3.id}:attempt:1` },
    });
    expect(stripe.requests.filter((r) => r.path === "/v1/transfers").map((r) => r.idempotencyKey)).toEqual([
      `payout:${p3.id}:attempt:1`,
    ]);
  });

  it("the day's reconciliation matches every payout at its rail and on the platform, and exports CSV", async () => {
    await reducePlatformBalancesFor(t.tenantId, null);
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const run = await requestReconciliation(owner.principal, {
      from: day(Date.now() - 86_400_000),
      to: day(Date.now() + 3 * 86_400_000),
      source: "stripe",
    });
    await processReconciliationRun(t.tenantId, run.id);
    const report = await reconciliationReport(owner.principal, run.id);
    expect(report.run.status).toBe("completed");
    const problems = report.lines.filter((l) => l.status !== "matched");
    expect(problems).toEqual([]);
    const byPair = (pair: string) => report.lines.filter((l) => l.pair === pair);
    // Four paid payouts: three crypto/Stripe/bank rail records and four balance reductions.
    expect(byPair("processor").map((l) => l.category)).toEqual(Array(4).fill("trader_payout"));
    expect(byPair("platform")).toHaveLength(4);
    expect(report.lines.every((l) => l.difference === 0n)).toBe(true);
    const csv = await reconciliationCsv(owner.principal, run.id);
    expect(csv.csv.split("\r\n")[0]).toBe(reconciliationCsvColumns.join(","));
    expect(csv.csv.trim().split("\r\n")).toHaveLength(1 + report.lines.length);

    // A platform adjustment nobody booked shows up as missing in the ledger, with its account.
    const f = funded[0]!;
    const account = await dataLayer().withTenant(t.tenantId, (db) =>
      db.tradingAccount.findFirstOrThrow({ where: { id: f.tradingAccountId } }),
    );
    await sim.adjustBalance(account.platformAccountId!, {
      idempotencyKey: "manual-bonus-1",
      amount: 5_000n,
      reason: "bonus",
    });
    // The simulator keeps its own (simulated) clock: the period spans it and today.
    const run2 = await requestReconciliation(owner.principal, {
      from: day(sim.now - 86_400_000),
      to: day(Date.now() + 3 * 86_400_000),
      source: "stripe",
    });
    await processReconciliationRun(t.tenantId, run2.id);
    const r2 = await reconciliationReport(owner.principal, run2.id, { problems: "1" });
    expect(r2.lines.map((l) => [l.pair, l.status, l.externalAmount, l.challengeId])).toEqual([
      ["platform", "missing_in_ledger", 5_000n, f.challengeId],
    ]);
  });
});
