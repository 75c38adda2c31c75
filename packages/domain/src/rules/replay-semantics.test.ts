import { describe, expect, it } from "vitest";
import { account, clock, opened, phase, phaseStart, program, run } from "./test-scenarios";

/**
 * The contract's semantics, one sentence of spec/challenge-rules.md at a time. Programs default to
 * 100,000.00 USD, UTC midnight day start, 10% target, 5% daily loss (of initial, on balance, hard),
 * 10% static max loss.
 */

const noDaily = { dailyLoss: null };
const noMax = { maxLoss: null };

describe("breach: strictly below the floor", () => {
  it.each([
    ["equity exactly at the daily floor holds", "95000.00", []],
    ["one cent below the daily floor breaches", "94999.99", ["breached"]],
  ])("%s", (_label, equity, types) => {
    const r = run(program({}, [phase(noMax)]), [account("2026-01-05T10:00:00Z", "100000.00", equity, 1)]);
    expect(r.events.map((e) => e.type)).toEqual(types);
  });

  it.each([
    ["static floor exactly", "90000.00", []],
    ["static floor minus a cent", "89999.99", ["max_loss"]],
  ])("max loss: %s", (_label, equity, rules) => {
    const r = run(program({}, [phase(noDaily)]), [account("2026-01-05T10:00:00Z", "100000.00", equity, 1)]);
    expect(r.events.flatMap((e) => e.rules ?? [])).toEqual(rules);
  });

  it("a snapshot under both floors fails on max_loss and lists both", () => {
    const r = run(program(), [account("2026-01-05T10:00:00Z", "100000.00", "89000.00", 1)]);
    expect(r.events).toEqual([
      {
        t: "2026-01-05T10:00:00Z",
        type: "breached",
        phase: 0,
        rule: "max_loss",
        rules: ["max_loss", "daily_loss"],
        equity: "89000.00",
        floor: "90000.00",
      },
    ]);
    expect(r.state.status).toBe("failed");
  });

  it("after a breach nothing else is emitted and the state stays as it was at the breach", () => {
    const r = run(program(), [
      account("2026-01-05T10:00:00Z", "100000.00", "94000.00", 1),
      account("2026-01-05T11:00:00Z", "120000.00", "120000.00", 0),
      clock("2026-01-09T00:00:00Z"),
    ]);
    expect(r.events.map((e) => e.type)).toEqual(["breached"]);
    expect(r.state).toMatchObject({ status: "failed", balance: "100000.00", equity: "94000.00" });
  });

  it("breach is only checked on account events (a clock cannot breach)", () => {
    const r = run(program(), [opened("2026-01-05T10:00:00Z"), clock("2026-01-05T11:00:00Z")]);
    expect(r.events).toEqual([]);
  });
});

describe("the first trading day", () => {
  it("hangs from the phase's initial balance even if the first snapshot differs", () => {
    const r = run(program({}, [phase(noMax)]), [account("2026-01-05T10:00:00Z", "99000.00", "94999.99", 1)]);
    expect(r.events[0]).toMatchObject({ type: "breached", floor: "95000.00" });
  });

  it("with no events the state is the program's start", () => {
    expect(run(program(), []).state).toEqual({
      status: "active",
      phase: 0,
      balance: "100000.00",
      equity: "100000.00",
      dailyFloor: "95000.00",
      maxLossFloor: "90000.00",
      tradingDays: 0,
      bestDayPct: null,
    });
  });
});

describe("day roll", () => {
  it("rolls once over skipped days: the new day hangs from the last known balance", () => {
    const r = run(program(), [account("2026-01-05T10:00:00Z", "101000.00"), clock("2026-01-09T10:00:00Z")]);
    expect(r.state.dailyFloor).toBe("96000.00");
    expect(r.state.bestDayPct).toBe("100.00");
  });

  it("an event exactly at the day start belongs to the new day", () => {
    const r = run(program(), [
      account("2026-01-05T10:00:00Z", "101000.00"),
      account("2026-01-06T00:00:00Z", "101000.00", "95999.99", 1),
    ]);
    expect(r.events[0]).toMatchObject({ type: "breached", rule: "daily_loss", floor: "96000.00" });
  });

  it("an event one millisecond before the day start is still the old day", () => {
    const r = run(program(), [
      account("2026-01-05T10:00:00Z", "101000.00"),
      account("2026-01-05T23:59:59.999Z", "101000.00", "95999.99", 1),
    ]);
    expect(r.events).toEqual([]);
    expect(r.state.dailyFloor).toBe("95000.00");
  });

  it.each([
    ["balance", "93000.00"],
    ["equity", "91000.00"],
    ["max", "93000.00"],
  ])("reference %s is taken at the day start", (reference, floor) => {
    const p = program({}, [
      phase({ dailyLoss: { amount: "5000.00", reference, kind: "hard" }, maxLoss: null }),
    ]);
    const r = run(p, [
      account("2026-01-05T10:00:00Z", "98000.00", "96000.00", 1),
      clock("2026-01-06T01:00:00Z"),
    ]);
    expect(r.state.dailyFloor).toBe(floor);
  });

  it.each([
    ["pct of the initial balance", "initial", "100000.10", "95000.10"],
    ["pct of the reference, rounded half-up (5000.005 → 5000.01)", "reference", "100000.10", "95000.09"],
    [
      "pct of the reference, an exact half rounds up (4999.995 → 5000.00)",
      "reference",
      "99999.90",
      "94999.90",
    ],
    [
      "pct of the reference, below half rounds down (4999.9925 → 4999.99)",
      "reference",
      "99999.85",
      "94999.86",
    ],
  ])("daily amount: %s", (_label, amountBase, balance, floor) => {
    const p = program({}, [phase({ dailyLoss: { pct: 5, amountBase, reference: "balance", kind: "hard" } })]);
    const r = run(p, [account("2026-01-05T10:00:00Z", balance), clock("2026-01-06T01:00:00Z")]);
    expect(r.state.dailyFloor).toBe(floor);
  });
});

describe("soft daily loss", () => {
  const soft = program({}, [
    phase({ dailyLoss: { pct: 5, amountBase: "initial", reference: "balance", kind: "soft" } }),
  ]);

  it("pauses once per trading day and resumes at the next day start", () => {
    const r = run(soft, [
      account("2026-01-05T10:00:00Z", "100000.00", "94000.00", 1),
      account("2026-01-05T11:00:00Z", "100000.00", "93000.00", 1),
      account("2026-01-05T12:00:00Z", "94000.00", "94000.00", 0),
      clock("2026-01-06T00:30:00Z"),
    ]);
    expect(r.events).toEqual([
      {
        t: "2026-01-05T10:00:00Z",
        type: "paused",
        phase: 0,
        rule: "daily_loss",
        equity: "94000.00",
        floor: "95000.00",
      },
      { t: "2026-01-06T00:30:00Z", type: "resumed", phase: 0 },
    ]);
    expect(r.state).toMatchObject({ status: "active", dailyFloor: "89000.00" });
  });

  it("status is paused until the day ends", () => {
    const r = run(soft, [account("2026-01-05T10:00:00Z", "100000.00", "94000.00", 1)]);
    expect(r.state.status).toBe("paused");
  });

  it("pauses again on a later day", () => {
    const r = run(soft, [
      account("2026-01-05T10:00:00Z", "100000.00", "94999.00", 1),
      account("2026-01-06T10:00:00Z", "100000.00", "94999.00", 1),
    ]);
    expect(r.events.map((e) => e.type)).toEqual(["paused", "resumed", "paused"]);
  });

  it("one snapshot under a soft daily floor and the max-loss floor: breached on max_loss only, no pause", () => {
    const r = run(soft, [account("2026-01-05T10:00:00Z", "100000.00", "89000.00", 1)]);
    expect(r.events).toEqual([
      {
        t: "2026-01-05T10:00:00Z",
        type: "breached",
        phase: 0,
        rule: "max_loss",
        rules: ["max_loss"],
        equity: "89000.00",
        floor: "90000.00",
      },
    ]);
  });

  it("trades opened while paused still count as trading days", () => {
    const r = run(soft, [
      account("2026-01-05T10:00:00Z", "100000.00", "94000.00", 1),
      opened("2026-01-05T11:00:00Z"),
    ]);
    expect(r.state).toMatchObject({ status: "paused", tradingDays: 1 });
  });

  it("a max-loss breach while paused still fails the phase (rules lists only the hard rule)", () => {
    const r = run(soft, [
      account("2026-01-05T10:00:00Z", "100000.00", "94000.00", 1),
      account("2026-01-05T11:00:00Z", "100000.00", "89999.99", 1),
    ]);
    expect(r.events[1]).toMatchObject({ type: "breached", rule: "max_loss", rules: ["max_loss"] });
    expect(r.state.status).toBe("failed");
  });
});

describe("max-loss modes", () => {
  const withMax = (maxLoss: object) => program({}, [phase({ dailyLoss: null, maxLoss, profitTarget: null })]);

  it.each([
    // [mode, lockAt, expected floor after the events below]
    ["static", null, "90000.00"],
    ["trailing_eod", null, "94000.00"], // end-of-day balance 104,000
    ["trailing_closed", null, "96000.00"], // highest balance seen 106,000
    ["trailing_intraday", null, "97000.00"], // highest equity seen 107,000
    ["trailing_intraday", "0.00", "97000.00"], // below the lock: still trailing
    ["trailing_closed", "5000.00", "96000.00"], // the lock is above the trailing floor
    ["static", "0.00", "90000.00"], // a lock never moves a static floor
  ])("%s (lockAt %s)", (mode, lockAt, floor) => {
    const r = run(withMax({ pct: 10, mode, lockAt }), [
      account("2026-01-05T10:00:00Z", "100000.00", "107000.00", 1),
      account("2026-01-05T11:00:00Z", "106000.00", "106000.00", 0),
      account("2026-01-05T20:00:00Z", "104000.00", "104000.00", 0),
      clock("2026-01-06T01:00:00Z"),
    ]);
    expect(r.state.maxLossFloor).toBe(floor);
  });

  it.each([
    ["0.00 locks at the initial balance", "0.00", "100000.00"],
    ["-0.00 is zero", "-0.00", "100000.00"],
    ["100.00 locks 100 above it", "100.00", "100100.00"],
  ])("lockAt %s", (_label, lockAt, floor) => {
    const r = run(withMax({ pct: 10, mode: "trailing_intraday", lockAt }), [
      account("2026-01-05T10:00:00Z", "100000.00", "112000.00", 1),
    ]);
    expect(r.state.maxLossFloor).toBe(floor);
  });

  it("trailing_eod does not move during the day", () => {
    const r = run(withMax({ amount: "2000.00", mode: "trailing_eod" }), [
      account("2026-01-05T10:00:00Z", "103000.00"),
      account("2026-01-05T11:00:00Z", "103000.00", "99000.00", 1),
    ]);
    expect(r.events).toEqual([]);
    expect(r.state.maxLossFloor).toBe("98000.00");
  });

  it("a trailing floor never falls after losing days", () => {
    const r = run(withMax({ amount: "2000.00", mode: "trailing_eod" }), [
      account("2026-01-05T10:00:00Z", "103000.00"),
      account("2026-01-06T10:00:00Z", "101500.00"),
      clock("2026-01-07T10:00:00Z"),
    ]);
    expect(r.state.maxLossFloor).toBe("101000.00");
  });

  it("trailing_closed ignores an equity spike; trailing_intraday follows it", () => {
    const spike = [account("2026-01-05T10:00:00Z", "100000.00", "105000.00", 1)];
    expect(run(withMax({ amount: "2000.00", mode: "trailing_closed" }), spike).state.maxLossFloor).toBe(
      "98000.00",
    );
    expect(run(withMax({ amount: "2000.00", mode: "trailing_intraday" }), spike).state.maxLossFloor).toBe(
      "103000.00",
    );
  });

  it("the floor is raised by a snapshot before that snapshot is checked", () => {
    // balance 110,000 raises a trailing_closed floor to 108,000; equity 107,999.99 is below it.
    const r = run(withMax({ amount: "2000.00", mode: "trailing_closed" }), [
      account("2026-01-05T10:00:00Z", "110000.00", "107999.99", 1),
    ]);
    expect(r.events[0]).toMatchObject({ type: "breached", floor: "108000.00" });
  });
});

describe("expiry", () => {
  const expiring = program({}, [phase({ maxDays: 2 })]);

  it("is checked at or after phase start + N × 24 h, counted from the phase's first event", () => {
    const r = run(expiring, [
      account("2026-01-05T10:00:00Z", "100000.00"),
      account("2026-01-07T09:59:59Z", "100500.00"),
      account("2026-01-07T10:00:00Z", "101000.00"),
    ]);
    expect(r.events).toEqual([{ t: "2026-01-07T10:00:00Z", type: "expired", phase: 0 }]);
    // The expiring event itself is not applied.
    expect(r.state).toMatchObject({ status: "failed", balance: "100500.00" });
  });

  it("comes before the day roll and before a breach by the same event", () => {
    const soft = program({}, [
      phase({ maxDays: 1, dailyLoss: { pct: 5, amountBase: "initial", reference: "balance", kind: "soft" } }),
    ]);
    const r = run(soft, [
      account("2026-01-05T10:00:00Z", "100000.00", "94000.00", 1),
      account("2026-01-06T10:00:00Z", "100000.00", "80000.00", 1),
    ]);
    expect(r.events.map((e) => e.type)).toEqual(["paused", "expired"]);
    expect(r.state.dailyFloor).toBe("95000.00");
  });

  it("beats a pass at the same event", () => {
    const r = run(expiring, [
      account("2026-01-05T10:00:00Z", "100000.00"),
      account("2026-01-07T10:00:00Z", "111000.00"),
    ]);
    expect(r.events.map((e) => e.type)).toEqual(["expired"]);
  });

  it("maxDays 0 expires the phase at its first event", () => {
    const r = run(program({}, [phase({ maxDays: 0 })]), [clock("2026-01-05T10:00:00Z")]);
    expect(r.events.map((e) => e.type)).toEqual(["expired"]);
  });
});

describe("passing", () => {
  it("needs balance ≥ initial + target and no open positions", () => {
    const r = run(program(), [
      account("2026-01-05T10:00:00Z", "110000.00", "110000.00", 1),
      account("2026-01-05T11:00:00Z", "109999.99", "109999.99", 0),
      account("2026-01-05T12:00:00Z", "110000.00", "110000.00", 0),
    ]);
    expect(r.events).toEqual([
      { t: "2026-01-05T12:00:00Z", type: "phase_passed", phase: 0, balance: "110000.00" },
    ]);
    expect(r.state.status).toBe("completed");
  });

  it("a trade_opened marks the account not flat until the next snapshot", () => {
    const p = program({}, [phase({ minTradingDays: 2 })]);
    const r = run(p, [
      opened("2026-01-05T09:00:00Z"),
      account("2026-01-05T10:00:00Z", "110000.00", "110000.00", 0),
      opened("2026-01-06T09:00:00Z", "T2"),
      clock("2026-01-06T09:30:00Z"),
      account("2026-01-06T10:00:00Z", "110000.00", "110000.00", 0),
    ]);
    expect(r.events).toEqual([
      { t: "2026-01-06T10:00:00Z", type: "phase_passed", phase: 0, balance: "110000.00" },
    ]);
  });

  it("counts distinct trading days, not trades", () => {
    const p = program({}, [phase({ minTradingDays: 3, profitTarget: null })]);
    const r = run(p, [
      opened("2026-01-05T09:00:00Z", "T1"),
      opened("2026-01-05T10:00:00Z", "T2"),
      opened("2026-01-06T09:00:00Z", "T3"),
      opened("2026-01-08T09:00:00Z", "T4"),
    ]);
    expect(r.state.tradingDays).toBe(3);
  });

  it.each([
    ["50% with maxBestDayPct 50 inclusive passes", true, ["phase_passed"]],
    ["50% with maxBestDayPct 50 exclusive does not", false, []],
  ])("consistency: %s", (_label, inclusive, types) => {
    const p = program({}, [phase({ consistency: { maxBestDayPct: 50, inclusive } })]);
    const r = run(p, [
      account("2026-01-05T10:00:00Z", "105000.00"),
      account("2026-01-06T10:00:00Z", "110000.00"),
    ]);
    expect(r.events.map((e) => e.type)).toEqual(types);
    expect(r.state.bestDayPct).toBe("50.00");
  });

  it("consistency is compared exactly, not after rounding (50.004% > 50%)", () => {
    const p = program({}, [phase({ consistency: { maxBestDayPct: 50, inclusive: true } })]);
    // Day 1: +4,999.56; day 2: +5,000.44; total 10,000.00: best day 50.0044%.
    const r = run(p, [
      account("2026-01-05T10:00:00Z", "104999.56"),
      account("2026-01-06T10:00:00Z", "110000.00"),
    ]);
    expect(r.state.bestDayPct).toBe("50.00");
    expect(r.events).toEqual([]);
  });

  it("bestDayPct is rounded half-up to two decimals (87.655 → 87.66)", () => {
    const r = run(program({}, [phase({ profitTarget: null })]), [
      account("2026-01-05T10:00:00Z", "100024.69"),
      account("2026-01-06T10:00:00Z", "100200.00"),
    ]);
    expect(r.state.bestDayPct).toBe("87.66");
  });

  it.each([
    ["zero", "100000.00"],
    ["negative", "99000.00"],
  ])("bestDayPct is null when total profit is %s", (_label, balance) => {
    expect(run(program(), [account("2026-01-05T10:00:00Z", balance)]).state.bestDayPct).toBeNull();
  });

  it("a funded phase is never passed", () => {
    const r = run(program({}, [phase({ kind: "funded", profitTarget: { pct: 1 } })]), [
      account("2026-01-05T10:00:00Z", "150000.00"),
    ]);
    expect(r.events).toEqual([]);
    expect(r.state.status).toBe("active");
  });

  it("an evaluation phase without a target is never passed", () => {
    const r = run(program({}, [phase({ profitTarget: null })]), [
      account("2026-01-05T10:00:00Z", "150000.00"),
    ]);
    expect(r.events).toEqual([]);
  });

  it("a soft-paused account can still pass", () => {
    const p = program({}, [
      phase({
        profitTarget: { amount: "1000.00" },
        dailyLoss: { amount: "500.00", reference: "equity", kind: "soft" },
        maxLoss: null,
      }),
    ]);
    const r = run(p, [
      account("2026-01-05T10:00:00Z", "102000.00", "102000.00", 1),
      clock("2026-01-06T00:10:00Z"),
      account("2026-01-06T10:00:00Z", "101400.00", "101400.00", 0),
    ]);
    expect(r.events.map((e) => e.type)).toEqual(["paused", "phase_passed"]);
  });
});

describe("phases", () => {
  const twoPhases = program({}, [
    phase({ name: "Challenge" }),
    phase({
      name: "Verification",
      profitTarget: { pct: 5 },
      initialBalance: "50000.00",
      maxLoss: { amount: "1000.00", mode: "trailing_intraday" },
    }),
  ]);

  it("after a pass every event is ignored until phase_start, which starts a fresh phase", () => {
    const r = run(twoPhases, [
      opened("2026-01-05T09:00:00Z"),
      account("2026-01-05T10:00:00Z", "110000.00"),
      account("2026-01-05T11:00:00Z", "50000.00", "50000.00", 0),
      opened("2026-01-05T11:30:00Z"),
      phaseStart("2026-01-08T09:00:00Z"),
    ]);
    expect(r.events).toEqual([
      { t: "2026-01-05T10:00:00Z", type: "phase_passed", phase: 0, balance: "110000.00" },
      { t: "2026-01-08T09:00:00Z", type: "phase_started", phase: 1 },
    ]);
    expect(r.state).toEqual({
      status: "active",
      phase: 1,
      balance: "50000.00",
      equity: "50000.00",
      dailyFloor: "47500.00", // 5% of this phase's own initial balance (50,000)
      maxLossFloor: "49000.00",
      tradingDays: 0,
      bestDayPct: null,
    });
  });

  it("while awaiting the next phase the state shows the passed phase", () => {
    const r = run(twoPhases, [
      account("2026-01-05T10:00:00Z", "110000.00"),
      account("2026-01-05T11:00:00Z", "1.00"),
    ]);
    expect(r.state).toMatchObject({ status: "awaiting_next_phase", phase: 0, balance: "110000.00" });
  });

  it("the next phase's days and expiry count from its phase_start", () => {
    const p = program({}, [
      phase(),
      phase({ maxDays: 1, dailyLoss: { amount: "100.00", reference: "balance", kind: "hard" } }),
    ]);
    const r = run(p, [
      account("2026-01-05T10:00:00Z", "110000.00"),
      phaseStart("2026-01-07T12:00:00Z"),
      account("2026-01-07T13:00:00Z", "100000.00", "99950.00", 1),
      clock("2026-01-08T11:59:59Z"),
      clock("2026-01-08T12:00:00Z"),
    ]);
    expect(r.events.map((e) => `${e.type}:${e.phase}`)).toEqual([
      "phase_passed:0",
      "phase_started:1",
      "expired:1",
    ]);
  });

  it("a phase_start while a phase is running is only time passing", () => {
    const r = run(twoPhases, [
      account("2026-01-05T10:00:00Z", "101000.00"),
      phaseStart("2026-01-06T10:00:00Z"),
    ]);
    expect(r.events).toEqual([]);
    expect(r.state).toMatchObject({ phase: 0, dailyFloor: "96000.00" });
  });

  it("a phase_start as the first event starts phase 0 silently", () => {
    const r = run(program({}, [phase({ maxDays: 1 })]), [
      phaseStart("2026-01-05T10:00:00Z"),
      clock("2026-01-06T10:00:00Z"),
    ]);
    expect(r.events).toEqual([{ t: "2026-01-06T10:00:00Z", type: "expired", phase: 0 }]);
  });
});

describe("times", () => {
  it("echo the input event's own time string, offset included", () => {
    const r = run(program(), [account("2026-01-05T11:00:00+01:00", "100000.00", "94000.00", 1)]);
    expect(r.events[0]!.t).toBe("2026-01-05T11:00:00+01:00");
  });

  it("equal times are processed in file order", () => {
    const r = run(program(), [
      account("2026-01-05T10:00:00Z", "110000.00", "110000.00", 1),
      account("2026-01-05T10:00:00Z", "110000.00", "110000.00", 0),
      account("2026-01-05T10:00:00Z", "80000.00", "80000.00", 0),
    ]);
    expect(r.events.map((e) => e.type)).toEqual(["phase_passed"]);
  });

  it("offsets are compared as instants (10:30+01:00 is before 10:00Z)", () => {
    const r = run(program(), [
      account("2026-01-05T10:30:00+01:00", "100000.00"),
      account("2026-01-05T10:00:00Z", "100000.00"),
    ]);
    expect(r.state.status).toBe("active");
  });

  it("openPositions defaults to 0", () => {
    const r = run(program(), [
      { t: "2026-01-05T10:00:00Z", type: "account", balance: "110000.00", equity: "110000.00" },
    ]);
    expect(r.events.map((e) => e.type)).toEqual(["phase_passed"]);
  });
});
