import { formatMoney } from "@propdesk/domain";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatScaled, parseScaled } from "./decimal-strings";

describe("formatScaled", () => {
  it.each([
    ["zero cents", 0, 2, "0.00"],
    ["one cent", 1, 2, "0.01"],
    ["negative under one", -5, 2, "-0.05"],
    ["negative carry", -100_050, 2, "-1000.50"],
    ["five-digit price", 112_834, 5, "1.12834"],
    ["leading zero fraction", 100_005, 5, "1.00005"],
    ["no decimals", 49_637, 0, "49637"],
    ["negative, no decimals", -3, 0, "-3"],
    ["lots", 150, 2, "1.50"],
  ])("%s", (_l, value, decimals, text) => {
    expect(formatScaled(value, decimals)).toBe(text);
  });

  it("agrees with the domain's formatMoney for any safe number of cents", () => {
    fc.assert(
      fc.property(fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), (c) => {
        expect(formatScaled(c, 2)).toBe(formatMoney(BigInt(c), "USD"));
      }),
    );
  });

  it("refuses a fraction, since it would hide a rounding bug", () => {
    expect(() => formatScaled(1.5, 2)).toThrow(RangeError);
  });
});

describe("parseScaled", () => {
  it.each([
    ["plain", "1.12834", 5, 112_834],
    ["short fraction padded", "1.1", 5, 110_000],
    ["integer", "49637", 0, 49_637],
    ["integer to 2 digits", "49637", 2, 4_963_700],
    ["trailing zeros beyond digits", "1.346430", 5, 134_643],
    ["round half up", "4381.495", 2, 438_150],
    ["round down", "4381.494", 2, 438_149],
    ["negative", "-0.05", 2, -5],
    ["minus zero is zero", "-0.00", 2, 0],
  ])("%s", (_l, text, decimals, value) => {
    expect(parseScaled(text, decimals)).toBe(value);
  });

  it.each([
    ["empty", ""],
    ["sign only", "-"],
    ["dot only", "."],
    ["trailing dot", "1."],
    ["leading dot", ".5"],
    ["letters", "1.2e3"],
    ["two dots", "1.2.3"],
    ["space", " 1.2"],
  ])("returns NaN for %s", (_l, text) => {
    expect(parseScaled(text, 2)).toBeNaN();
  });

  it("round-trips formatScaled", () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.integer({ min: 0, max: 6 }), (v, d) => {
        expect(parseScaled(formatScaled(v, d), d)).toBe(v);
      }),
    );
  });
});
