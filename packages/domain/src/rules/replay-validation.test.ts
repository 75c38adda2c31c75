import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { replayScenario } from "./replay-scenario";
import { account, type Json, phase, program } from "./test-scenarios";

const T = "2026-01-05T10:00:00Z";

function refusal(scenario: unknown): AppError {
  try {
    replayScenario(scenario);
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error("the scenario was accepted");
}

const withPhase = (p: Json) => ({ program: program({}, [phase(p)]), events: [] });
const withProgram = (p: Json) => ({ program: program(p), events: [] });
const withEvents = (...events: unknown[]) => ({ program: program(), events });
const dailyLoss = (over: Json) => ({
  dailyLoss: { pct: 5, amountBase: "initial", reference: "balance", kind: "hard", ...over },
});

describe("invalid scenarios are refused with the field named", () => {
  it.each([
    // [label, scenario, path, message fragment]
    ["not an object", [], "scenario", "must be a JSON object"],
    ["no program", { events: [] }, "program", "is required"],
    ["no events", { program: program() }, "events", "is required"],
    ["events not an array", { program: program(), events: {} }, "events", "must be an array"],
    ["program not an object", { program: "ftmo", events: [] }, "program", "must be an object"],
    ["missing currency", withProgram({ currency: undefined }), "program.currency", "is required"],
    ["lower-case currency", withProgram({ currency: "usd" }), "program.currency", "ISO 4217"],
    ["unknown currency", withProgram({ currency: "XYZ" }), "program.currency", "ISO 4217"],
    ["bad timezone", withProgram({ timezone: "Europe/Atlantis" }), "program.timezone", "IANA"],
    ["offset as timezone", withProgram({ timezone: "+01:00" }), "program.timezone", "IANA"],
    ["dayStart 24:00", withProgram({ dayStart: "24:00" }), "program.dayStart", "HH:MM"],
    ["dayStart without leading zero", withProgram({ dayStart: "7:00" }), "program.dayStart", "HH:MM"],
    ["dayStart with seconds", withProgram({ dayStart: "17:00:00" }), "program.dayStart", "HH:MM"],
    [
      "initial balance as a number",
      withProgram({ initialBalance: 100000 }),
      "program.initialBalance",
      "decimal",
    ],
    [
      "initial balance zero",
      withProgram({ initialBalance: "0.00" }),
      "program.initialBalance",
      "greater than zero",
    ],
    [
      "initial balance negative",
      withProgram({ initialBalance: "-1.00" }),
      "program.initialBalance",
      "greater than zero",
    ],
    [
      "sub-cent initial balance",
      withProgram({ initialBalance: "100.001" }),
      "program.initialBalance",
      "decimal places",
    ],
    [
      "thousands separator",
      withProgram({ initialBalance: "100,000.00" }),
      "program.initialBalance",
      "decimal",
    ],
    ["exponent money", withProgram({ initialBalance: "1e5" }), "program.initialBalance", "decimal"],
    ["leading plus", withProgram({ initialBalance: "+100.00" }), "program.initialBalance", "decimal"],
    ["bare fraction", withProgram({ initialBalance: ".50" }), "program.initialBalance", "decimal"],
    [
      "huge money",
      withProgram({ initialBalance: "99999999999999999999.00" }),
      "program.initialBalance",
      "out of range",
    ],
    ["no phases", withProgram({ phases: [] }), "program.phases", "at least one phase"],
    ["phases not an array", withProgram({ phases: {} }), "program.phases", "must be an array"],
    ["missing phase kind", withPhase({ kind: undefined }), "program.phases[0].kind", "is required"],
    ["unknown phase kind", withPhase({ kind: "demo" }), "program.phases[0].kind", '"evaluation", "funded"'],
    [
      "negative daily pct",
      withPhase(dailyLoss({ pct: -5 })),
      "program.phases[0].dailyLoss.pct",
      "must not be negative",
    ],
    [
      "pct as a string",
      withPhase({ profitTarget: { pct: "10" } }),
      "program.phases[0].profitTarget.pct",
      "must be a number",
    ],
    [
      "pct and amount",
      withPhase({ profitTarget: { pct: 10, amount: "1.00" } }),
      "program.phases[0].profitTarget",
      "not both",
    ],
    [
      "neither pct nor amount",
      withPhase({ profitTarget: {} }),
      "program.phases[0].profitTarget",
      '"pct" or "amount"',
    ],
    [
      "negative target amount",
      withPhase({ profitTarget: { amount: "-1.00" } }),
      "program.phases[0].profitTarget.amount",
      "must not be negative",
    ],
    [
      "pct with too many decimals",
      withPhase({ profitTarget: { pct: 0.1 + 0.2 } }),
      "program.phases[0].profitTarget.pct",
      "decimal places",
    ],
    [
      "missing amountBase with pct",
      withPhase(dailyLoss({ amountBase: undefined })),
      "program.phases[0].dailyLoss.amountBase",
      "is required",
    ],
    [
      "unknown amountBase",
      withPhase(dailyLoss({ amountBase: "peak" })),
      "program.phases[0].dailyLoss.amountBase",
      '"initial", "reference"',
    ],
    [
      "unknown reference",
      withPhase(dailyLoss({ reference: "peak" })),
      "program.phases[0].dailyLoss.reference",
      '"balance", "equity", "max"',
    ],
    [
      "missing daily kind",
      withPhase(dailyLoss({ kind: undefined })),
      "program.phases[0].dailyLoss.kind",
      "is required",
    ],
    [
      "unknown max-loss mode",
      withPhase({ maxLoss: { pct: 10, mode: "trailing" } }),
      "program.phases[0].maxLoss.mode",
      '"static"',
    ],
    [
      "negative lockAt",
      withPhase({ maxLoss: { pct: 10, mode: "trailing_eod", lockAt: "-1.00" } }),
      "program.phases[0].maxLoss.lockAt",
      "must not be negative",
    ],
    ["fractional maxDays", withPhase({ maxDays: 2.5 }), "program.phases[0].maxDays", "whole number"],
    [
      "negative minTradingDays",
      withPhase({ minTradingDays: -1 }),
      "program.phases[0].minTradingDays",
      "must not be negative",
    ],
    [
      "negative maxBestDayPct",
      withPhase({ consistency: { maxBestDayPct: -1, inclusive: true } }),
      "program.phases[0].consistency.maxBestDayPct",
      "must not be negative",
    ],
    [
      "missing inclusive",
      withPhase({ consistency: { maxBestDayPct: 40 } }),
      "program.phases[0].consistency.inclusive",
      "is required",
    ],
    [
      "bad phase initial balance",
      withPhase({ initialBalance: "abc" }),
      "program.phases[0].initialBalance",
      "decimal",
    ],
    ["event not an object", withEvents(5), "events[0]", "must be an object"],
    ["missing t", withEvents({ type: "clock" }), "events[0].t", "is required"],
    ["t as a number", withEvents({ t: 1767607200000, type: "clock" }), "events[0].t", "ISO 8601"],
    ["t without offset", withEvents({ t: "2026-01-05T10:00:00", type: "clock" }), "events[0].t", "ISO 8601"],
    ["t with a space", withEvents({ t: "2026-01-05 10:00:00Z", type: "clock" }), "events[0].t", "ISO 8601"],
    ["t on 30 February", withEvents({ t: "2026-02-30T10:00:00Z", type: "clock" }), "events[0].t", "ISO 8601"],
    ["t at hour 24", withEvents({ t: "2026-01-05T24:00:00Z", type: "clock" }), "events[0].t", "ISO 8601"],
    ["date only", withEvents({ t: "2026-01-05", type: "clock" }), "events[0].t", "ISO 8601"],
    [
      "unsorted events",
      withEvents(account(T, "1.00"), { t: "2026-01-05T09:59:59.999Z", type: "clock" }),
      "events[1].t",
      "sorted",
    ],
    [
      "unsorted by offset",
      withEvents(account(T, "1.00"), { t: "2026-01-05T10:30:00+01:00", type: "clock" }),
      "events[1].t",
      "sorted",
    ],
    ["missing type", withEvents({ t: T }), "events[0].type", "is required"],
    ["unknown type", withEvents({ t: T, type: "deposit" }), "events[0].type", 'unknown event type "deposit"'],
    ["type in capitals", withEvents({ t: T, type: "ACCOUNT" }), "events[0].type", "unknown event type"],
    [
      "missing balance",
      withEvents({ t: T, type: "account", equity: "1.00" }),
      "events[0].balance",
      "is required",
    ],
    [
      "equity as a number",
      withEvents({ t: T, type: "account", balance: "1.00", equity: 1 }),
      "events[0].equity",
      "decimal",
    ],
    ["sub-cent equity", withEvents(account(T, "1.00", "1.001")), "events[0].equity", "decimal places"],
    [
      "negative openPositions",
      withEvents(account(T, "1.00", "1.00", -1)),
      "events[0].openPositions",
      "whole number",
    ],
    [
      "fractional openPositions",
      withEvents(account(T, "1.00", "1.00", 1.5)),
      "events[0].openPositions",
      "whole number",
    ],
    [
      "trade without id",
      withEvents({ t: T, type: "trade_opened", symbol: "EURUSD" }),
      "events[0].id",
      "is required",
    ],
    [
      "trade without symbol",
      withEvents({ t: T, type: "trade_opened", id: "T1" }),
      "events[0].symbol",
      "is required",
    ],
    [
      "the bad event's own index",
      withEvents(account(T, "1.00"), account(T, "1.00"), account(T, "x")),
      "events[2].balance",
      "decimal",
    ],
  ])("%s → %s", (_label, scenario, path, fragment) => {
    const e = refusal(scenario);
    expect(e.code).toBe("VALIDATION");
    expect(e.issues[0]?.path).toBe(path);
    expect(e.message.startsWith(`${path}: `)).toBe(true);
    expect(e.message).toContain(fragment);
    expect(e.message).not.toContain("\n");
  });
});

describe("valid variations are accepted", () => {
  it.each([
    ["negative balances", withEvents(account(T, "-13000.5", "-13000.50"))],
    ["extra zeros beyond the minor unit", withEvents(account(T, "100000.000", "100000.0"))],
    ["whole money without decimals", withEvents(account(T, "100000"))],
    ["an offset time", withEvents({ t: "2026-01-05T11:00:00+01:00", type: "clock" })],
    ["a time without seconds", withEvents({ t: "2026-01-05T11:00Z", type: "clock" })],
    ["fractional seconds", withEvents({ t: "2026-01-05T11:00:00.123456Z", type: "clock" })],
    [
      "null openPositions",
      withEvents({ t: T, type: "account", balance: "1.00", equity: "1.00", openPositions: null }),
    ],
    [
      "a dailyLoss amount with an amountBase",
      withPhase({
        dailyLoss: { amount: "10.00", amountBase: "initial", reference: "balance", kind: "soft" },
      }),
    ],
    ["a missing lockAt", withPhase({ maxLoss: { pct: 10, mode: "trailing_eod" } })],
    [
      "null rules",
      withPhase({
        profitTarget: null,
        dailyLoss: null,
        maxLoss: null,
        consistency: null,
        maxDays: null,
        minTradingDays: null,
      }),
    ],
    ["missing optional rules", { program: program({}, [{ kind: "funded" }]), events: [] }],
    [
      "null for an unused field",
      withPhase({
        name: null,
        profitTarget: { pct: 10, amount: null },
        dailyLoss: { amount: "10.00", pct: null, amountBase: null, reference: "balance", kind: "hard" },
      }),
    ],
    [
      "unknown extra fields",
      { program: program({ firm: "x" }), events: [{ t: T, type: "clock", note: 1 }], meta: 1 },
    ],
    ["a half-hour zone", withProgram({ timezone: "Asia/Kolkata", dayStart: "05:30" })],
    [
      "JPY without decimals",
      { program: program({ currency: "JPY", initialBalance: "10000000" }), events: [account(T, "10000000")] },
    ],
  ])("%s", (_label, scenario) => {
    expect(() => replayScenario(scenario)).not.toThrow();
  });
});
