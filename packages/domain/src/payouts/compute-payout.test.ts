import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  computePayout,
  type PayoutContext,
  phaseProfitShareOf,
  splitProfit,
  traderPctFor,
} from "./compute-payout";
import { parsePayoutTerms } from "./payout-terms";
import { usdTermsJson } from "./test-terms";

const usd = parsePayoutTerms({ ...usdTermsJson, feeRefund: null, phaseProfitShare: null });
const ctx = (over: Partial<PayoutContext> = {}): PayoutContext => ({
  payoutNumber: 1,
  scalingLevel: 0,
  balance: 10_000_000n,
  profitBaseline: 10_000_000n,
  challengeFee: 54_900n,
  feeAlreadyRefunded: false,
  ...over,
});

describe("profit split: trader rounded down, firm gets the remainder", () => {
  it.each([
    ["80 % of 1,000.00", 100_000n, 0, 1, 80_000n, 20_000n],
    ["zero profit", 0n, 0, 1, 0n, 0n],
    ["one cent: trader 0, firm 0.01", 1n, 0, 1, 0n, 1n],
    ["80 % of 0.07 = 0.056 → 0.05", 7n, 0, 1, 5n, 2n],
    ["boundary: 90 % of 0.05 = 0.045 → 0.04 (half-up would give 0.05)", 5n, 1, 1, 4n, 1n],
    ["boundary: 85 % of 0.10 = 0.085 → 0.08", 10n, 0, 3, 8n, 2n],
    ["scaling level 1 raises the split to 90 %", 100_000n, 1, 1, 90_000n, 10_000n],
    ["payout 3 raises the split to 85 %", 100_000n, 0, 3, 85_000n, 15_000n],
    ["payout 3 at level 1: the higher tier wins (90 %)", 100_000n, 1, 3, 90_000n, 10_000n],
    ["large profit stays exact", 123_456_789_012n, 0, 1, 98_765_431_209n, 24_691_357_803n],
  ])("%s", (_label, profit, scalingLevel, payoutNumber, trader, firm) => {
    const r = computePayout(usd, ctx({ balance: 10_000_000n + profit, scalingLevel, payoutNumber }));
    expect([r.traderShare, r.firmShare, r.grossProfit, r.balanceReduction]).toEqual([
      trader,
      firm,
      profit,
      profit,
    ]);
  });

  it.each([
    ["JPY 80 % of 1,001 = 800.8 → 800", "JPY", 1_001n, 800n, 201n],
    ["JPY one yen", "JPY", 1n, 0n, 1n],
    ["KWD 80 % of 1.234 = 0.9872 → 0.987", "KWD", 1_234n, 987n, 247n],
  ])("%s", (_label, currency, profit, trader, firm) => {
    const terms = parsePayoutTerms({
      ...usdTermsJson,
      currency,
      minimumPayout: "0",
      scaling: null,
      feeRefund: null,
      phaseProfitShare: null,
    });
    const r = computePayout(terms, ctx({ balance: 1_000_000n + profit, profitBaseline: 1_000_000n }));
    expect([r.traderShare, r.firmShare]).toEqual([trader, firm]);
    expect(r.roundingNote).toContain(currency === "JPY" ? "(1 JPY, whole units)" : `(0.001 ${currency})`);
  });

  it("a loss after the last payout must be recovered first (negative carry-over)", () => {
    const r = computePayout(usd, ctx({ balance: 9_880_000n }));
    expect([r.profitSinceBaseline, r.lossToRecover, r.grossProfit, r.traderShare, r.totalToTrader]).toEqual([
      -120_000n,
      120_000n,
      0n,
      0n,
      0n,
    ]);
    expect(r.lines.find((l) => l.code === "loss_to_recover")?.amount).toBe(120_000n);
  });

  it("once the loss is recovered only the profit above the baseline counts", () => {
    const r = computePayout(usd, ctx({ balance: 10_000_500n }));
    expect([r.grossProfit, r.traderShare]).toEqual([500n, 400n]);
  });

  it("trader + firm = profit and trader = floor(profit × pct) for any profit and split", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 15n }),
        fc.integer({ min: 0, max: 10_000 }),
        (profit, basisPoints) => {
          const pct = `${Math.floor(basisPoints / 100)}.${String(basisPoints % 100).padStart(2, "0")}`;
          const { trader, firm } = splitProfit(profit, pct);
          expect(trader + firm).toBe(profit);
          expect(trader * 10_000n <= profit * BigInt(basisPoints)).toBe(true);
          expect((trader + 1n) * 10_000n > profit * BigInt(basisPoints)).toBe(true);
        },
      ),
    );
  });
});

describe("traderPctFor picks the highest tier whose conditions hold", () => {
  it.each([
    [1, 0, "80"],
    [2, 0, "80"],
    [3, 0, "85"],
    [1, 1, "90"],
    [7, 4, "90"],
  ])("payout %i at level %i → %s %", (n, level, pct) => {
    expect(traderPctFor(usd, n, level)).toBe(pct);
  });
});

describe("challenge fee refund with the N-th payout", () => {
  const terms = (n: number) =>
    parsePayoutTerms({ ...usdTermsJson, feeRefund: { withPayoutNumber: n }, phaseProfitShare: null });
  it.each([
    ["with the first payout", 1, 1, false, 100_000n, 54_900n],
    ["already refunded", 1, 2, true, 100_000n, 0n],
    ["promised with payout 2, not at payout 1", 2, 1, false, 100_000n, 0n],
    ["promised with payout 2, paid at payout 2", 2, 2, false, 100_000n, 54_900n],
    ["payout 2 was skipped: paid with payout 3", 2, 3, false, 100_000n, 54_900n],
    ["no profit, no payout, the refund stays due", 1, 1, false, 0n, 0n],
  ])("%s", (_label, withN, payoutNumber, already, profit, refund) => {
    const r = computePayout(
      terms(withN),
      ctx({ payoutNumber, feeAlreadyRefunded: already, balance: 10_000_000n + profit }),
    );
    expect(r.feeRefund).toBe(refund);
    expect(r.totalToTrader).toBe(r.traderShare + refund);
    expect(r.balanceReduction).toBe(profit);
  });
});

describe("challenge-phase profit share capped at a pct of the target", () => {
  const share = { pct: "15", capPctOfTarget: "15" };
  it.each([
    ["below the cap: 15 % of 8,000.00", [{ profit: 800_000n, target: 1_000_000n }], 120_000n],
    ["exactly the target: 15 % of it", [{ profit: 1_000_000n, target: 1_000_000n }], 150_000n],
    [
      "above the target: capped at 15 % of the target",
      [{ profit: 1_200_000n, target: 1_000_000n }],
      150_000n,
    ],
    ["a losing phase gives nothing", [{ profit: -50_000n, target: 1_000_000n }], 0n],
    ["rounded down: 15 % of 0.07 = 0.0105 → 0.01", [{ profit: 7n, target: 1_000_000n }], 1n],
    [
      "two phases, each capped separately",
      [
        { profit: 1_200_000n, target: 1_000_000n },
        { profit: 300_000n, target: 500_000n },
      ],
      150_000n + 45_000n,
    ],
    ["zero target: nothing", [{ profit: 100n, target: 0n }], 0n],
  ])("%s", (_label, phases, expected) => {
    expect(phaseProfitShareOf(share, phases)).toBe(expected);
  });

  it("is paid with the first payout, once", () => {
    const terms = parsePayoutTerms({ ...usdTermsJson, feeRefund: null });
    const phaseResults = [{ profit: 1_200_000n, target: 1_000_000n }];
    const first = computePayout(terms, ctx({ balance: 10_100_000n, phaseResults }));
    expect([first.traderShare, first.phaseProfitShare, first.totalToTrader]).toEqual([
      80_000n,
      150_000n,
      230_000n,
    ]);
    const again = computePayout(
      terms,
      ctx({ balance: 10_100_000n, phaseResults, phaseShareAlreadyPaid: true }),
    );
    expect(again.phaseProfitShare).toBe(0n);
  });
});

describe("cap per cycle on the trader's share", () => {
  it.each([
    ["80 %: 1,000.00 cap out of 2,000.00 profit", "80", 200_000n, 100_000n, 125_000n, 75_000n],
    [
      "90 %: the smallest profit whose share is the cap (1,111.12)",
      "90",
      200_000n,
      100_000n,
      111_112n,
      88_888n,
    ],
    ["under the cap: nothing held back", "80", 100_000n, 80_000n, 100_000n, 0n],
    ["exactly at the cap", "80", 125_000n, 100_000n, 125_000n, 0n],
  ])("%s", (_label, pct, profit, trader, gross, left) => {
    const terms = parsePayoutTerms({
      ...usdTermsJson,
      splitTiers: [{ traderPct: pct }],
      maxPayoutPerCycle: "1000.00",
      feeRefund: null,
      phaseProfitShare: null,
    });
    const r = computePayout(terms, ctx({ balance: 10_000_000n + profit }));
    expect([r.traderShare, r.grossProfit, r.profitLeftInAccount, r.firmShare]).toEqual([
      trader,
      gross,
      left,
      gross - trader,
    ]);
  });
});

describe("explained lines", () => {
  it("list every amount in order and add up", () => {
    const terms = parsePayoutTerms(usdTermsJson);
    const r = computePayout(
      terms,
      ctx({ balance: 10_100_000n, phaseResults: [{ profit: 100n, target: 1_000_000n }] }),
    );
    expect(r.lines.map((l) => [l.code, l.amount])).toEqual([
      ["profit_since_baseline", 100_000n],
      ["gross_profit", 100_000n],
      ["trader_share", 80_000n],
      ["firm_share", 20_000n],
      ["phase_profit_share", 15n],
      ["fee_refund", 54_900n],
      ["total_to_trader", 134_915n],
      ["balance_reduction", 100_000n],
    ]);
    expect(r.lines.find((l) => l.code === "trader_share")?.label).toBe("Trader share (80 %, rounded down)");
    expect(r.roundingNote).toMatch(
      /rounded down to the minor unit \(0\.01 USD\).*trader share \+ firm share equals the profit exactly/,
    );
  });

  it("refuses a context with the field named", () => {
    expect(() => computePayout(usd, ctx({ payoutNumber: 0 }))).toThrow(
      /payoutNumber: must be a whole number ≥ 1/,
    );
  });
});
