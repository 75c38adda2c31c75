import { describe, expect, it } from "vitest";
import { account, clock, opened, phase, program, run } from "./test-scenarios";

/**
 * Worked examples that prop firms publish in their help centres, replayed through the contract.
 * Each test carries the firm's own numbers and where they were published. Where a firm's wording
 * differs from the contract (e.g. "reaches" vs strictly below), the test says so and follows the
 * contract.
 */

const noTarget = { profitTarget: null, minTradingDays: 0 };

describe("FTMO", () => {
  // academy.ftmo.com/lesson/maximum-daily-loss — 2-Step, 5% of initial, reset at midnight CE(S)T.
  const ftmo200k = program({ initialBalance: "200000.00", timezone: "Europe/Prague" }, [
    phase({ ...noTarget, maxLoss: { pct: 10, mode: "static" } }),
  ]);

  it("$200,000: after −$8,000 in a day only $2,000 of the $10,000 daily loss is left", () => {
    const r = run(ftmo200k, [
      account("2026-01-05T09:00:00Z", "192000.00"),
      account("2026-01-05T10:00:00Z", "192000.00", "190000.00", 1),
      account("2026-01-05T11:00:00Z", "192000.00", "189999.99", 1),
    ]);
    expect(r.events.map((e) => e.type)).toEqual(["breached"]);
    expect(r.events[0]).toMatchObject({ rule: "daily_loss", floor: "190000.00", equity: "189999.99" });
  });

  it("$200,000: +$4,000 closed on Monday allows a $13,000 floating loss until midnight, not after it", () => {
    // Monday 5 January 2026; midnight in Prague (CET) is 23:00Z.
    const r = run(ftmo200k, [
      opened("2026-01-05T08:00:00Z"),
      account("2026-01-05T10:00:00Z", "204000.00"),
      account("2026-01-05T22:59:00Z", "204000.00", "191000.00", 1), // 23:59 Prague: floor 190,000
      account("2026-01-05T23:00:00Z", "204000.00", "191000.00", 1), // 00:00 Tuesday: floor 194,000
    ]);
    expect(r.events).toEqual([
      {
        t: "2026-01-05T23:00:00Z",
        type: "breached",
        phase: 0,
        rule: "daily_loss",
        rules: ["daily_loss"],
        equity: "191000.00",
        floor: "194000.00",
      },
    ]);
  });

  // academy.ftmo.com/?p=47 — Maximum Loss 10% of the initial balance, on equity.
  it.each([
    ["balance $92,000 with a floating loss of $2,001 breaches", "89999.00", ["breached"]],
    ["balance $92,000 with a floating loss of $2,000 holds (equity exactly $90,000)", "90000.00", []],
  ])("$100,000 Maximum Loss: %s", (_label, equity, types) => {
    const p = program({ timezone: "Europe/Prague" }, [phase({ ...noTarget, dailyLoss: null })]);
    const r = run(p, [
      account("2026-01-05T09:00:00Z", "92000.00"),
      clock("2026-01-06T09:00:00Z"), // a new day, so the daily floor is not in play here
      account("2026-01-06T10:00:00Z", "92000.00", equity, 1),
    ]);
    expect(r.events.map((e) => e.type)).toEqual(types);
    expect(r.state.maxLossFloor).toBe("90000.00");
  });

  // ftmo.com/au/?p=1671 — 1-Step: Maximum Loss trails the end-of-day balance, recalculated at midnight.
  it("1-Step $100,000: limit $90,000 on day 1, $94,000 after a $104,000 close, still $94,000 after $103,000", () => {
    const p = program({ timezone: "Europe/Prague" }, [
      phase({ ...noTarget, dailyLoss: null, maxLoss: { pct: 10, mode: "trailing_eod", lockAt: "0.00" } }),
    ]);
    const floors: string[] = [];
    const days = [
      account("2026-01-05T09:00:00Z", "100000.00"),
      account("2026-01-05T20:00:00Z", "104000.00"),
      account("2026-01-06T20:00:00Z", "103000.00"),
      clock("2026-01-07T09:00:00Z"),
    ];
    for (const n of [1, 3, 4]) floors.push(run(p, days.slice(0, n)).state.maxLossFloor!);
    expect(floors).toEqual(["90000.00", "94000.00", "94000.00"]);
  });

  // ftmo.com/au/faq/what-happens-if-the-best-day-rule-is-not-met-in-ftmo-challenge-1-step
  it("1-Step Best Day Rule 50%: $5,000 on one day is 100% of profit; another $5,000 brings it to 50% and passes", () => {
    const p = program({ timezone: "Europe/Prague" }, [
      phase({
        profitTarget: { pct: 10 },
        dailyLoss: { pct: 3, amountBase: "initial", reference: "balance", kind: "hard" },
        maxLoss: { pct: 10, mode: "trailing_eod", lockAt: "0.00" },
        consistency: { maxBestDayPct: 50, inclusive: true },
      }),
    ]);
    const day1 = [account("2026-01-05T12:00:00Z", "105000.00")];
    expect(run(p, day1).state.bestDayPct).toBe("100.00");
    const r = run(p, [
      ...day1,
      account("2026-01-06T12:00:00Z", "107500.00"),
      account("2026-01-07T12:00:00Z", "110000.00"),
    ]);
    expect(r.state.bestDayPct).toBe("50.00");
    expect(r.events.map((e) => e.type)).toEqual(["phase_passed"]);
  });
});

describe("Topstep (futures, session day ends 17:00 America/Chicago)", () => {
  // Topstep Help Center, "What is the Maximum Loss Limit?" — $50K account, $2,000 MLL.
  const combine = program({ initialBalance: "50000.00", timezone: "America/Chicago", dayStart: "17:00" }, [
    phase({
      ...noTarget,
      dailyLoss: { amount: "1000.00", reference: "balance", kind: "soft" },
      maxLoss: { amount: "2000.00", mode: "trailing_eod", lockAt: "0.00" },
    }),
  ]);

  it("+$500 → MLL $48,500; −$500 next day → stays $48,500; +$2,500 → $52,500 and the MLL locks at $50,000", () => {
    const steps = [
      account("2026-01-05T15:00:00Z", "50500.00"),
      clock("2026-01-05T23:30:00Z"),
      account("2026-01-06T15:00:00Z", "50000.00"),
      clock("2026-01-06T23:30:00Z"),
      account("2026-01-07T15:00:00Z", "52500.00"),
      clock("2026-01-07T23:30:00Z"),
      account("2026-01-08T15:00:00Z", "53500.00"),
      clock("2026-01-08T23:30:00Z"),
    ];
    const floors = [2, 4, 6, 8].map((n) => run(combine, steps.slice(0, n)).state.maxLossFloor);
    expect(floors).toEqual(["48500.00", "48500.00", "50000.00", "50000.00"]);
  });

  it("the Daily Loss Limit is a soft breach: trading stops for the session and resumes at the next one", () => {
    const r = run(combine, [
      account("2026-01-05T15:00:00Z", "49200.00", "48999.00", 1),
      account("2026-01-05T16:00:00Z", "49000.00", "49000.00", 0),
      account("2026-01-05T23:05:00Z", "49000.00"), // 17:05 CST: the next session
    ]);
    expect(r.events.map((e) => e.type)).toEqual(["paused", "resumed"]);
    expect(r.state).toMatchObject({ status: "active", dailyFloor: "48000.00" });
  });
});

describe("Alpha Capital (daily candle close 00:00 GMT+2)", () => {
  // help.alphacapitalgroup.uk/en/articles/6933918 — 5% of the day's starting *balance*.
  const alpha = program({ timezone: "Etc/GMT-2" }, [phase({ ...noTarget, maxLoss: null })]);

  it.each([
    ["balance $100,000, equity $101,000 at the close: minimum equity $95,000", "101000.00"],
    [
      "balance $100,000, equity $99,000 at the close: minimum equity still $95,000 (only $4,000 left)",
      "99000.00",
    ],
  ])("%s", (_label, equityAtClose) => {
    const r = run(alpha, [
      account("2026-01-05T12:00:00Z", "100000.00", equityAtClose, 1),
      clock("2026-01-05T22:00:00Z"), // 00:00 GMT+2
    ]);
    expect(r.state.dailyFloor).toBe("95000.00");
  });
});

describe("E8 Markets", () => {
  // help.e8markets.com/en/articles/9122280 — E8 One: 6% trailing on the peak closed balance, updated
  // immediately, locked at the initial balance once the balance reaches $106,000.
  const e8 = program({}, [
    phase({ ...noTarget, dailyLoss: null, maxLoss: { pct: 6, mode: "trailing_closed", lockAt: "0.00" } }),
  ]);

  it.each([
    ["$100,000 start: loss level $94,000", [], "94000.00"],
    ["balance $101,000: $95,000 at once, not next day", ["101000.00"], "95000.00"],
    ["balance $106,000: locked at $100,000", ["101000.00", "106000.00"], "100000.00"],
    ["balance $108,000 later: still $100,000", ["101000.00", "106000.00", "108000.00"], "100000.00"],
  ])("%s", (_label, balances, floor) => {
    const events = balances.map((b, i) => account(`2026-01-05T1${i}:00:00Z`, b));
    expect(run(e8, events).state.maxLossFloor).toBe(floor);
  });
});

describe("Blue Guardian Futures", () => {
  // help.blueguardianfutures.com/en/articles/9969863 — Guardian accounts: intraday drawdown on
  // the highest *balance*, $2,000 on $50,000.
  it("+$400 closed → highest balance $50,400 → limit $48,400; a $600 loss after it leaves $49,800, still above", () => {
    const p = program({ initialBalance: "50000.00" }, [
      phase({ ...noTarget, dailyLoss: null, maxLoss: { amount: "2000.00", mode: "trailing_closed" } }),
    ]);
    const r = run(p, [
      account("2026-01-05T15:00:00Z", "50400.00"),
      account("2026-01-05T16:00:00Z", "49800.00"),
    ]);
    expect(r.events).toEqual([]);
    expect(r.state.maxLossFloor).toBe("48400.00");
  });

  // Same page: funded accounts trail end of day and lock at the starting balance + $100
  // ("50k is 52.5k + $100 which is 52.6k" with a $2,500 drawdown).
  it("$50,000 with $2,500 EOD drawdown locks at $50,100 once the EOD balance reaches $52,600", () => {
    const p = program({ initialBalance: "50000.00", timezone: "America/Chicago", dayStart: "17:00" }, [
      phase({
        ...noTarget,
        dailyLoss: null,
        maxLoss: { amount: "2500.00", mode: "trailing_eod", lockAt: "100.00" },
      }),
    ]);
    const r = run(p, [
      account("2026-01-05T15:00:00Z", "52600.00"),
      clock("2026-01-05T23:30:00Z"),
      account("2026-01-06T15:00:00Z", "54000.00"),
      clock("2026-01-06T23:30:00Z"),
    ]);
    expect(r.state.maxLossFloor).toBe("50100.00");
  });
});

describe("FundedNext Futures", () => {
  // helpfutures.fundednext.com/en/articles/10740105 — $100K Legacy Challenge, Daily Loss Limit $2,400,
  // a soft breach. FundedNext says "reaches $97,600 or lower"; the contract breaches strictly below.
  const fn = program({ timezone: "America/New_York", dayStart: "17:00" }, [
    phase({
      ...noTarget,
      maxLoss: null,
      dailyLoss: { amount: "2400.00", reference: "balance", kind: "soft" },
    }),
  ]);

  it.each([
    ["equity $97,600.00 holds under the contract's strict rule", "97600.00", []],
    ["equity $97,599.99 disables trading for the day", "97599.99", ["paused"]],
  ])("%s", (_label, equity, types) => {
    const r = run(fn, [account("2026-01-05T15:00:00Z", "100000.00", equity, 1)]);
    expect(r.events.map((e) => e.type)).toEqual(types);
  });
});

describe("Siege Fund (5% of the previous day's balance, reset 5 PM EST)", () => {
  // siegfund.com/tools/faq/question/how-do-you-calculate-the-5-daily-loss-limit-in-2-step-prudent-challenge
  const siege = program({ timezone: "America/New_York", dayStart: "17:00" }, [
    phase({
      ...noTarget,
      maxLoss: null,
      dailyLoss: { pct: 5, amountBase: "reference", reference: "balance", kind: "hard" },
    }),
  ]);

  it.each([
    ["balance $100,000: breach below $95,000", "100000.00", "100000.00", "95000.00"],
    ["floating +$6,000 on $100,000: the limit stays $95,000", "100000.00", "106000.00", "95000.00"],
    ["$5,000 profit: 5% of $105,000 → $99,750", "105000.00", "105000.00", "99750.00"],
  ])("%s", (_label, balance, equity, floor) => {
    const r = run(siege, [
      account("2026-01-05T15:00:00Z", balance, equity, balance === equity ? 0 : 1),
      clock("2026-01-05T22:30:00Z"), // 17:30 EST
    ]);
    expect(r.state.dailyFloor).toBe(floor);
  });
});

describe("Funding Frontier (4% of initial from the higher of balance and equity at 5 PM EST)", () => {
  // fundingfrontier.com/faq/maximum-daily-loss
  const ff = program({ initialBalance: "50000.00", timezone: "America/New_York", dayStart: "17:00" }, [
    phase({
      ...noTarget,
      maxLoss: null,
      dailyLoss: { pct: 4, amountBase: "initial", reference: "max", kind: "hard" },
    }),
  ]);

  it.each([
    ["floating +$1,000 at 5 PM: equity $51,000 − $2,000 = $49,000", "51000.00", "49000.00"],
    ["floating −$1,000 at 5 PM: balance $50,000 − $2,000 = $48,000", "49000.00", "48000.00"],
  ])("%s", (_label, equity, floor) => {
    const r = run(ff, [
      account("2026-01-05T15:00:00Z", "50000.00", equity, 1),
      clock("2026-01-05T22:30:00Z"),
    ]);
    expect(r.state.dailyFloor).toBe(floor);
  });
});

describe("Fintokei ProTrader (5% of the midnight equity snapshot)", () => {
  // dev.fintokei.com/?p=34194 — equity at midnight 103,000 → 97,850; then 101,000 → 95,950.
  it("$100,000: $103,000 at midnight → $97,850 floor; $101,000 the next midnight → $95,950", () => {
    const p = program({ timezone: "Etc/GMT-2" }, [
      phase({
        ...noTarget,
        maxLoss: null,
        dailyLoss: { pct: 5, amountBase: "reference", reference: "equity", kind: "hard" },
      }),
    ]);
    const day1 = [
      account("2026-01-05T12:00:00Z", "102000.00", "103000.00", 1),
      clock("2026-01-05T22:30:00Z"),
    ];
    expect(run(p, day1).state.dailyFloor).toBe("97850.00");
    const day2 = [...day1, account("2026-01-06T12:00:00Z", "101000.00"), clock("2026-01-06T22:30:00Z")];
    expect(run(p, day2).state.dailyFloor).toBe("95950.00");
  });
});

describe("Apex Trader Funding (third-party walk-through of the 50K table)", () => {
  // winenfood.com/tips-for-the-apex-trading-trailing-threshold — $2,500 threshold trailing the peak
  // including unrealized profit: $50,000 → $47,500; peak $51,000 → $48,500.
  it("the threshold follows an unrealized peak within the day", () => {
    const p = program({ initialBalance: "50000.00", timezone: "America/New_York", dayStart: "18:00" }, [
      phase({ ...noTarget, dailyLoss: null, maxLoss: { amount: "2500.00", mode: "trailing_intraday" } }),
    ]);
    expect(run(p, [account("2026-01-05T15:00:00Z", "50000.00")]).state.maxLossFloor).toBe("47500.00");
    const r = run(p, [
      account("2026-01-05T15:00:00Z", "50000.00", "51000.00", 1),
      account("2026-01-05T16:00:00Z", "50200.00", "50200.00", 0),
    ]);
    expect(r.state.maxLossFloor).toBe("48500.00");
  });
});
