import { compileProgram, programTemplates } from "@propdesk/domain/programs";
import { describe, expect, it } from "vitest";
import { defaultPayoutTerms, payoutTermsForProgram } from "./payout-terms-for-program";

const template = programTemplates.find((t) => t.id === "two-step-cfd")!;

describe("a program's payout terms", () => {
  it("come from the program's payoutTerms, in the program's currency", () => {
    const compiled = compileProgram({
      ...template.program,
      currency: "EUR",
      payoutTerms: {
        splitTiers: [{ traderPct: 80 }, { traderPct: 90, fromScalingLevel: 1 }],
        feeRefund: { withPayoutNumber: 1 },
        minimumPayout: "100.00",
        firstPayoutDelayDays: 14,
        cycleDays: 14,
        phaseProfitShare: { pct: 15, capPctOfTarget: 15 },
      },
    });
    const terms = payoutTermsForProgram(compiled.source);
    expect(terms).toMatchObject({
      currency: "EUR",
      minimumPayout: 10_000n,
      feeRefund: { withPayoutNumber: 1 },
      phaseProfitShare: { pct: "15", capPctOfTarget: "15", withPayoutNumber: 1 },
    });
    expect(terms.splitTiers).toEqual([
      { traderPct: "80", fromPayoutNumber: 1, fromScalingLevel: 0 },
      { traderPct: "90", fromPayoutNumber: 1, fromScalingLevel: 1 },
    ]);
  });

  it("default to the program's profit split with the stated defaults", () => {
    const terms = payoutTermsForProgram(compileProgram(template.program).source);
    expect(terms).toMatchObject({
      currency: "USD",
      splitTiers: [{ traderPct: "80", fromPayoutNumber: 1, fromScalingLevel: 0 }],
      minimumPayout: 5_000n,
      firstPayoutDelayDays: defaultPayoutTerms.firstPayoutDelayDays,
      cycleDays: defaultPayoutTerms.cycleDays,
      feeRefund: null,
      consistency: null,
      scaling: null,
    });
  });

  it("a program with bad payout terms is refused when it is saved, naming the field", () => {
    expect(() =>
      compileProgram({
        ...template.program,
        payoutTerms: {
          splitTiers: [{ traderPct: 120 }],
          minimumPayout: "1",
          firstPayoutDelayDays: 0,
          cycleDays: 0,
        },
      }),
    ).toThrow(/payoutTerms\.splitTiers\[0\]\.traderPct.*must be at most 100/s);
  });
});
