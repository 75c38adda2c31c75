import { AppError } from "@propdesk/domain";
import { beforeAll, describe, expect, it } from "vitest";
import { parseScaled } from "../decimal-strings";
import {
  type PlatformUpdate,
  parsePlatformUpdates,
  type TradeClosedUpdate,
  type TradeOpenedUpdate,
} from "../platform-update";
import { centsPerPointPerHundredth, instrumentSpecs } from "../prices/instrument-specs";
import { createMarket, loadMarket } from "./market";
import { profitCentsExact } from "./position-profit";
import { createSimulation, restoreSimulation, type SimAccountConfig, Simulation } from "./simulation";
import { flatBars, randomWalkBars, syntheticSeries } from "./synthetic-series";
import { maxRiskFrac, styleInstrumentSets, TIME, type TraderStyle, traderStyles } from "./trader-styles";

const start = Date.UTC(2026, 0, 5);
const BALANCE = 10_000_000n; // 100,000.00 USD

/** `perStyle` accounts of every style, cycling through each style's instrument sets. */
function mixedAccounts(perStyle: number, prefix = "A"): SimAccountConfig[] {
  const out: SimAccountConfig[] = [];
  for (const style of traderStyles) {
    const sets = styleInstrumentSets[style];
    for (let i = 0; i < perStyle; i++) {
      out.push({
        platformAccountId: `${prefix}-${style}-${i}`,
        balance: BALANCE,
        currency: "USD",
        style,
        instruments: sets[i % sets.length]!,
      });
    }
  }
  return out;
}

interface Trade {
  account: string;
  style: TraderStyle;
  opened: TradeOpenedUpdate;
  closed?: TradeClosedUpdate;
  /** Balance of the account when the trade was opened, cents. */
  balanceAtOpen: number;
}

/** Pairs opens and closes and tracks each account's balance from the stream itself. */
function tradesOf(updates: readonly PlatformUpdate[], styleOf: (account: string) => TraderStyle): Trade[] {
  const balance = new Map<string, number>();
  const open = new Map<string, Trade>();
  const trades: Trade[] = [];
  for (const u of updates) {
    if (u.type === "account") balance.set(u.account, parseScaled(u.balance, 2));
    else if (u.type === "trade_opened") {
      const t: Trade = {
        account: u.account,
        style: styleOf(u.account),
        opened: u,
        balanceAtOpen: balance.get(u.account)!,
      };
      open.set(u.tradeId, t);
      trades.push(t);
    } else if (u.type === "trade_closed") {
      open.get(u.tradeId)!.closed = u;
      balance.set(u.account, balance.get(u.account)! + parseScaled(u.profit, 2));
    }
  }
  return trades;
}

const minutes = (t: Trade) => (Date.parse(t.closed!.t) - Date.parse(t.opened.t)) / TIME.MINUTE;
const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe("Simulation over the bundled market", () => {
  // One long shared run: 20 traders of each style for 10 simulated days.
  let updates: PlatformUpdate[];
  let trades: Trade[];
  const accounts = mixedAccounts(20);
  const styleOf = (id: string) => accounts.find((a) => a.platformAccountId === id)!.style;

  beforeAll(() => {
    const sim = createSimulation({ seed: 2026, startTime: start, accounts });
    updates = sim.advanceTo(start + 10 * TIME.DAY);
    trades = tradesOf(updates, styleOf);
  });

  it("is deterministic: the same seed gives the same stream, however the time is sliced", () => {
    const a = createSimulation({ seed: 7, startTime: start, accounts: mixedAccounts(2) });
    const b = createSimulation({ seed: 7, startTime: start, accounts: mixedAccounts(2) });
    const whole = a.advanceTo(start + 2 * TIME.DAY);
    const sliced: PlatformUpdate[] = [];
    for (let t = start; t <= start + 2 * TIME.DAY; t += 17 * TIME.MINUTE + 3_000)
      sliced.push(...b.advanceTo(t));
    sliced.push(...b.advanceTo(start + 2 * TIME.DAY));
    expect(whole.length).toBeGreaterThan(1_000);
    expect(sliced).toEqual(whole);
  });

  it("bounding each batch with maxUpdates does not change the stream", () => {
    const whole = createSimulation({ seed: 7, startTime: start, accounts: mixedAccounts(2) }).advanceTo(
      start + TIME.DAY,
    );
    const sim = createSimulation({ seed: 7, startTime: start, accounts: mixedAccounts(2) });
    const batches: PlatformUpdate[][] = [];
    while (sim.now < start + TIME.DAY) batches.push(sim.advanceTo(start + TIME.DAY, { maxUpdates: 500 }));
    expect(batches.length).toBeGreaterThan(10);
    // A batch stops after the instant that filled it, so it may overshoot by that instant's updates.
    expect(Math.max(...batches.map((b) => b.length))).toBeLessThan(500 + 10 * 3);
    expect(batches.flat()).toEqual(whole);
  });

  it("different seeds give different streams", () => {
    const run = (seed: number | string) =>
      createSimulation({ seed, startTime: start, accounts: mixedAccounts(2) }).advanceTo(start + TIME.DAY);
    expect(run(7)).not.toEqual(run(8));
    expect(run("demo-a")).not.toEqual(run("demo-b"));
  });

  it("emits updates in time order with seq strictly increasing (1, 2, 3...) per account", () => {
    const seq = new Map<string, number>();
    let last = Number.NEGATIVE_INFINITY;
    let outOfOrder = 0;
    let badSeq = 0;
    for (const u of updates) {
      const t = Date.parse(u.t);
      if (t < last) outOfOrder++;
      last = t;
      if (u.seq !== (seq.get(u.account) ?? 0) + 1) badSeq++;
      seq.set(u.account, u.seq);
    }
    expect(outOfOrder).toBe(0);
    expect(badSeq).toBe(0);
    expect(seq.size).toBe(accounts.length);
  });

  it("everything it emits passes the wire-format schema", () => {
    for (let i = 0; i < updates.length; i += 5_000) {
      expect(() => parsePlatformUpdates(updates.slice(i, i + 5_000))).not.toThrow();
    }
  });

  it("sends every account an update at least every 5 simulated minutes, weekends included", () => {
    const lastAt = new Map<string, number>();
    let worst = 0;
    for (const u of updates) {
      if (u.type !== "account") continue;
      const t = Date.parse(u.t);
      const prev = lastAt.get(u.account);
      if (prev !== undefined) worst = Math.max(worst, t - prev);
      lastAt.set(u.account, t);
    }
    expect(worst).toBeLessThanOrEqual(5 * TIME.MINUTE);
    for (const t of lastAt.values()) expect(t).toBeGreaterThan(start + 10 * TIME.DAY - 5 * TIME.MINUTE);
  });

  it("every style trades, and trade events agree with the account updates that follow them", () => {
    for (const style of traderStyles)
      expect(trades.filter((t) => t.style === style).length).toBeGreaterThan(10);
    // Each trade_closed is followed (same time, same account) by an account update with the new balance.
    const pendingBalance = new Map<string, number>();
    let checked = 0;
    for (const u of updates) {
      if (u.type === "trade_closed") pendingBalance.set(u.account, 1);
      else if (u.type === "account" && pendingBalance.has(u.account)) {
        pendingBalance.delete(u.account);
        checked++;
      }
    }
    expect(pendingBalance.size).toBe(0);
    expect(checked).toBeGreaterThan(100);
  });

  it("martingale doubles the size after each loss", () => {
    let doubled = 0;
    let afterLoss = 0;
    for (const acc of accounts.filter((a) => a.style === "martingale")) {
      const mine = trades.filter((t) => t.account === acc.platformAccountId);
      for (let i = 1; i < mine.length; i++) {
        const prev = mine[i - 1]!.closed!;
        if (parseScaled(prev.profit, 2) < 0) {
          afterLoss++;
          if (parseScaled(mine[i]!.opened.lots, 2) === 2 * parseScaled(prev.lots, 2)) doubled++;
        }
      }
    }
    expect(afterLoss).toBeGreaterThan(50);
    expect(doubled).toBe(afterLoss);
  });

  it("reckless trades carry no stop-loss and far more exposure than disciplined ones", () => {
    const exposure = (t: Trade) => {
      const spec = instrumentSpecs[t.opened.symbol]!;
      const v = centsPerPointPerHundredth(spec);
      const notional =
        (parseScaled(t.opened.price, spec.digits) * parseScaled(t.opened.lots, 2) * v.num) / v.den;
      return notional / t.balanceAtOpen;
    };
    const reckless = trades.filter((t) => t.style === "reckless");
    const disciplined = trades.filter((t) => t.style === "disciplined");
    expect(reckless.every((t) => t.opened.stopLoss === null)).toBe(true);
    expect(disciplined.every((t) => t.opened.stopLoss !== null)).toBe(true);
    expect(median(reckless.map(exposure))).toBeGreaterThan(3 * median(disciplined.map(exposure)));
    expect(median(reckless.map(exposure))).toBeGreaterThanOrEqual(10);
  });

  it("scalper trades are short; swing trades last days and sometimes stay open over a weekend", () => {
    const closedOf = (style: TraderStyle) => trades.filter((t) => t.style === style && t.closed);
    const scalps = closedOf("scalper").map(minutes);
    const swings = closedOf("swing").map(minutes);
    expect(scalps.length).toBeGreaterThan(1_000);
    expect(median(scalps)).toBeLessThanOrEqual(30);
    // A scalper's 30-minute limit can only be exceeded across a market's short daily break.
    expect(scalps.filter((m) => m > 95)).toEqual([]);
    expect(median(swings)).toBeGreaterThan(12 * 60);
    // Markets close for ~48 h at weekends: only a held-over position lasts that long.
    expect(swings.filter((m) => m > 48 * 60).length).toBeGreaterThan(0);
    for (const style of ["scalper", "martingale", "disciplined"] as const) {
      expect(closedOf(style).filter((t) => minutes(t) > 12 * 60 + 65)).toEqual([]);
    }
  });

  it("disciplined traders risk at most 1% of the balance per trade (entry to stop-loss), 0.5-1% typically", () => {
    const risks = trades
      .filter((t) => t.style === "disciplined")
      .map((t) => {
        const spec = instrumentSpecs[t.opened.symbol]!;
        const v = centsPerPointPerHundredth(spec);
        const cents = profitCentsExact(
          1,
          parseScaled(t.opened.lots, 2),
          parseScaled(t.opened.stopLoss!, spec.digits),
          parseScaled(t.opened.price, spec.digits),
          v.num,
          v.den,
        );
        return Math.abs(Number(cents)) / t.balanceAtOpen;
      });
    expect(risks.length).toBeGreaterThan(200);
    expect(Math.max(...risks)).toBeLessThanOrEqual(maxRiskFrac.disciplined);
    expect(median(risks)).toBeGreaterThan(0.005);
  });

  it("profit of every closed trade is the price move at its lots, net of commission and swap", () => {
    let checked = 0;
    for (const t of trades) {
      if (!t.closed || t.style !== "scalper") continue;
      const spec = instrumentSpecs[t.opened.symbol]!;
      const v = centsPerPointPerHundredth(spec);
      const lots = parseScaled(t.opened.lots, 2);
      const gross = profitCentsExact(
        t.opened.side === "buy" ? 1 : -1,
        lots,
        parseScaled(t.opened.price, spec.digits),
        parseScaled(t.closed.price, spec.digits),
        v.num,
        v.den,
      );
      const commission = Math.round((spec.commissionPerLotCents * lots) / 100);
      // Scalpers hold minutes, so only a midnight crossing can add a swap.
      const crossedMidnight =
        Math.floor(Date.parse(t.closed.t) / TIME.DAY) !== Math.floor(Date.parse(t.opened.t) / TIME.DAY);
      if (crossedMidnight) continue;
      expect(parseScaled(t.closed.profit, 2)).toBe(Number(gross) - commission);
      checked++;
    }
    expect(checked).toBeGreaterThan(1_000);
  });
});

describe("Simulation mechanics on synthetic prices", () => {
  it("fills take-profits and stop-losses at their level when a bar's high/low reaches it", () => {
    // Flat at 1.10000, then one bar spikes to 1.10500 and comes back: longs hit their targets,
    // shorts their stops (the ask is bid + 3 points).
    const bars = flatBars(120, 110_000, {
      60: { open: 110_000, high: 110_500, low: 110_000, close: 110_000 },
    });
    const market = createMarket([syntheticSeries("EURUSD", 5, bars)]);
    const accounts = Array.from({ length: 200 }, (_, i) => ({
      platformAccountId: `D${i}`,
      balance: BALANCE,
      currency: "USD",
      style: "disciplined" as const,
      instruments: ["EURUSD"],
    }));
    const sim = createSimulation({ seed: 1, startTime: start, accounts, market });
    const ups = sim.advanceTo(start + 60 * TIME.MINUTE);
    const opened = new Map(
      ups.filter((u): u is TradeOpenedUpdate => u.type === "trade_opened").map((u) => [u.tradeId, u]),
    );
    const atSpike = ups.filter(
      (u): u is TradeClosedUpdate =>
        u.type === "trade_closed" && u.t === new Date(start + 60 * TIME.MINUTE).toISOString(),
    );
    expect(atSpike.length).toBeGreaterThan(20);
    for (const c of atSpike) {
      const o = opened.get(c.tradeId)!;
      expect(c.price).toBe(o.side === "buy" ? o.takeProfit : o.stopLoss);
    }
    expect(new Set(atSpike.map((c) => c.side))).toEqual(new Set(["buy", "sell"]));
  });

  it("a gap through the level fills at the bar's open, not at the level", () => {
    const bars = flatBars(120, 110_000, {
      60: { open: 110_500, high: 110_500, low: 110_500, close: 110_500 },
    });
    for (let i = 61; i < 120; i++) bars[i] = { open: 110_500, high: 110_500, low: 110_500, close: 110_500 };
    const market = createMarket([syntheticSeries("EURUSD", 5, bars)]);
    const accounts = Array.from({ length: 200 }, (_, i) => ({
      platformAccountId: `D${i}`,
      balance: BALANCE,
      currency: "USD",
      style: "disciplined" as const,
      instruments: ["EURUSD"],
    }));
    const ups = createSimulation({ seed: 1, startTime: start, accounts, market }).advanceTo(
      start + 60 * TIME.MINUTE,
    );
    const closed = ups.filter(
      (u): u is TradeClosedUpdate =>
        u.type === "trade_closed" && u.t === new Date(start + 60 * TIME.MINUTE).toISOString(),
    );
    expect(closed.length).toBeGreaterThan(20);
    // Longs exit on the bid (the open), shorts on the ask (open + spread).
    for (const c of closed) expect(c.price).toBe(c.side === "buy" ? "1.10500" : "1.10503");
  });

  it("marks equity at every bar while positions are open", () => {
    const market = createMarket([syntheticSeries("EURUSD", 5, randomWalkBars(3_000, 110_000, 20, 5))]);
    const accounts = Array.from({ length: 30 }, (_, i) => ({
      platformAccountId: `S${i}`,
      balance: BALANCE,
      currency: "USD",
      style: traderStyles[i % 5]!,
      instruments: ["EURUSD"],
    }));
    const ups = createSimulation({ seed: 3, startTime: start, accounts, market }).advanceTo(
      start + 2_000 * TIME.MINUTE,
    );
    const last = new Map<string, { t: number; open: number }>();
    let withPositions = 0;
    let equityMoved = 0;
    const lastEquity = new Map<string, string>();
    for (const u of ups) {
      if (u.type !== "account") continue;
      const t = Date.parse(u.t);
      const prev = last.get(u.account);
      if (prev && prev.open > 0) {
        withPositions++;
        expect(t - prev.t).toBeLessThanOrEqual(TIME.MINUTE);
        if (lastEquity.get(u.account) !== u.equity) equityMoved++;
      }
      last.set(u.account, { t, open: u.openPositions });
      lastEquity.set(u.account, u.equity);
    }
    expect(withPositions).toBeGreaterThan(5_000);
    expect(equityMoved / withPositions).toBeGreaterThan(0.5);
  });

  it("loops the series: after the last bar the first comes back, one bar later", () => {
    const bars = Array.from({ length: 10 }, (_, i) => {
      const p = 110_000 + i * 10;
      return { open: p, high: p, low: p, close: p };
    });
    const market = createMarket([syntheticSeries("EURUSD", 5, bars)]);
    const sim = createSimulation({ seed: 1, startTime: start, market });
    expect(sim.quote("EURUSD")).toBeNull();
    sim.advanceTo(start + 9 * TIME.MINUTE);
    expect(sim.quote("EURUSD")).toEqual({ time: start + 9 * TIME.MINUTE, bid: "1.10090", ask: "1.10093" });
    sim.advanceTo(start + 10 * TIME.MINUTE);
    expect(sim.quote("EURUSD")).toEqual({ time: start + 10 * TIME.MINUTE, bid: "1.10000", ask: "1.10003" });
    sim.advanceTo(start + 22 * TIME.MINUTE + 30_000);
    expect(sim.quote("EURUSD")).toEqual({ time: start + 22 * TIME.MINUTE, bid: "1.10020", ask: "1.10023" });
  });

  it("maps the first bar of every series to startTime, keeping real gaps", () => {
    const sim = createSimulation({ seed: 1, startTime: start, market: loadMarket() });
    sim.advanceTo(start);
    for (const m of sim.market.instruments) expect(sim.quote(m.symbol)!.time).toBe(start);
    // The gold file opens Tuesday 2026-03-24 14:00Z; its last bar of that week is Friday 20:56Z and
    // the next opens Sunday 22:00Z. Simulated time keeps those offsets from startTime.
    const lastBeforeWeekend = Date.parse("2026-03-27T20:56:00Z") - Date.parse("2026-03-24T14:00:00Z");
    const reopen = Date.parse("2026-03-29T22:00:00Z") - Date.parse("2026-03-24T14:00:00Z");
    sim.advanceTo(start + reopen - 1);
    expect(sim.quote("XAUUSD")!.time).toBe(start + lastBeforeWeekend);
    sim.advanceTo(start + reopen);
    expect(sim.quote("XAUUSD")!.time).toBe(start + reopen);
  });

  it("refuses to go back in time and validates accounts with precise paths", () => {
    const sim = createSimulation({ seed: 1, startTime: start });
    sim.advanceTo(start + TIME.HOUR);
    expect(() => sim.advanceTo(start)).toThrow(/cannot go back/);
    try {
      createSimulation({
        seed: 1,
        startTime: start,
        accounts: [
          {
            platformAccountId: "X",
            balance: 0n,
            currency: "EUR",
            style: "yolo" as TraderStyle,
            instruments: ["BTCUSD"],
          },
        ],
      });
      expect.unreachable();
    } catch (e) {
      expect((e as AppError).code).toBe("VALIDATION");
      expect((e as AppError).issues.map((i) => i.path)).toEqual([
        "accounts.0.currency",
        "accounts.0.balance",
        "accounts.0.style",
        "accounts.0.instruments.0",
      ]);
    }
  });
});

describe("Simulation actions", () => {
  it("trading disabled: the trader opens nothing new until enabled again", () => {
    const accounts = mixedAccounts(3, "T").filter((a) => a.style === "scalper");
    const sim = createSimulation({ seed: 11, startTime: start, accounts });
    sim.advanceTo(start + TIME.DAY);
    const off = accounts[0]!.platformAccountId;
    sim.setTradingEnabled(off, false);
    const during = sim.advanceTo(start + 3 * TIME.DAY);
    expect(during.filter((u) => u.type === "trade_opened" && u.account === off)).toEqual([]);
    expect(during.filter((u) => u.type === "trade_opened" && u.account !== off).length).toBeGreaterThan(10);
    sim.setTradingEnabled(off, true);
    // EURUSD's replay has its weekend on simulated days 3-5.
    const after = sim.advanceTo(start + 7 * TIME.DAY);
    expect(after.filter((u) => u.type === "trade_opened" && u.account === off).length).toBeGreaterThan(0);
  });

  it("close all realises every position at the current close; equity before equals balance after", () => {
    const accounts = mixedAccounts(6, "C").filter((a) => a.style === "reckless" || a.style === "swing");
    const sim = createSimulation({ seed: 5, startTime: start, accounts });
    sim.advanceTo(start + 20 * TIME.HOUR);
    let checked = 0;
    for (const { platformAccountId: id } of accounts) {
      const before = sim.account(id);
      if (before.openPositions === 0) continue;
      const result = sim.closeAllPositions(id);
      const after = sim.account(id);
      expect(result.closed).toBe(before.openPositions);
      expect(after.openPositions).toBe(0);
      expect(after.balance - before.balance).toBe(result.realizedProfit);
      expect(after.balance).toBe(before.equity);
      expect(after.equity).toBe(after.balance);
      checked++;
    }
    expect(checked).toBeGreaterThan(2);
    const ups = sim.advanceTo(sim.now);
    const closes = ups.filter((u) => u.type === "trade_closed");
    expect(closes.length).toBeGreaterThan(checked - 1);
    expect(new Set(ups.map((u) => u.t))).toEqual(new Set([new Date(start + 20 * TIME.HOUR).toISOString()]));
  });

  it("a balance adjustment moves balance and equity by the amount and is announced", () => {
    const sim = createSimulation({ seed: 5, startTime: start, accounts: mixedAccounts(1, "B") });
    sim.advanceTo(start + 6 * TIME.HOUR);
    const id = "B-reckless-0";
    const before = sim.account(id);
    const balance = sim.adjustBalance(id, -123_456n, "ADJ-9", "payout 9");
    const after = sim.account(id);
    expect(balance).toBe(before.balance - 123_456n);
    expect(after.balance).toBe(before.balance - 123_456n);
    expect(after.equity).toBe(before.equity - 123_456n);
    const ups = sim.advanceTo(sim.now).filter((u) => u.account === id);
    expect(ups.map((u) => u.type)).toEqual(["balance_adjustment", "account"]);
    expect(ups[0]).toMatchObject({ adjustmentId: "ADJ-9", amount: "-1234.56", reason: "payout 9" });
    expect(() => sim.adjustBalance(id, -(after.balance + 1n), "ADJ-10", "too much")).toThrow(/exceeds/);
    expect(() => sim.adjustBalance(id, 0n, "ADJ-11", "nothing")).toThrow(/non-zero/);
    expect(() => sim.adjustBalance("nope", 1n, "ADJ-12", "x")).toThrow(AppError);
  });
});

describe("Simulation snapshot and restore", () => {
  it("a restored simulation continues exactly as the original", () => {
    const accounts = mixedAccounts(4, "R");
    const straight = createSimulation({ seed: 9, startTime: start, accounts });
    const expected = straight.advanceTo(start + 3 * TIME.DAY);

    const first = createSimulation({ seed: 9, startTime: start, accounts });
    const part1 = first.advanceTo(start + TIME.DAY + 7 * TIME.MINUTE);
    const json = JSON.stringify(first.snapshot());
    const resumed = restoreSimulation(JSON.parse(json));
    expect(resumed).toBeInstanceOf(Simulation);
    const part2 = resumed.advanceTo(start + 3 * TIME.DAY);
    expect([...part1, ...part2]).toEqual(expected);
  });

  it("keeps pending action updates and refuses a snapshot over other prices", () => {
    const sim = createSimulation({ seed: 9, startTime: start, accounts: mixedAccounts(1, "P") });
    sim.advanceTo(start + TIME.HOUR);
    sim.adjustBalance("P-swing-0", 5_000n, "ADJ-1", "bonus");
    const snap = JSON.parse(JSON.stringify(sim.snapshot()));
    const resumed = restoreSimulation(snap);
    expect(resumed.advanceTo(resumed.now).map((u) => u.type)).toEqual(["balance_adjustment", "account"]);
    const other = createMarket([syntheticSeries("EURUSD", 5, flatBars(10, 110_000))]);
    expect(() => restoreSimulation(snap, { market: other })).toThrow(/other price data/);
  });
});
