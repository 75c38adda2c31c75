import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import type { TradeOpenedEvent } from "./copy-trading";
import { detectCopyAndHedgeTrading } from "./copy-trading";

const T0 = Date.UTC(2025, 2, 3, 14, 30);
let seq = 0;
const trade = (
  traderId: string,
  side: "buy" | "sell",
  atSeconds: number,
  opts: { symbol?: string; volume?: number; accountId?: string } = {},
): TradeOpenedEvent => ({
  tradeId: `tr${++seq}`,
  accountId: opts.accountId ?? `acc-${traderId}`,
  traderId,
  symbol: opts.symbol ?? "EURUSD",
  side,
  volume: opts.volume ?? 1,
  openedAt: T0 + atSeconds * 1000,
});

/** n pairs: trader a opens, trader b opens `gap` seconds later; pairs are a minute apart. */
function pairs(
  n: number,
  b: { side?: "buy" | "sell"; gap?: number; volume?: number; trader?: string; symbol?: string } = {},
): TradeOpenedEvent[] {
  return Array.from({ length: n }, (_, i) => [
    trade("alice", "buy", i * 60, { symbol: b.symbol ?? "EURUSD" }),
    trade(b.trader ?? "bob", b.side ?? "buy", i * 60 + (b.gap ?? 2), {
      volume: b.volume ?? 1,
      symbol: b.symbol ?? "EURUSD",
      ...(b.trader === "alice" ? { accountId: "acc-alice-2" } : {}),
    }),
  ]).flat();
}

describe("detectCopyAndHedgeTrading fires", () => {
  it.each([
    ["copy trading at the minimum count", pairs(5), "copy_trading", "medium", 5],
    ["copy trading at twice the minimum is high", pairs(10), "copy_trading", "high", 10],
    ["hedging (opposite direction)", pairs(5, { side: "sell" }), "hedging", "high", 5],
    ["sizes within the ratio (0.8 vs 1)", pairs(5, { volume: 0.8 }), "copy_trading", "medium", 5],
    ["b opening first counts too", pairs(5, { gap: -3 }), "copy_trading", "medium", 5],
  ] as const)("%s", (_label, events, kind, severity, count) => {
    const signals = detectCopyAndHedgeTrading(events);
    expect(signals.map((s) => [s.kind, s.severity, s.traderId, s.relatedTraderIds])).toEqual([
      [kind, severity, "alice", ["bob"]],
      [kind, severity, "bob", ["alice"]],
    ]);
    expect(signals[0]!.evidence.pairs).toBe(count);
  });

  it("says why it fired and shows example pairs", () => {
    const [s] = detectCopyAndHedgeTrading(pairs(6, { side: "sell" }), { traderIds: ["alice"] });
    expect(s!.reason).toBe(
      "6 trades on EURUSD opened in the opposite direction within 10 s of trader bob's, with sizes within 80% of each other (fires from 5).",
    );
    expect(s!.evidence).toMatchObject({
      pairs: 6,
      symbols: ["EURUSD"],
      accountIds: ["acc-alice"],
      otherAccountIds: ["acc-bob"],
      windowMs: 10_000,
    });
    expect(s!.evidence.examples).toHaveLength(5);
    expect(s!.evidence.examples[0]).toMatchObject({
      symbol: "EURUSD",
      gapMs: 2000,
      trade: { side: "buy" },
      other: { side: "sell" },
    });
  });

  it("counts pairs across symbols", () => {
    const events = [...pairs(3, { symbol: "EURUSD" }), ...pairs(3, { symbol: "XAUUSD" })];
    const [s] = detectCopyAndHedgeTrading(events, { traderIds: ["bob"] });
    expect(s!.evidence.symbols).toEqual(["EURUSD", "XAUUSD"]);
    expect(s!.reason).toMatch(/^6 trades on EURUSD and XAUUSD/);
  });
});

describe("detectCopyAndHedgeTrading does not fire", () => {
  it.each([
    ["below the minimum count", pairs(4), {}],
    ["opened further apart than the window", pairs(8, { gap: 11 }), {}],
    ["sizes too different (0.5 vs 1)", pairs(8, { volume: 0.5 }), {}],
    ["one trader on two of their own accounts", pairs(8, { trader: "alice" }), {}],
    [
      "different symbols at the same time",
      Array.from({ length: 8 }, (_, i) => [
        trade("alice", "buy", i * 60, { symbol: "EURUSD" }),
        trade("bob", "buy", i * 60 + 1, { symbol: "GBPUSD" }),
      ]).flat(),
      {},
    ],
    ["a tighter window set by the firm", pairs(8, { gap: 4 }), { windowMs: 3000 }],
    [
      "one trade of alice cannot pair with many trades of bob",
      [trade("alice", "buy", 0), ...Array.from({ length: 8 }, (_, i) => trade("bob", "buy", i))],
      {},
    ],
  ] as const)("%s", (_label, events, opts) => {
    expect(detectCopyAndHedgeTrading(events, opts)).toEqual([]);
  });
});

describe("detectCopyAndHedgeTrading options and scale", () => {
  it.each([
    ["windowMs", { windowMs: 0 }],
    ["minSizeRatio", { minSizeRatio: 1.5 }],
    ["minPairs", { minPairs: 0 }],
  ])("refuses a bad %s, naming it", (path, opts) => {
    try {
      detectCopyAndHedgeTrading([], opts);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).issues.map((i) => i.path)).toEqual([path]);
    }
  });

  it("every reported pair really is within the window, similar in size and between different traders", () => {
    const event = fc.record({
      traderId: fc.constantFrom("a", "b", "c"),
      symbol: fc.constantFrom("EURUSD", "XAUUSD"),
      side: fc.constantFrom("buy" as const, "sell" as const),
      volume: fc.constantFrom(0.5, 0.9, 1, 1.1, 2),
      openedAt: fc.integer({ min: 0, max: 120_000 }),
    });
    fc.assert(
      fc.property(fc.array(event, { maxLength: 60 }), (raw) => {
        const events = raw.map((e, i) => ({ ...e, tradeId: `x${i}`, accountId: `acc-${e.traderId}` }));
        for (const s of detectCopyAndHedgeTrading(events, { minPairs: 1, maxExamples: 1000 })) {
          expect(s.evidence.examples).toHaveLength(s.evidence.pairs);
          const used = new Set<string>();
          for (const ex of s.evidence.examples) {
            expect(ex.gapMs).toBeLessThanOrEqual(10_000);
            expect(
              Math.min(ex.trade.volume, ex.other.volume) / Math.max(ex.trade.volume, ex.other.volume),
            ).toBeGreaterThanOrEqual(0.8);
            expect(ex.trade.side === ex.other.side).toBe(s.kind === "copy_trading");
            // Each trade appears in at most one pair of this signal.
            expect(used.has(ex.trade.tradeId) || used.has(ex.other.tradeId)).toBe(false);
            used.add(ex.trade.tradeId);
            used.add(ex.other.tradeId);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("handles a day of trade events for thousands of traders without comparing all pairs", () => {
    // 100,000 events: an all-pairs comparison would be 5e9 checks; the windowed scan is ~1e6.
    const events: TradeOpenedEvent[] = [];
    for (let i = 0; i < 100_000; i++) {
      events.push({
        tradeId: `e${i}`,
        accountId: `acc${i % 5000}`,
        traderId: `t${i % 5000}`,
        symbol: ["EURUSD", "XAUUSD", "US30", "NAS100", "GBPUSD"][i % 5]!,
        side: i % 3 === 0 ? "sell" : "buy",
        volume: 1 + (i % 7) / 10,
        openedAt: T0 + i * 800,
      });
    }
    const started = performance.now();
    detectCopyAndHedgeTrading(events);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
