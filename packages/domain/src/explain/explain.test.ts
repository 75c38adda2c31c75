import { describe, expect, it } from "vitest";
import { compileProgram } from "../programs/compile-program";
import { parseScenario, replayEvents, verifyDecisions } from "../rules/replay-scenario";
import { account, clock, type Json, opened, phase, program } from "../rules/test-scenarios";
import { explainDecision, explainDecisions } from "./explain-decision";
import { explainState } from "./explain-state";

function decide(prog: Json, events: Json[]) {
  const { program: compiled, events: inputs } = parseScenario({ program: prog, events });
  const r = replayEvents(compiled, inputs);
  return { program: compiled, inputs, ...r };
}

const prague = program({ timezone: "Europe/Prague" }, [phase({ name: "Challenge" })]);

describe("trader sentences", () => {
  it("explain a daily-loss breach with the floor's arithmetic and the local time", () => {
    const r = decide(prague, [
      opened("2026-01-05T09:00:00Z"),
      account("2026-01-05T15:00:00Z", "101000.00"),
      account("2026-01-05T23:20:00Z", "101000.00", "95999.99", 1), // 00:20 in Prague
    ]);
    expect(explainDecision(r.program, r.events[0]!)).toBe(
      "Your daily floor today is 96,000.00 USD: yesterday's closing balance 101,000.00 minus 5% of 100,000.00. " +
        "At 00:20 your equity was 95,999.99, below it. The Challenge has ended: the daily loss limit is a hard limit.",
    );
  });

  it("on the first day the floor hangs from the starting balance", () => {
    const r = decide(prague, [account("2026-01-05T09:00:00Z", "100000.00", "94000.00", 1)]);
    expect(explainDecision(r.program, r.events[0]!)).toMatch(
      /^Your daily floor today is 95,000\.00 USD: your starting balance 100,000\.00 minus 5% of 100,000\.00\. At 10:00/,
    );
  });

  it("explain a locked end-of-day trailing floor (Topstep 50K)", () => {
    const topstep = program({ initialBalance: "50000.00", timezone: "America/Chicago", dayStart: "17:00" }, [
      phase({
        name: "Combine",
        dailyLoss: null,
        profitTarget: null,
        maxLoss: { amount: "2000.00", mode: "trailing_eod", lockAt: "0.00" },
      }),
    ]);
    const r = decide(topstep, [
      account("2026-01-07T15:00:00Z", "52500.00"),
      clock("2026-01-07T23:30:00Z"),
      account("2026-01-08T15:00:00Z", "52000.00", "49999.00", 1),
    ]);
    expect(explainDecision(r.program, r.events[0]!)).toBe(
      "Your maximum loss floor is 50,000.00 USD: your highest end-of-day balance 52,500.00 minus 2,000.00, " +
        "capped at 50,000.00 where it stops rising. At 09:00 your equity was 49,999.00, below it. " +
        "The Combine has ended: the maximum loss limit is a hard limit.",
    );
  });

  it("explain a soft pause, the resume and a pass", () => {
    const soft = program({ timezone: "America/New_York", dayStart: "17:00" }, [
      phase({
        name: "Evaluation",
        dailyLoss: { amount: "1000.00", reference: "balance", kind: "soft" },
        profitTarget: { amount: "500.00" },
      }),
    ]);
    const r = decide(soft, [
      account("2026-01-05T15:00:00Z", "100000.00", "98999.00", 1),
      account("2026-01-05T22:30:00Z", "100600.00", "100600.00", 1),
      account("2026-01-06T15:00:00Z", "100600.00", "100600.00", 0),
    ]);
    expect(explainDecisions(r.program, r.events)).toEqual([
      "Your daily floor today is 99,000.00 USD: your starting balance 100,000.00 minus the daily limit of 1,000.00. " +
        "At 10:00 your equity was 98,999.00, below it. Trading is paused until the next trading day starts at 17:00 (America/New_York time).",
      "A new trading day started at 17:30: trading is open again.",
      "You passed the Evaluation at 10:00 on Tue 2026-01-06 with a balance of 100,600.00 USD (target 100,500.00).",
    ]);
  });

  it("explain a warning and a flagged rule", () => {
    const p = program({}, [phase({ warnings: { levels: [80] }, stopLossRequired: { kind: "soft" } })]);
    const r = decide(p, [
      account("2026-01-05T10:00:00Z", "100000.00", "96000.00", 1),
      opened("2026-01-05T11:00:00Z", "T7", "XAUUSD"),
    ]);
    expect(explainDecisions(r.program, r.events)).toEqual([
      "You have used 80% of today's daily loss limit: at 10:00 your equity was 96,000.00, 1,000.00 USD above the floor of 95,000.00.",
      "At 11:00 trade T7 on XAUUSD was opened without a stop-loss. This was flagged for review by the risk team.",
    ]);
  });
});

describe("staff sentences", () => {
  it("give UTC and local times, the exact comparison and the floor formula", () => {
    const r = decide(prague, [
      account("2026-01-05T15:00:00Z", "101000.00"),
      account("2026-01-05T23:20:00Z", "101000.00", "95999.99", 1),
    ]);
    const text = explainDecision(r.program, r.events[0]!, "staff");
    expect(text).toContain(
      "[2026-01-05T23:20:00Z · 2026-01-06 00:20 Europe/Prague] Challenge (phase 0): breached on daily_loss.",
    );
    expect(text).toContain("Equity 95,999.99 USD is strictly below the floor 96,000.00 USD");
    expect(text).toContain(
      "Daily floor 96,000.00 = balance at the day start (2026-01-06 00:00 Europe/Prague) 101,000.00 − 5% of the phase's initial balance 100,000.00 = 5,000.00",
    );
  });
});

describe("state summary", () => {
  it("shows floors, room, target progress, days, best day and the next day start", () => {
    const p = program({ timezone: "Europe/Prague" }, [
      phase({ name: "Challenge", minTradingDays: 4, consistency: { maxBestDayPct: 50, inclusive: true } }),
    ]);
    const r = decide(p, [
      opened("2026-01-05T09:00:00Z"),
      account("2026-01-05T10:00:00Z", "102500.00", "102000.00", 1),
    ]);
    expect(explainState(r.program, r.state)).toEqual([
      "Your Challenge is running.",
      "Balance 102,500.00 USD, equity 102,000.00 USD.",
      "Today's daily floor is 95,000.00 USD: you can lose 7,000.00 USD more today.",
      "Your maximum loss floor is 90,000.00 USD, 12,000.00 USD below your equity.",
      "Target: a balance of 110,000.00 USD; your profit is 2,500.00 USD (25.00% of the target).",
      "Trading days: 1 of the 4 required.",
      "Your best day is 100.00% of your profit; the limit is 50%.",
      "The next trading day starts at 00:00 on Tue 2026-01-06 (Europe/Prague time).",
    ]);
  });

  it("says why a phase ended", () => {
    const r = decide(prague, [account("2026-01-05T10:00:00Z", "100000.00", "89000.00", 1)]);
    expect(explainState(r.program, r.state)[0]).toBe("The Challenge has ended on the max loss rule.");
  });
});

describe("disputes: recomputing stored decisions", () => {
  const inputs = [
    account("2026-01-05T15:00:00Z", "101000.00"),
    account("2026-01-05T23:20:00Z", "101000.00", "95999.99", 1),
  ];

  it("the recorded decisions match a replay of the recorded inputs", () => {
    const r = decide(prague, inputs);
    expect(verifyDecisions(compileProgram(prague), r.inputs, r.events)).toMatchObject({
      matches: true,
      firstMismatch: -1,
    });
  });

  it("a recorded decision that differs (here its floor) is found", () => {
    const r = decide(prague, inputs);
    const tampered = r.events.map((e) => ({ ...e, floor: e.floor - 1 }));
    expect(verifyDecisions(r.program, r.inputs, tampered)).toMatchObject({
      matches: false,
      firstMismatch: 0,
    });
    expect(verifyDecisions(r.program, r.inputs, [])).toMatchObject({ matches: false, firstMismatch: 0 });
  });
});
