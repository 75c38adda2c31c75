import { describe, expect, it } from "vitest";
import { parsePayoutTerms, type ScalingPlan } from "./payout-terms";
import { evaluateScaling, type ScalingState } from "./scaling";
import { usdTermsJson } from "./test-terms";

const terms = parsePayoutTerms(usdTermsJson);
const plan: ScalingPlan = { ...terms.scaling!, maxSize: 20_000_000n };
const now = "2026-05-01T00:00:00Z";
const state = (over: Partial<ScalingState> = {}): ScalingState => ({
  currency: "USD",
  originalSize: 10_000_000n,
  currentSize: 10_000_000n,
  level: 0,
  periodStartedAt: "2026-01-31T10:00:00Z",
  periodProfit: 1_000_000n,
  periodPayouts: 2,
  ...over,
});

describe("evaluateScaling", () => {
  it("every 3 months with 10 % profit and 2 payouts the account grows by 25 % of its original size", () => {
    expect(evaluateScaling(plan, state(), now, { terms, nextPayoutNumber: 3 })).toEqual({
      reached: true,
      nextLevel: 1,
      newSize: 12_500_000n,
      increase: 2_500_000n,
      traderPctBefore: "85",
      traderPctAfter: "90",
    });
  });

  it.each([
    [
      "second step is still 25 % of the original",
      { level: 1, currentSize: 12_500_000n, periodProfit: 1_250_000n },
      15_000_000n,
    ],
    [
      "the last step stops at the cap",
      { level: 7, currentSize: 18_750_000n, periodProfit: 1_875_000n },
      20_000_000n,
    ],
  ])("%s", (_label, over, newSize) => {
    const r = evaluateScaling(plan, state(over), now);
    expect(r.reached && r.newSize).toBe(newSize);
  });

  it("the step is rounded down to the minor unit", () => {
    const r = evaluateScaling(
      { ...plan, maxSize: 1_000n },
      state({ currency: "JPY", originalSize: 333n, currentSize: 333n, periodProfit: 34n }),
      now,
    );
    expect(r.reached && r.increase).toBe(83n);
  });

  it.each([
    [
      "profit one cent short",
      { periodProfit: 999_999n },
      "scaling_profit_below_target",
      undefined,
      /needs 10 % of 100,000\.00 USD, i\.e\. 10,000\.00 USD \(0\.01 USD more\)/,
    ],
    [
      "profit measured on the current size, not the original",
      { level: 1, currentSize: 12_500_000n, periodProfit: 1_249_999n },
      "scaling_profit_below_target",
      undefined,
      /of 125,000\.00 USD/,
    ],
    [
      "period not over: Jan 31 + 3 months is Apr 30",
      { periodStartedAt: "2026-01-31T10:00:00Z" },
      "scaling_period_not_elapsed",
      "2026-04-30T10:00:00.000Z",
      /every 3 months.*ends at 2026-04-30T10:00:00.000Z/,
    ],
    [
      "one payout short",
      { periodPayouts: 1 },
      "scaling_not_enough_payouts",
      undefined,
      /1 payout in this period; scaling needs 2/,
    ],
    [
      "already at the cap",
      { currentSize: 20_000_000n },
      "scaling_at_cap",
      undefined,
      /maximum size of 200,000\.00 USD/,
    ],
  ] as const)("%s", (label, over, code, availableAt, message) => {
    const when = label.startsWith("period") ? "2026-04-30T09:59:59Z" : now;
    const r = evaluateScaling(plan, state(over), when);
    expect(r.reached).toBe(false);
    if (r.reached) return;
    expect(r.reasons.map((x) => x.code)).toEqual([code]);
    expect(r.reasons[0]!.availableAt).toBe(availableAt);
    expect(r.reasons[0]!.message).toMatch(message);
  });

  it("reports all unmet conditions and the next review date", () => {
    const r = evaluateScaling(plan, state({ periodProfit: -5n, periodPayouts: 0 }), "2026-03-01T00:00:00Z");
    expect(r).toMatchObject({ reached: false, nextReviewAt: "2026-04-30T10:00:00.000Z" });
    expect(!r.reached && r.reasons.map((x) => x.code)).toEqual([
      "scaling_period_not_elapsed",
      "scaling_profit_below_target",
      "scaling_not_enough_payouts",
    ]);
  });

  it("refuses an impossible state with the field named", () => {
    expect(() => evaluateScaling(plan, state({ currentSize: 1n }), now)).toThrow(
      /currentSize: must be at least originalSize/,
    );
  });
});
