import * as isoCurrencies from "dinero.js/currencies";
import { AppError } from "../errors";

/**
 * Money is an integer count of minor units (`bigint`) plus an ISO 4217 currency code.
 * Strings at the edges ("100000.00"), never binary floating point.
 */
export interface Money {
  readonly amount: bigint;
  readonly currency: string;
}

type IsoCurrency = { code: string; base: number | readonly number[]; exponent: number };
const table = isoCurrencies as unknown as Record<string, IsoCurrency>;

export function isCurrency(code: string): boolean {
  const c = table[code];
  return c !== undefined && c.base === 10;
}

/** Number of minor-unit digits of an ISO 4217 currency (USD 2, JPY 0, KWD 3). */
export function currencyExponent(code: string): number {
  const c = table[code];
  if (c?.base !== 10)
    throw new AppError("VALIDATION", `Unknown currency "${code}": use an ISO 4217 code such as USD.`);
  return c.exponent;
}

const decimalPattern = /^(-)?(\d+)(?:\.(\d+))?$/;

/**
 * Parses a decimal string into minor units. Extra fraction digits are allowed only when they
 * are zeros ("10.500" is 1050 cents; "10.505" is refused, it is not a whole number of cents).
 */
export function parseMoney(value: string, currency: string, field = "amount"): bigint {
  const exp = currencyExponent(currency);
  const m = decimalPattern.exec(value);
  if (!m)
    throw new AppError("VALIDATION", `${field}: "${value}" is not a decimal number like "1000.00".`, {
      issues: [{ path: field, message: "not a decimal number" }],
    });
  const [, sign, int, frac = ""] = m;
  if (frac.length > exp && !/^0*$/.test(frac.slice(exp))) {
    throw new AppError(
      "VALIDATION",
      `${field}: "${value}" has more than ${exp} decimal places for ${currency}.`,
      {
        issues: [{ path: field, message: `more than ${exp} decimal places` }],
      },
    );
  }
  const minor = BigInt(int! + frac.slice(0, exp).padEnd(exp, "0"));
  return sign && minor !== 0n ? -minor : minor;
}

/** Formats minor units as a plain decimal string with exactly the currency's digits ("-13000.50"). */
export function formatMoney(minor: bigint, currency: string): string {
  const exp = currencyExponent(currency);
  const neg = minor < 0n;
  const digits = (neg ? -minor : minor).toString().padStart(exp + 1, "0");
  const int = digits.slice(0, digits.length - exp);
  const frac = digits.slice(digits.length - exp);
  return `${neg ? "-" : ""}${int}${exp > 0 ? `.${frac}` : ""}`;
}

/** Formats for people: thousands separators and the code ("96,000.00 USD"). */
export function displayMoney(minor: bigint, currency: string): string {
  const plain = formatMoney(minor, currency);
  const neg = plain.startsWith("-");
  const [int, frac] = (neg ? plain.slice(1) : plain).split(".");
  const grouped = int!.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${neg ? "-" : ""}${grouped}${frac === undefined ? "" : `.${frac}`} ${currency}`;
}

const pctPattern = /^(\d+)(?:\.(\d+))?$/;

/** A non-negative decimal percentage as an exact fraction `num / den` of 100. */
export function parsePercent(pct: number | string, field = "pct"): { num: bigint; den: bigint } {
  const s = typeof pct === "number" ? (Number.isFinite(pct) ? String(pct) : "x") : pct;
  const m = pctPattern.exec(s);
  if (!m)
    throw new AppError("VALIDATION", `${field}: "${String(pct)}" is not a non-negative decimal percentage.`, {
      issues: [{ path: field, message: "not a percentage" }],
    });
  const frac = m[2] ?? "";
  return { num: BigInt(m[1]! + frac), den: 10n ** BigInt(frac.length) * 100n };
}

/** Divides rounding half away from zero (half-up for positive values). */
export function divRoundHalfUp(n: bigint, d: bigint): bigint {
  if (d === 0n) throw new AppError("VALIDATION", "Division by zero.");
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  const neg = n < 0n;
  const a = neg ? -n : n;
  const q = (a * 2n + d) / (2n * d);
  return neg ? -q : q;
}

/** `pct` percent of `amount` minor units, rounded half-up to the minor unit. */
export function percentOf(amount: bigint, pct: number | string): bigint {
  const { num, den } = parsePercent(pct);
  return divRoundHalfUp(amount * num, den);
}
