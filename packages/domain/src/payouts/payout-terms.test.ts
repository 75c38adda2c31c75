import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { parsePayoutTerms, payoutTermsToJson } from "./payout-terms";
import { usdTermsJson } from "./test-terms";

function issuesOf(json: unknown): { path: string; message: string }[] {
  try {
    parsePayoutTerms(json);
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe("VALIDATION");
    return (e as AppError).issues;
  }
  throw new Error("expected a validation error");
}

describe("parsePayoutTerms", () => {
  it("converts amounts to minor units and fills defaults", () => {
    const t = parsePayoutTerms(usdTermsJson);
    expect(t.minimumPayout).toBe(5000n);
    expect(t.scaling?.maxSize).toBe(200000000n);
    expect(t.splitTiers[0]).toEqual({ traderPct: "80", fromPayoutNumber: 1, fromScalingLevel: 0 });
    expect(t.phaseProfitShare).toEqual({ pct: "15", capPctOfTarget: "15", withPayoutNumber: 1 });
  });

  it("round-trips through its JSON form", () => {
    const t = parsePayoutTerms(usdTermsJson);
    expect(parsePayoutTerms(payoutTermsToJson(t))).toEqual(t);
  });

  it.each([
    [
      "split above 100 %",
      { splitTiers: [{ traderPct: 101 }] },
      "splitTiers.0.traderPct",
      "must be at most 100",
    ],
    [
      "split as words",
      { splitTiers: [{ traderPct: "eighty" }] },
      "splitTiers.0.traderPct",
      "must be a non-negative percentage such as 80 or 12.5",
    ],
    [
      "no base tier",
      { splitTiers: [{ traderPct: 80, fromPayoutNumber: 2 }] },
      "splitTiers",
      "needs a base tier that applies from payout 1 at scaling level 0",
    ],
    [
      "duplicate tier",
      { splitTiers: [{ traderPct: 80 }, { traderPct: 85 }] },
      "splitTiers.1",
      "has the same conditions as splitTiers.0",
    ],
    ["sub-cent minimum", { minimumPayout: "50.001" }, "minimumPayout", "more than 2 decimal places"],
    ["minimum as a number", { minimumPayout: 50 }, "minimumPayout", 'must be a decimal string like "100.00"'],
    ["missing minimum", { minimumPayout: undefined }, "minimumPayout", "is required"],
    ["unknown currency", { currency: "XYZ" }, "currency", "must be an ISO 4217 currency code such as USD"],
    ["cycle of zero days", { cycleDays: 0 }, "cycleDays", "must be at least 1"],
    ["fractional delay", { firstPayoutDelayDays: 1.5 }, "firstPayoutDelayDays", "must be a whole number"],
    [
      "zero consistency limit",
      { consistency: { maxBestDayPct: 0 } },
      "consistency.maxBestDayPct",
      "must be greater than 0",
    ],
    [
      "cap below minimum",
      { maxPayoutPerCycle: "10.00" },
      "maxPayoutPerCycle",
      "is below minimumPayout, so no payout could ever be made",
    ],
    [
      "phase cap above 100 %",
      { phaseProfitShare: { pct: 15, capPctOfTarget: 150 } },
      "phaseProfitShare.capPctOfTarget",
      "must be at most 100",
    ],
    [
      "JPY with decimals",
      { currency: "JPY", minimumPayout: "50.5", scaling: null },
      "minimumPayout",
      "more than 0 decimal places",
    ],
  ])("%s → %s", (_label, patch, path, message) => {
    expect(issuesOf({ ...usdTermsJson, ...patch })).toContainEqual({ path, message });
  });

  it("reports every problem at once", () => {
    const issues = issuesOf({ ...usdTermsJson, cycleDays: 0, firstPayoutDelayDays: -1, extra: true });
    expect(issues.map((i) => i.path).sort()).toEqual(["", "cycleDays", "firstPayoutDelayDays"]);
  });
});
