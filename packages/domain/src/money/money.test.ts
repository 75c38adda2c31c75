import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { displayMoney, formatMoney, parseMoney, percentOf } from "./money";

describe("parseMoney", () => {
  it.each([
    ["whole dollars", "100000", "USD", 10000000n],
    ["two decimals", "100000.00", "USD", 10000000n],
    ["one decimal pads", "-13000.5", "USD", -1300050n],
    ["trailing zeros beyond exponent", "10.500", "USD", 1050n],
    ["zero-exponent currency", "5000", "JPY", 5000n],
    ["three-digit currency", "1.234", "KWD", 1234n],
    ["negative zero is zero", "-0.00", "USD", 0n],
  ])("%s: %s %s", (_label, input, currency, expected) => {
    expect(parseMoney(input, currency)).toBe(expected);
  });

  it.each([
    ["sub-cent amount", "10.505", "USD"],
    ["exponent form", "1e5", "USD"],
    ["thousands separator", "1,000.00", "USD"],
    ["empty", "", "USD"],
    ["fraction on JPY", "10.5", "JPY"],
    ["unknown currency", "10", "XYZ"],
  ])("refuses %s (%s)", (_label, input, currency) => {
    expect(() => parseMoney(input, currency)).toThrow(AppError);
  });
});

describe("formatMoney and displayMoney", () => {
  it.each([
    [9500000n, "USD", "95000.00", "95,000.00 USD"],
    [-1n, "USD", "-0.01", "-0.01 USD"],
    [0n, "EUR", "0.00", "0.00 EUR"],
    [123456789n, "JPY", "123456789", "123,456,789 JPY"],
    [1234n, "KWD", "1.234", "1.234 KWD"],
  ])("%s %s", (minor, currency, plain, display) => {
    expect(formatMoney(minor, currency)).toBe(plain);
    expect(displayMoney(minor, currency)).toBe(display);
  });
});

describe("percentOf rounds half-up to the minor unit", () => {
  it.each([
    ["5% of 100,000.00", 10000000n, 5, 500000n],
    ["4.5% of 100,000.00", 10000000n, 4.5, 450000n],
    ["half a cent rounds up: 5% of 0.10", 10n, 5, 1n],
    ["below half rounds down: 4% of 0.10", 10n, 4, 0n],
    ["zero amount", 0n, 10, 0n],
    ["negative rounds away from zero", -10n, 5, -1n],
    ["string percentage", 12345n, "33.3", 4111n],
  ])("%s", (_label, amount, pct, expected) => {
    expect(percentOf(amount, pct)).toBe(expected);
  });
});
