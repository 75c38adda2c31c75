import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatScaled, parseScaled } from "../decimal-strings";
import { centsPerPointPerHundredth, type InstrumentSpec, instrumentSpecs } from "../prices/instrument-specs";
import { divRoundHalfAway, profitCents, profitCentsExact } from "./position-profit";

/** Profit in USD of `lots` of `symbol` from `entry` to `exit`, through the simulator's arithmetic. */
function profit(spec: InstrumentSpec, side: 1 | -1, lots: string, entry: string, exit: string): string {
  const v = centsPerPointPerHundredth(spec);
  const cents = profitCents(
    side,
    parseScaled(lots, 2),
    parseScaled(entry, spec.digits),
    parseScaled(exit, spec.digits),
    v.num,
    v.den,
  );
  return formatScaled(cents, 2);
}

// A JPY-quoted pair is not in the bundled data; this one checks the fixed-rate conversion path.
const usdjpy: InstrumentSpec = {
  ...instrumentSpecs.EURUSD!,
  symbol: "USDJPY",
  digits: 3,
  quoteCurrency: "JPY",
  usdPerQuote: { num: 1, den: 150, source: "fixed test rate 150 JPY per USD" },
};

describe("position profit per instrument", () => {
  const s = instrumentSpecs;
  it.each<[string, InstrumentSpec, 1 | -1, string, string, string, string]>([
    ["EURUSD long 1 lot +10 pips ($10/pip)", s.EURUSD!, 1, "1.00", "1.10000", "1.10100", "100.00"],
    ["EURUSD short 0.50 lot against +10 pips", s.EURUSD!, -1, "0.50", "1.10000", "1.10100", "-50.00"],
    ["EURUSD one point on 0.01 lot is one cent", s.EURUSD!, 1, "0.01", "1.10000", "1.10001", "0.01"],
    ["GBPUSD short 2.37 lots, 12.7 pips in favour", s.GBPUSD!, -1, "2.37", "1.25000", "1.24873", "300.99"],
    ["XAUUSD long 1 lot +$1 (100 oz)", s.XAUUSD!, 1, "1.00", "2000.00", "2001.00", "100.00"],
    ["XAUUSD short 0.10 lot, $10 against", s.XAUUSD!, -1, "0.10", "4381.49", "4391.49", "-100.00"],
    ["XAUUSD long 0.01 lot, one point", s.XAUUSD!, 1, "0.01", "4381.49", "4381.50", "0.01"],
    ["US30 long 1 lot +10 index points ($1/point)", s.US30!, 1, "1.00", "49637", "49647", "10.00"],
    ["US30 short 3.25 lots, 120 points in favour", s.US30!, -1, "3.25", "46727", "46607", "390.00"],
    ["NAS100 long 2 lots -53.9 points", s.NAS100!, 1, "2.00", "28753.9", "28700.0", "-107.80"],
    ["NAS100 0.01 lot half a cent rounds up", s.NAS100!, 1, "0.01", "28753.9", "28754.4", "0.01"],
    [
      "NAS100 0.01 lot half a cent loss rounds away from zero",
      s.NAS100!,
      1,
      "0.01",
      "28754.4",
      "28753.9",
      "-0.01",
    ],
    ["NAS100 0.01 lot 0.4 of a cent rounds to zero", s.NAS100!, -1, "0.01", "28754.4", "28754.0", "0.00"],
    ["no move is zero", s.XAUUSD!, 1, "5.00", "4400.00", "4400.00", "0.00"],
    ["JPY quote at a fixed 150: 10 pips on 1 lot", usdjpy, 1, "1.00", "150.000", "150.100", "66.67"],
    ["JPY quote short loses the same", usdjpy, -1, "1.00", "150.000", "150.100", "-66.67"],
  ])("%s", (_label, spec, side, lots, entry, exit, expected) => {
    expect(profit(spec, side, lots, entry, exit)).toBe(expected);
  });

  it("the fast path equals the bigint reference when the product passes 2^53, and refuses unsafe results", () => {
    fc.assert(
      fc.property(
        fc.constantFrom<1 | -1>(1, -1),
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 1, max: 50_000_000 }),
        fc.integer({ min: 1, max: 50_000_000 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 1, max: 100_000 }),
        (side, lots, entry, exit, num, den) => {
          const exact = profitCentsExact(side, lots, entry, exit, num, den);
          const safe = BigInt(Number.MAX_SAFE_INTEGER);
          if (exact > safe || exact < -safe) {
            expect(() => profitCents(side, lots, entry, exit, num, den)).toThrow(RangeError);
          } else {
            expect(BigInt(profitCents(side, lots, entry, exit, num, den))).toBe(exact);
          }
        },
      ),
    );
  });

  it.each([
    ["exact", 10, 5, 2],
    ["half rounds up", 5, 2, 3],
    ["negative half rounds away from zero", -5, 2, -3],
    ["below half rounds down", 14, 10, 1],
    ["negative below half", -14, 10, -1],
    ["zero", 0, 7, 0],
  ])("divRoundHalfAway: %s", (_l, n, d, q) => {
    expect(divRoundHalfAway(n, d)).toBe(q);
  });
});
