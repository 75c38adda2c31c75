/**
 * Payout amounts and refusals on real MT4 account histories (see shared/data/SOURCES.md): the
 * statements' own summaries are the expected values. Broker server time is taken as UTC.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseMoney } from "../money";
import { parseCsv } from "../reconciliation";
import { computePayout } from "./compute-payout";
import { checkPayoutEligibility, type PayoutEligibilityInput } from "./eligibility";
import { parsePayoutTerms } from "./payout-terms";
import { usdTermsJson } from "./test-terms";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");
const dataDir = process.env.PROPDESK_DATA_DIR ?? path.resolve(repoRoot, "../shared/data");
const accounts = path.join(dataDir, "accounts");

interface Statement {
  closedPnl: bigint;
  deposits: bigint;
  /** Balance operations (deposits > 0, withdrawals < 0) with their time as an ISO instant. */
  balanceOps: { at: string; amount: bigint }[];
  summary: Record<string, string>;
}

const mt4Time = (t: string) => `${t.slice(0, 10).replaceAll(".", "-")}T${t.slice(11)}Z`;

function load(file: string, summaryFile: string, currency: string): Statement {
  const [head, ...rows] = parseCsv(readFileSync(path.join(accounts, file), "utf8"));
  const col = (name: string) => head!.fields.indexOf(name);
  const [section, type, profit, commission, taxes, swap, openTime] = [
    "section",
    "type",
    "profit",
    "commission",
    "taxes",
    "swap",
    "open_time",
  ].map(col);
  let closedPnl = 0n;
  let deposits = 0n;
  const balanceOps: Statement["balanceOps"] = [];
  for (const { fields: f } of rows) {
    if (f[section!] !== "Closed Transactions") continue;
    const money = (i: number) => parseMoney(f[i] || "0", currency);
    if (f[type!] === "balance") {
      const amount = money(profit!);
      if (amount > 0n) deposits += amount;
      balanceOps.push({ at: mt4Time(f[openTime!]!), amount });
    } else if (f[type!] === "buy" || f[type!] === "sell")
      closedPnl += money(profit!) + money(commission!) + money(taxes!) + money(swap!);
  }
  const summary = JSON.parse(readFileSync(path.join(accounts, summaryFile), "utf8")).summary;
  return { closedPnl, deposits, balanceOps, summary };
}

const fromSummary = (s: string, currency: string) => parseMoney(s.replaceAll(" ", ""), currency);

describe.skipIf(!existsSync(accounts))("payouts on real MT4 statements", () => {
  it("statement A (USD): the closed P/L adds up to the statement's, and splits exactly", () => {
    const a = load("mt4_statement_A_usd_2026-01_2026-05_trades.csv", "mt4_statement_A_summary.json", "USD");
    expect(a.closedPnl).toBe(fromSummary(a.summary["Closed Trade P/L"]!, "USD"));
    const terms = parsePayoutTerms({ ...usdTermsJson, phaseProfitShare: null });
    const r = computePayout(terms, {
      payoutNumber: 1,
      scalingLevel: 0,
      balance: a.deposits + a.closedPnl,
      profitBaseline: a.deposits,
      challengeFee: 54_900n,
      feeAlreadyRefunded: false,
    });
    // 80 % of 172,705.68 = 138,164.544 → 138,164.54 for the trader, 34,541.14 for the firm.
    expect([r.grossProfit, r.traderShare, r.firmShare, r.totalToTrader]).toEqual([
      17_270_568n,
      13_816_454n,
      3_454_114n,
      13_816_454n + 54_900n,
    ]);
  });

  it("statement A: after its first withdrawal (taken as a payout) the next is 14 days later", () => {
    const a = load("mt4_statement_A_usd_2026-01_2026-05_trades.csv", "mt4_statement_A_summary.json", "USD");
    const first = a.balanceOps.find((o) => o.amount < 0n)!;
    expect(first.at).toBe("2026-04-01T13:10:26Z");
    const input: PayoutEligibilityInput = {
      terms: parsePayoutTerms({ ...usdTermsJson, consistency: null }),
      account: {
        status: "funded",
        firstFundedTradeAt: "2026-01-26T00:01:01Z",
        openPositions: 0,
        pendingOrders: 0,
        balance: 1_100_000n,
        profitBaseline: 1_000_000n,
        scalingLevel: 0,
      },
      payouts: { previousCount: 1, lastRequestedAt: first.at, inProgressId: null },
      kyc: { status: "approved", verifiedAt: "2026-01-20T00:00:00Z" },
      desk: { kycMaxAgeDays: 365 },
      cycleDailyProfits: [],
      challengeFee: 54_900n,
      feeAlreadyRefunded: true,
      compliance: { openFraudFlagIds: [], sanctionsMatch: false },
    };
    const r = checkPayoutEligibility(input, "2026-04-10T00:00:00Z");
    expect(r.eligible === false && r.reasons.map((x) => [x.code, x.availableAt])).toEqual([
      ["cycle_not_elapsed", "2026-04-15T13:10:26.000Z"],
    ]);
    expect(checkPayoutEligibility(input, "2026-04-15T13:10:26Z").eligible).toBe(true);
  });

  it("statement B (JPY, a losing account topped up): the whole loss must be recovered first", () => {
    const b = load("mt4_statement_B_jpy_2019-04_2020-05_trades.csv", "mt4_statement_B_summary.json", "JPY");
    expect(b.closedPnl).toBe(fromSummary(b.summary["Closed Trade P/L"]!, "JPY"));
    const balance = b.deposits + b.closedPnl;
    expect(balance).toBe(fromSummary(b.summary.Balance!, "JPY"));
    const terms = parsePayoutTerms({
      ...usdTermsJson,
      currency: "JPY",
      minimumPayout: "5000",
      scaling: null,
    });
    const r = computePayout(terms, {
      payoutNumber: 1,
      scalingLevel: 0,
      balance,
      profitBaseline: b.deposits,
      challengeFee: 15_000n,
      feeAlreadyRefunded: false,
    });
    expect([r.lossToRecover, r.grossProfit, r.traderShare, r.feeRefund]).toEqual([348_604n, 0n, 0n, 0n]);
  });
});
