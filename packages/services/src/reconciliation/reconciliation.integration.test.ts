import { challenges, dataLayer, payouts, reconciliation } from "@propdesk/db";
import { closeSqlLayer } from "@propdesk/db/sql-unit-of-work";
import { AppError } from "@propdesk/domain";
import { challengePurchasePostings, refundPostings } from "@propdesk/domain/ledger";
import { computePayout, parsePayoutTerms } from "@propdesk/domain/payouts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assignChallenge } from "../challenges/challenge-lifecycle";
import { postTransfers } from "../ledger/post-transfers";
import { saveDestinationCooloff } from "../payouts/payout-admin";
import { addPayoutDestination } from "../payouts/payout-destinations";
import { sweepPayoutsFor } from "../payouts/payout-sweep";
import { approvePayoutsInDb, reserveAttemptsInDb, settleAttemptsInDb } from "../payouts/payout-workflow";
import { outboxRows, traderFixture } from "../testing/challenge-fixtures";
import { signIn, type TenantFixture, tenantFixture } from "../testing/fixtures";
import { payoutProgram, storePayoutRequest } from "../testing/payout-fixtures";
import { installTestSimulator, runChallengeEffects } from "../testing/risk-fixtures";
import { financeTick } from "./finance-schedulers";
import { importParallelRun, parallelRunCsv, parallelRunReport } from "./parallel-runs";
import { processReconciliationRun, reconciliationReport, requestReconciliation } from "./reconciliation-runs";

let t: TenantFixture;
let owner: Awaited<ReturnType<typeof signIn>>;
let trader: Awaited<ReturnType<typeof traderFixture>>;
const at = "2026-03-10T10:00:00Z";

beforeAll(async () => {
  t = await tenantFixture("recon");
  owner = await signIn(t, t.owner.email);
  trader = await traderFixture(t, "recon");
  await dataLayer().withTenant(t.tenantId, (db) =>
    postTransfers(db, [
      ...challengePurchasePostings({
        orderId: "ord_a",
        paymentId: "pi_a",
        traderId: trader.traderId,
        currency: "USD",
        at,
        gross: 9_900n,
        processorFee: 317n,
      }),
      ...challengePurchasePostings({
        orderId: "ord_b",
        paymentId: "pi_b",
        traderId: trader.traderId,
        currency: "USD",
        at,
        gross: 54_900n,
      }),
      ...refundPostings({
        refundId: "re_b",
        orderId: "ord_b",
        paymentId: "pi_b",
        currency: "USD",
        at: "2026-03-11T10:00:00Z",
        amount: 5_000n,
        refundable: 54_900n,
      }),
    ]),
  );
});
afterAll(closeSqlLayer);

describe("reconciliation against an imported processor statement", () => {
  it("matches by reference, reports amounts that differ and records on one side only, with drill-down", async () => {
    const statement = [
      "id,reference,amount,currency,date,type",
      "txn_1,pi_a,99.00,USD,2026-03-10,charge",
      "txn_1f,pi_a,-3.17,USD,2026-03-10,fee",
      "txn_2,pi_b,549.00,USD,2026-03-10,charge",
      "txn_3,re_b,-55.00,USD,2026-03-11,refund",
      "txn_4,pi_zzz,120.00,USD,2026-03-12,charge",
    ].join("\n");
    const bad = await requestReconciliation(owner.principal, {
      from: "2026-03-01",
      to: "2026-04-01",
      source: "statement",
      statementCsv: "id,reference,amount,currency,date,type\nx,y,12.345,USD,2026-03-01,charge\n",
    }).catch((e) => e);
    expect(bad).toBeInstanceOf(AppError);
    expect(bad.message).toMatch(/line 2, column "amount": "12.345" is not an amount in USD/);
    const run = await requestReconciliation(owner.principal, {
      from: "2026-03-01",
      to: "2026-04-01",
      source: "statement",
      statementFileName: "march.csv",
      statementCsv: statement,
    });
    // Queued for the worker: first the platform records (challenges queue), then the matching.
    expect((await outboxRows(t.tenantId, "reconciliation.collect-platform")).length).toBe(1);
    await processReconciliationRun(t.tenantId, run.id);
    const report = await reconciliationReport(owner.principal, run.id);
    expect(report.run).toMatchObject({ status: "completed", matched: 3, mismatched: 1, missingInLedger: 1 });
    const byStatus = (s: string) => report.lines.filter((l) => l.status === s);
    expect(byStatus("mismatch")).toMatchObject([
      {
        category: "refund",
        ledgerAmount: -5_000n,
        externalAmount: -5_500n,
        difference: -500n,
        drill: { orderId: "ord_b" },
      },
    ]);
    expect(byStatus("missing_in_ledger")).toMatchObject([{ reference: "pi_zzz", externalAmount: 12_000n }]);
    expect(
      byStatus("matched")
        .map((l) => l.category)
        .sort(),
    ).toEqual(["charge", "charge", "processor_fee"]);
    const problems = await reconciliationReport(owner.principal, run.id, { problems: "1" });
    expect(problems.lines).toHaveLength(2);
  });
});

describe("parallel run", () => {
  it("compares another system's payouts and fees with ours, trader by trader", async () => {
    const csv = [
      "trader_email,type,reference,amount,currency,date",
      `${trader.email},Challenge fee,ord_a,99.00,USD,2026-03-10`,
      `${trader.email},challenge fee,ord_b,539.00,USD,2026-03-10`,
      `${trader.email},withdrawal,,250.00,USD,2026-03-15`,
    ].join("\n");
    const run = await importParallelRun(owner.principal, {
      from: "2026-03-01",
      to: "2026-04-01",
      sourceLabel: "Old CRM",
      fileName: "old-crm.csv",
      text: csv,
    });
    expect(run).toMatchObject({ importedRows: 3, matched: 1, differing: 1, onlyTheirs: 1, onlyOurs: 0 });
    const { view } = await parallelRunReport(owner.principal, run.id);
    expect(view.differing).toMatchObject([{ traderId: trader.email, fields: "amount", difference: "10.00" }]);
    expect(view.onlyInTheirs).toMatchObject([{ type: "payout", amount: "250.00 USD" }]);
    const file = await parallelRunCsv(owner.principal, run.id);
    expect(file.csv.split("\r\n")[1]).toMatch(/^differs:amount,/);
    await expect(
      importParallelRun(owner.principal, {
        from: "2026-03-01",
        to: "2026-04-01",
        sourceLabel: "Old CRM",
        text: "trader_email,type,amount,currency,date\nx@y.z,bonus,1.00,USD,2026-03-02\n",
      }),
    ).rejects.toThrow(/line 2, column "type": "bonus" is not one of/);
  });
});

describe("the worker's finance schedulers", () => {
  it("queue one reconciliation per firm for the previous day, whatever the number of ticks", async () => {
    const now = () => new Date(Date.UTC(2026, 2, 20, 3, 0));
    await financeTick({ log: console as never, now });
    await financeTick({ log: console as never, now });
    const runs = await dataLayer().withTenant(t.tenantId, (db) => reconciliation.listRuns(db, 50));
    const scheduled = runs.filter((r) => r.trigger === "scheduled");
    expect(scheduled).toHaveLength(1);
    expect(scheduled[0]).toMatchObject({
      periodFrom: new Date("2026-03-19T00:00:00Z"),
      periodTo: new Date("2026-03-20T00:00:00Z"),
    });
    expect((await outboxRows(t.tenantId, "payouts.sweep")).length).toBeGreaterThanOrEqual(2);
  });

  it("the payout sweep tells the trader when the next payout window opens, once", async () => {
    installTestSimulator(3);
    const { programId } = await payoutProgram(t);
    await saveDestinationCooloff(owner.principal, { deskId: t.deskId, hours: 0 });
    const { challenge } = await assignChallenge(owner.principal, {
      traderId: trader.traderId,
      programId,
      reason: "sweep",
    });
    await runChallengeEffects(t.tenantId);
    const dest = await addPayoutDestination(trader.principal, {
      rail: "crypto",
      label: "w",
      chain: "tron",
      asset: "USDT",
      address: `T${"G".repeat(32)}1`,
    });
    const terms = parsePayoutTerms({
      currency: "USD",
      splitTiers: [{ traderPct: 80 }],
      minimumPayout: "0",
      firstPayoutDelayDays: 0,
      cycleDays: 1,
    });
    const a = computePayout(terms, {
      payoutNumber: 1,
      scalingLevel: 0,
      balance: 10_050_000n,
      profitBaseline: 10_000_000n,
      challengeFee: 0n,
      feeAlreadyRefunded: true,
    });
    const account = await dataLayer().withTenant(t.tenantId, (db) =>
      challenges.findTradingAccountByPhase(db, challenge.id, 0),
    );
    const p = await dataLayer().withTenant(t.tenantId, async (db) => {
      const row = await storePayoutRequest(db, {
        challengeId: challenge.id,
        tradingAccountId: account!.id,
        deskId: t.deskId,
        traderId: trader.traderId,
        destinationId: dest.id,
        rail: "crypto",
        payoutNumber: 1,
        reference: "PO-SWEEP01",
        amounts: a,
      });
      const who = { userId: owner.principal.userId, label: owner.principal.email, access: owner.principal };
      await approvePayoutsInDb(db, who, [row.id], new Date());
      await reserveAttemptsInDb(db, { type: "system", label: "test" }, [row.id], new Date());
      await settleAttemptsInDb(
        db,
        { type: "system", label: "test" },
        [
          {
            payoutId: row.id,
            attempt: 1,
            outcome: { status: "paid", railReference: "wd-1", response: null },
          },
        ],
        new Date(),
      );
      return row;
    });
    const later = new Date(Date.now() + 3 * 86_400_000);
    // The simulator's clock rules simulator accounts: move it past the window.
    installTestSimulator(3, later.getTime());
    const first = await sweepPayoutsFor(t.tenantId, later);
    const second = await sweepPayoutsFor(t.tenantId, later);
    expect(first.cyclesOpened).toBe(1);
    expect(second.cyclesOpened).toBe(0);
    const notices = await dataLayer().withTenant(t.tenantId, (db) =>
      payouts.listTraderNotices(db, trader.traderId, 20),
    );
    expect(notices.filter((n) => n.kind === "cycle_open" && n.payoutId === p.id)).toHaveLength(1);
    expect((await outboxRows(t.tenantId, "payouts.platform-actions")).length).toBeGreaterThanOrEqual(2);
  });
});
