import { compileProgram, programTemplate } from "@propdesk/domain/programs";
import { describe, expect, it } from "vitest";
import { deriveSoldProgram, variantKey } from "./program-variant";

const twoStep = compileProgram(programTemplate("two-step-cfd")!.program).source;
const futures = compileProgram(programTemplate("futures-combine-50k")!.program).source;

describe("deriveSoldProgram", () => {
  it("leaves the program unchanged without add-ons at its own size", () => {
    expect(
      deriveSoldProgram(twoStep, { accountSize: 10_000_000n, addons: [], kycBeforeTrading: false }),
    ).toEqual(twoStep);
  });

  it("applies a profit split, removes time limits of evaluation phases, and requires KYC", () => {
    const withDays = { ...twoStep, phases: twoStep.phases.map((p) => ({ ...p, maxDays: 30 })) };
    const sold = deriveSoldProgram(withDays, {
      accountSize: 10_000_000n,
      addons: [
        { kind: "profit_split", params: { traderPct: 90 } },
        { kind: "no_time_limit", params: {} },
      ],
      kycBeforeTrading: true,
    });
    expect(sold.profitSplit).toEqual({ traderPct: 90 });
    expect(sold.kycRequired).toBe(true);
    expect(sold.phases.map((p) => [p.kind, p.maxDays])).toEqual(
      withDays.phases.map((p) => [p.kind, p.kind === "evaluation" ? undefined : 30]),
    );
    expect(compileProgram(sold).source.profitSplit).toEqual({ traderPct: 90 });
  });

  it("resizes a percentage-only program and refuses one with amounts", () => {
    expect(
      deriveSoldProgram(twoStep, { accountSize: 5_000_000n, addons: [], kycBeforeTrading: false })
        .initialBalance,
    ).toBe("50000.00");
    expect(() =>
      deriveSoldProgram(futures, { accountSize: 10_000_000n, addons: [], kycBeforeTrading: false }),
    ).toThrow(/accountSize: this program states .*profitTarget\.amount/);
  });

  it("keys terms independently of add-on order", () => {
    const a = { kind: "profit_split" as const, params: { traderPct: 90 } };
    const b = { kind: "no_time_limit" as const, params: {} };
    expect(variantKey({ accountSize: 1n, addons: [a, b], kycBeforeTrading: false })).toBe(
      variantKey({ accountSize: 1n, addons: [b, a], kycBeforeTrading: false }),
    );
  });
});
