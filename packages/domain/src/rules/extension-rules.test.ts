import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { replayScenario } from "./replay-scenario";
import { account, clock, type Json, opened, phase, program, run } from "./test-scenarios";

/** Rules beyond the contract, each switched on by its own optional phase field. */

const base = { profitTarget: null };
const withRule = (rule: Json) => program({}, [phase({ ...base, ...rule })]);
const closed = (t: string, id: string, symbol: string, lots: number, profit: string): Json => ({
  t,
  type: "trade_closed",
  id,
  symbol,
  lots,
  profit,
});
const news = (t: string, time: string, symbols: string[], impact = "high"): Json => ({
  t,
  type: "news",
  time,
  symbols,
  impact,
  title: "US Non-Farm Payrolls",
});
const types = (r: ReturnType<typeof run>) => r.events.map((e) => `${e.type}:${"rule" in e ? e.rule : ""}`);

describe("a program without extensions", () => {
  it("accepts trade_closed and news events and emits nothing for them", () => {
    const r = run(program(), [
      news("2026-01-05T08:00:00Z", "2026-01-05T13:30:00Z", ["USD"]),
      opened("2026-01-05T13:30:00Z", "T1", "EURUSD", { lots: 50 }),
      closed("2026-01-05T13:31:00Z", "T1", "EURUSD", 50, "-4000.00"),
    ]);
    expect(r.events).toEqual([]);
  });
});

describe("early warnings", () => {
  // Daily loss 5% of 100,000 = 5,000 from a 100,000 reference; max loss 10,000 static.
  const warned = withRule({ warnings: { levels: [50, 80] } });

  it("warns once per level as the daily limit is used, then again on a new day", () => {
    const r = run(warned, [
      account("2026-01-05T10:00:00Z", "100000.00", "97500.01", 1), // 49.9998%: nothing
      account("2026-01-05T10:05:00Z", "100000.00", "97500.00", 1), // 50%
      account("2026-01-05T10:10:00Z", "100000.00", "97000.00", 1), // 60%: already warned
      account("2026-01-05T10:15:00Z", "100000.00", "96000.00", 1), // 80%
      account("2026-01-05T10:20:00Z", "100000.00", "96000.00", 1),
      account("2026-01-06T10:00:00Z", "100000.00", "97000.00", 1), // new day: 60% again
    ]);
    expect(r.events).toEqual([
      {
        t: "2026-01-05T10:05:00Z",
        type: "warning",
        phase: 0,
        rule: "daily_loss",
        level: 50,
        equity: "97500.00",
        floor: "95000.00",
      },
      {
        t: "2026-01-05T10:15:00Z",
        type: "warning",
        phase: 0,
        rule: "daily_loss",
        level: 80,
        equity: "96000.00",
        floor: "95000.00",
      },
      {
        t: "2026-01-06T10:00:00Z",
        type: "warning",
        phase: 0,
        rule: "daily_loss",
        level: 50,
        equity: "97000.00",
        floor: "95000.00",
      },
    ]);
  });

  it("a jump past several levels gives one warning at the highest", () => {
    const r = run(warned, [account("2026-01-05T10:00:00Z", "100000.00", "95500.00", 1)]);
    expect(r.events.map((e) => e.level)).toEqual([80]);
  });

  it("can watch the max-loss limit only", () => {
    const p = withRule({ dailyLoss: null, warnings: { levels: [50], rules: ["max_loss"] } });
    const r = run(p, [account("2026-01-05T10:00:00Z", "100000.00", "95000.00", 1)]);
    expect(r.events).toEqual([
      {
        t: "2026-01-05T10:00:00Z",
        type: "warning",
        phase: 0,
        rule: "max_loss",
        level: 50,
        equity: "95000.00",
        floor: "90000.00",
      },
    ]);
  });

  it("a breach is not preceded by a warning from the same snapshot", () => {
    const r = run(warned, [account("2026-01-05T10:00:00Z", "100000.00", "94000.00", 1)]);
    expect(types(r)).toEqual(["breached:daily_loss"]);
  });
});

describe("maximum open lots", () => {
  const lots = (kind: string) => withRule({ maxLots: { perSymbol: 2, total: 3, kind } });

  it("flags a symbol over its limit and the account over its total (soft)", () => {
    const r = run(lots("soft"), [
      opened("2026-01-05T10:00:00Z", "T1", "EURUSD", { lots: 1.5 }),
      opened("2026-01-05T10:01:00Z", "T2", "EURUSD", { lots: 1 }), // EURUSD 2.5 > 2
      closed("2026-01-05T10:02:00Z", "T2", "EURUSD", 1, "10.00"),
      opened("2026-01-05T10:03:00Z", "T3", "GBPUSD", { lots: 2 }), // total 3.5 > 3
    ]);
    expect(r.events).toEqual([
      {
        t: "2026-01-05T10:01:00Z",
        type: "violation",
        phase: 0,
        rule: "max_lots",
        symbol: "EURUSD",
        tradeId: "T2",
        scope: "symbol",
        lots: 2.5,
        limit: 2,
      },
      {
        t: "2026-01-05T10:03:00Z",
        type: "violation",
        phase: 0,
        rule: "max_lots",
        symbol: "GBPUSD",
        tradeId: "T3",
        scope: "total",
        lots: 3.5,
        limit: 3,
      },
    ]);
    expect(r.state.status).toBe("active");
  });

  it("a flat snapshot clears the count; a hard limit fails the phase", () => {
    const r = run(lots("hard"), [
      opened("2026-01-05T10:00:00Z", "T1", "EURUSD", { lots: 2 }),
      account("2026-01-05T11:00:00Z", "100000.00", "100000.00", 0),
      opened("2026-01-05T12:00:00Z", "T2", "EURUSD", { lots: 2 }),
      opened("2026-01-05T12:01:00Z", "T3", "EURUSD", { lots: 0.01 }),
    ]);
    expect(types(r)).toEqual(["breached:max_lots"]);
    expect(r.events[0]).toMatchObject({ t: "2026-01-05T12:01:00Z", rules: ["max_lots"], lots: 2.01 });
    expect(r.state.status).toBe("failed");
  });
});

describe("weekend holding", () => {
  // Cut-off Friday 21:00 UTC; 9 January 2026 is a Friday.
  const weekend = (kind: string) =>
    withRule({ weekendHolding: { cutoff: { day: "friday", time: "21:00" }, kind } });

  it.each([
    ["positions open at the cut-off are flagged", 1, ["violation:weekend_holding"]],
    ["a flat account is not", 0, []],
  ])("%s", (_label, open, expected) => {
    const r = run(weekend("soft"), [
      account("2026-01-09T20:00:00Z", "100000.00", "100000.00", open),
      account("2026-01-11T22:00:00Z", "100000.00", "100000.00", open),
    ]);
    expect(types(r)).toEqual(expected);
    if (open)
      expect(r.events[0]).toMatchObject({ t: "2026-01-11T22:00:00Z", cutoff: "2026-01-09T21:00:00.000Z" });
  });

  it("a trade opened just before the cut-off counts as open; hard fails the phase", () => {
    const r = run(weekend("hard"), [opened("2026-01-09T20:59:00Z"), clock("2026-01-09T21:00:00Z")]);
    expect(types(r)).toEqual(["breached:weekend_holding"]);
    expect(r.state.status).toBe("failed");
  });

  it("checks every weekend, not only the first", () => {
    const r = run(weekend("soft"), [
      account("2026-01-09T20:00:00Z", "100000.00", "100000.00", 0),
      clock("2026-01-12T09:00:00Z"),
      account("2026-01-16T20:00:00Z", "100000.00", "100000.00", 2),
      clock("2026-01-19T09:00:00Z"),
    ]);
    expect(r.events.map((e) => e.t)).toEqual(["2026-01-19T09:00:00Z"]);
  });
});

describe("news windows", () => {
  const nfp = withRule({
    newsWindow: { minutesBefore: 2, minutesAfter: 2, impacts: ["high"], kind: "soft" },
  });
  const calendar = news("2026-01-09T08:00:00Z", "2026-01-09T13:30:00Z", ["USD"]);

  it.each([
    ["opening 1 minute before a USD release on EURUSD", opened("2026-01-09T13:29:00Z", "T1", "EURUSD"), 1],
    ["opening exactly 2 minutes before", opened("2026-01-09T13:28:00Z", "T1", "EURUSD"), 1],
    ["opening 3 minutes before", opened("2026-01-09T13:27:00Z", "T1", "EURUSD"), 0],
    ["an instrument without USD", opened("2026-01-09T13:30:00Z", "T1", "GBPJPY"), 0],
    ["closing 2 minutes after", closed("2026-01-09T13:32:00Z", "T1", "XAUUSD", 1, "5.00"), 1],
    ["closing 2 minutes and 1 second after", closed("2026-01-09T13:32:01Z", "T1", "XAUUSD", 1, "5.00"), 0],
  ])("%s", (_label, trade, count) => {
    const r = run(nfp, [calendar, trade]);
    expect(r.events.length).toBe(count);
    if (count)
      expect(r.events[0]).toMatchObject({
        type: "violation",
        rule: "news_window",
        newsTime: "2026-01-09T13:30:00.000Z",
      });
  });

  it("ignores impacts the program does not restrict", () => {
    const r = run(nfp, [
      news("2026-01-09T08:00:00Z", "2026-01-09T13:30:00Z", ["USD"], "medium"),
      opened("2026-01-09T13:30:00Z"),
    ]);
    expect(r.events).toEqual([]);
  });

  it("matches a listed symbol exactly", () => {
    const r = run(nfp, [
      news("2026-01-09T08:00:00Z", "2026-01-09T13:30:00Z", ["US30"]),
      opened("2026-01-09T13:30:00Z", "T1", "US30"),
    ]);
    expect(types(r)).toEqual(["violation:news_window"]);
  });
});

describe("per-trade maximum loss", () => {
  const capped = (kind: string) => withRule({ maxTradeLoss: { pct: 1, kind } });

  it.each([
    ["a loss of exactly 1% (1,000.00) is allowed", "-1000.00", []],
    ["a loss of 1,000.01 is flagged", "-1000.01", ["violation:trade_loss"]],
    ["a profit is never flagged", "5000.00", []],
  ])("%s", (_label, profit, expected) => {
    const r = run(capped("soft"), [closed("2026-01-05T10:00:00Z", "T1", "EURUSD", 1, profit)]);
    expect(types(r)).toEqual(expected);
  });

  it("a hard limit fails the phase and reports the trade", () => {
    const r = run(capped("hard"), [closed("2026-01-05T10:00:00Z", "T9", "XAUUSD", 2, "-1500.00")]);
    expect(r.events[0]).toMatchObject({
      type: "breached",
      rule: "trade_loss",
      tradeId: "T9",
      symbol: "XAUUSD",
      profit: "-1500.00",
      limit: "1000.00",
    });
  });
});

describe("stop-loss required", () => {
  it.each([
    ["a trade without a stop-loss is flagged", {}, 1],
    ["a trade with one is not", { stopLoss: 1.085 }, 0],
  ])("%s", (_label, extra, count) => {
    const r = run(withRule({ stopLossRequired: { kind: "soft" } }), [
      opened("2026-01-05T10:00:00Z", "T1", "EURUSD", extra),
    ]);
    expect(r.events.length).toBe(count);
  });
});

describe("inactivity", () => {
  const idle = withRule({ inactivity: { days: 30 } });

  it("fails the phase 30 × 24 h after the last trade, not a millisecond earlier", () => {
    const early = run(idle, [opened("2026-01-10T10:00:00Z"), clock("2026-02-09T09:59:59.999Z")]);
    expect(early.events).toEqual([]);
    const r = run(idle, [opened("2026-01-10T10:00:00Z"), clock("2026-02-09T10:00:00Z")]);
    expect(r.events).toEqual([
      {
        t: "2026-02-09T10:00:00Z",
        type: "breached",
        phase: 0,
        rule: "inactivity",
        rules: ["inactivity"],
        equity: "100000.00",
        lastTradeAt: "2026-01-10T10:00:00.000Z",
      },
    ]);
  });

  it("counts from the phase start when there was no trade", () => {
    const r = run(idle, [account("2026-01-05T10:00:00Z", "100000.00"), clock("2026-02-04T10:00:00Z")]);
    expect(types(r)).toEqual(["breached:inactivity"]);
  });
});

describe("extension fields are validated like the rest", () => {
  it.each([
    ["warning level 100", { warnings: { levels: [50, 100] } }, "program.phases[0].warnings.levels[1]"],
    ["warning levels out of order", { warnings: { levels: [80, 50] } }, "program.phases[0].warnings.levels"],
    ["lots without a limit", { maxLots: { kind: "hard" } }, "program.phases[0].maxLots"],
    ["negative lots", { maxLots: { total: -1, kind: "hard" } }, "program.phases[0].maxLots.total"],
    [
      "unknown weekday",
      { weekendHolding: { cutoff: { day: "fri", time: "21:00" }, kind: "hard" } },
      "program.phases[0].weekendHolding.cutoff.day",
    ],
    [
      "unknown impact",
      { newsWindow: { minutesBefore: 2, minutesAfter: 2, impacts: ["huge"], kind: "soft" } },
      "program.phases[0].newsWindow.impacts[0]",
    ],
    ["zero inactivity days", { inactivity: { days: 0 } }, "program.phases[0].inactivity.days"],
    ["stop-loss rule without kind", { stopLossRequired: {} }, "program.phases[0].stopLossRequired.kind"],
  ])("%s → %s", (_label, rule, path) => {
    try {
      replayScenario({ program: withRule(rule), events: [] });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).issues[0]?.path).toBe(path);
    }
  });

  it.each([
    [
      "trade_closed without lots",
      { t: "2026-01-05T10:00:00Z", type: "trade_closed", id: "T", symbol: "X", profit: "1.00" },
      "events[0].lots",
    ],
    [
      "trade_closed with bad profit",
      { t: "2026-01-05T10:00:00Z", type: "trade_closed", id: "T", symbol: "X", lots: 1, profit: 1 },
      "events[0].profit",
    ],
    [
      "news without time",
      { t: "2026-01-05T10:00:00Z", type: "news", symbols: ["USD"], impact: "high" },
      "events[0].time",
    ],
    [
      "news with empty symbols",
      { t: "2026-01-05T10:00:00Z", type: "news", time: "2026-01-05T12:00:00Z", symbols: [], impact: "high" },
      "events[0].symbols",
    ],
    [
      "news with unknown impact",
      {
        t: "2026-01-05T10:00:00Z",
        type: "news",
        time: "2026-01-05T12:00:00Z",
        symbols: ["USD"],
        impact: "big",
      },
      "events[0].impact",
    ],
    [
      "lots with 4 decimals",
      { t: "2026-01-05T10:00:00Z", type: "trade_opened", id: "T", symbol: "X", lots: 0.0001 },
      "events[0].lots",
    ],
  ])("%s → %s", (_label, event, path) => {
    try {
      replayScenario({ program: program(), events: [event] });
      expect.unreachable();
    } catch (e) {
      expect((e as AppError).issues[0]?.path).toBe(path);
    }
  });
});
