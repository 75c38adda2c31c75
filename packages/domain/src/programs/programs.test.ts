import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { createEngineState, describeState } from "../rules";
import { compileProgram, MAX_TRAILING_EOD } from "./compile-program";
import { programTemplate, programTemplates } from "./program-templates";
import { assertBoundVersion, bindingOf, canonicalJson, nextProgramVersion } from "./program-versions";

const template = (id: string) => programTemplate(id)!.program;

function refusal(input: unknown, pathPrefix?: string): AppError {
  try {
    compileProgram(input, pathPrefix === undefined ? {} : { pathPrefix });
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error("accepted");
}

describe("compileProgram", () => {
  it("converts money to minor units and precomputes limits (FTMO-style 100,000.00 USD)", () => {
    const p = compileProgram(template("two-step-cfd"));
    expect(p.initial).toBe(10_000_000);
    expect(p.phases.map((ph) => [ph.name, ph.targetBalance, ph.dailyAmount, ph.maxAmount])).toEqual([
      ["Challenge", 11_000_000, 500_000, 1_000_000],
      ["Verification", 10_500_000, 500_000, 1_000_000],
      ["Funded", Number.MAX_SAFE_INTEGER, 500_000, 1_000_000],
    ]);
  });

  it.each([
    ["JPY has no minor digits", "JPY", "10000000", 10_000_000],
    ["KWD has three", "KWD", "1000.500", 1_000_500],
  ])("%s", (_label, currency, initialBalance, minor) => {
    const p = compileProgram({ ...template("two-step-cfd"), currency, initialBalance });
    expect(p.initial).toBe(minor);
    expect(p.exponent).toBe(currency === "JPY" ? 0 : 3);
  });

  it("rounds a pct amount half-up to the minor unit (4.5% of 333.33 = 15.00 after 14.99985)", () => {
    const input = template("two-step-cfd");
    input.initialBalance = "333.33";
    input.phases[0]!.dailyLoss = { pct: 4.5, amountBase: "initial", reference: "balance", kind: "hard" };
    expect(compileProgram(input).phases[0]!.dailyAmount).toBe(1500);
  });

  it("names the field with the caller's prefix, or none", () => {
    const input = { ...template("two-step-cfd"), dayStart: "5pm" };
    expect(refusal(input).message).toMatch(/^program\.dayStart: /);
    expect(refusal(input, "").message).toMatch(/^dayStart: /);
  });

  it.each([
    [
      "discount above 100%",
      { reset: { allowed: true, discountPct: 150, freeRetake: false } },
      "program.reset.discountPct",
      "from 0 to 100",
    ],
    [
      "reset without freeRetake",
      { reset: { allowed: true, discountPct: 10 } },
      "program.reset.freeRetake",
      "is required",
    ],
    ["kycRequired as a string", { kycRequired: "yes" }, "program.kycRequired", "true or false"],
    [
      "trader share above 100%",
      { profitSplit: { traderPct: 101 } },
      "program.profitSplit.traderPct",
      "from 0 to 100",
    ],
    ["version zero", { version: 0 }, "program.version", "1 or more"],
    [
      "too many phases",
      { phases: Array.from({ length: 21 }, () => ({ kind: "funded" })) },
      "program.phases",
      "at most 20",
    ],
  ])("refuses %s", (_label, over, path, fragment) => {
    const e = refusal({ ...template("two-step-cfd"), ...over });
    expect(e.issues[0]?.path).toBe(path);
    expect(e.message).toContain(fragment);
  });
});

describe("program templates", () => {
  it("have unique ids, names and descriptions, and all compile", () => {
    expect(new Set(programTemplates.map((t) => t.id)).size).toBe(programTemplates.length);
    for (const t of programTemplates) {
      expect(t.name.length).toBeGreaterThan(0);
      expect(t.description.length).toBeGreaterThan(20);
      expect(() => compileProgram(t.program)).not.toThrow();
    }
  });

  it("two-step CFD: 10% then 5% targets, 5% daily, 10% static", () => {
    const d = describeState(
      compileProgram(template("two-step-cfd")),
      createEngineState(compileProgram(template("two-step-cfd"))),
    );
    expect([d.targetAmount, d.dailyFloor, d.maxLossFloor, d.maxLossMode]).toEqual([
      1_000_000,
      9_500_000,
      9_000_000,
      "static",
    ]);
    expect(compileProgram(template("two-step-cfd")).phases[1]!.target).toBe(500_000);
  });

  it("one-step: EOD trailing locked at the start balance and a 50% best-day rule", () => {
    const ph = compileProgram(template("one-step-eod")).phases[0]!;
    expect([ph.maxMode, ph.lockCap, ph.hasConsistency, ph.consistencyNum / ph.consistencyDen]).toEqual([
      MAX_TRAILING_EOD,
      10_000_000,
      true,
      0.5,
    ]);
  });

  it("instant funding: one funded phase, KYC required", () => {
    const p = compileProgram(template("instant-funding"));
    expect(p.phases.map((ph) => ph.isEvaluation)).toEqual([false]);
    expect(p.source.kycRequired).toBe(true);
  });

  it("futures combine: 17:00 America/Chicago sessions, soft daily limit, EOD trailing locked at 50,000", () => {
    const p = compileProgram(template("futures-combine-50k"));
    expect([p.timezone, p.dayStart]).toEqual(["America/Chicago", "17:00"]);
    const ph = p.phases[0]!;
    expect([ph.dailyKind, ph.dailyAmount, ph.maxMode, ph.maxAmount, ph.lockCap]).toEqual([
      2,
      100_000,
      MAX_TRAILING_EOD,
      200_000,
      5_000_000,
    ]);
  });

  it("programTemplate returns a copy the caller may edit", () => {
    const a = programTemplate("two-step-cfd")!;
    a.program.initialBalance = "1.00";
    expect(programTemplate("two-step-cfd")!.program.initialBalance).toBe("100000.00");
    expect(programTemplate("nope")).toBeUndefined();
  });
});

describe("program versions", () => {
  it("start at 1, increase on every change, and saving the same content is not a new version", () => {
    const v1 = nextProgramVersion("ftmo-100k", template("two-step-cfd"));
    expect(v1.version).toBe(1);
    expect(nextProgramVersion("ftmo-100k", template("two-step-cfd"), v1)).toBe(v1);
    const edited = { ...template("two-step-cfd"), initialBalance: "200000.00" };
    const v2 = nextProgramVersion("ftmo-100k", edited, v1);
    expect([v2.version, v2.fingerprint === v1.fingerprint]).toEqual([2, false]);
  });

  it("the fingerprint ignores key order and unknown keys", () => {
    const a = template("one-step-eod");
    const reordered = JSON.parse(canonicalJson({ ...a, zzz: 1 })) as unknown;
    expect(nextProgramVersion("p", reordered).fingerprint).toBe(nextProgramVersion("p", a).fingerprint);
  });

  it("a challenge bound to version 1 refuses version 2 and a silently edited version 1", () => {
    const v1 = nextProgramVersion("p", template("two-step-cfd"));
    const binding = bindingOf(v1);
    expect(() => assertBoundVersion(binding, v1)).not.toThrow();
    const v2 = nextProgramVersion("p", { ...template("two-step-cfd"), initialBalance: "50000.00" }, v1);
    expect(() => assertBoundVersion(binding, v2)).toThrow(/version 2 is not the version 1/);
    const tampered = { ...v1, program: { ...v1.program, initialBalance: "1.00" } };
    expect(() => assertBoundVersion(binding, tampered)).toThrow(/changed after the challenge was sold/);
  });

  it("refuses an invalid program with the field named", () => {
    expect(() => nextProgramVersion("p", { ...template("two-step-cfd"), currency: "EURO" })).toThrow(
      /program\.currency/,
    );
  });
});
