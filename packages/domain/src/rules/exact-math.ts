/**
 * Exact integer arithmetic on JS numbers for the engine's hot path.
 *
 * Money lives in the engine state as integer minor units held in plain numbers (the state must be
 * JSON and allocation-free to update). Every input amount is bounded by `MAX_MINOR` (2^50), so sums
 * and differences of two amounts stay safe integers. Products (percentages, ratios) can exceed 2^53:
 * each helper checks whether the float product is exact (it is whenever it is <= MAX_SAFE_INTEGER)
 * and falls back to `bigint` only when it is not, which never happens for realistic accounts.
 */

/** Largest absolute amount of minor units the engine accepts (about 11 trillion USD). */
export const MAX_MINOR = 2 ** 50;

/** Sentinel floor for "no such rule": below every accepted equity, and a finite JSON number. */
export const NO_FLOOR = Number.MIN_SAFE_INTEGER;

/** Sentinel ceiling for "no such limit" (profit target, lock cap): above every accepted balance. */
export const NO_CEILING = Number.MAX_SAFE_INTEGER;

const SAFE = Number.MAX_SAFE_INTEGER;

/** Sign of a*b − c*d, exactly, for integers a, b, c, d. */
export function compareProducts(a: number, b: number, c: number, d: number): number {
  const p = a * b;
  const q = c * d;
  if (p <= SAFE && p >= -SAFE && q <= SAFE && q >= -SAFE) return p < q ? -1 : p > q ? 1 : 0;
  const bp = BigInt(a) * BigInt(b);
  const bq = BigInt(c) * BigInt(d);
  return bp < bq ? -1 : bp > bq ? 1 : 0;
}

/**
 * round(value * num / den), half away from zero (half-up for positive values), exactly.
 * `num / den` is a percentage already divided by 100 (5% is 5 / 100, 4.5% is 45 / 1000).
 */
export function mulDivHalfUp(value: number, num: number, den: number): number {
  const p = value * num;
  if (p <= SAFE && p >= -SAFE) {
    const a = p < 0 ? -p : p;
    let q = Math.floor(a / den);
    const r = a - q * den;
    if (r * 2 >= den) q += 1;
    return p < 0 ? -q : q;
  }
  const bp = BigInt(value) * BigInt(num);
  const bd = BigInt(den);
  const neg = bp < 0n;
  const a = neg ? -bp : bp;
  const q = (a * 2n + bd) / (2n * bd);
  return Number(neg ? -q : q);
}

/**
 * An exact fraction for a non-negative JSON-number percentage: `pct` percent is `num / den`.
 * Returns null when the number has no short exact decimal form (exponent notation, more than
 * 9 decimals), which the schema reports as an invalid percentage.
 */
export function percentFraction(pct: number): { num: number; den: number } | null {
  if (!Number.isFinite(pct) || pct < 0) return null;
  const m = /^(\d+)(?:\.(\d{1,9}))?$/.exec(String(pct));
  if (!m) return null;
  const frac = m[2] ?? "";
  const num = Number(m[1]! + frac);
  const den = 100 * 10 ** frac.length;
  if (!Number.isSafeInteger(num)) return null;
  return { num, den };
}

/** best / total × 100 as a decimal string with two digits, rounded half-up (both > 0). */
export function ratioPercentString(best: number, total: number): string {
  const hundredths = (BigInt(best) * 10000n * 2n + BigInt(total)) / (2n * BigInt(total));
  const s = hundredths.toString().padStart(3, "0");
  return `${s.slice(0, -2)}.${s.slice(-2)}`;
}
