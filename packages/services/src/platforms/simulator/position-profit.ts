/**
 * Profit of a position in USD cents, exactly:
 *   cents = side × (exit − entry) [points] × lots [hundredths] × valueNum / valueDen
 * with valueNum / valueDen the USD cents per point per 0.01 lot (see centsPerPointPerHundredth),
 * rounded half away from zero to the cent, once per position.
 *
 * The hot path works on JS numbers: every operand is an integer and the product stays below
 * Number.MAX_SAFE_INTEGER for realistic trades (a 10,000-point move × 100 lots × 100,000 units is
 * 1e13); beyond that it falls back to bigint so the result is still exact, and a result that is
 * itself beyond 2^53 cents (about 90 trillion dollars) throws rather than lose a cent.
 */
export function profitCents(
  side: 1 | -1,
  lotsHundredths: number,
  entryPoints: number,
  exitPoints: number,
  valueNum: number,
  valueDen: number,
): number {
  const n = side * (exitPoints - entryPoints) * lotsHundredths * valueNum;
  if (!Number.isSafeInteger(n)) {
    const exact = profitCentsExact(side, lotsHundredths, entryPoints, exitPoints, valueNum, valueDen);
    if (exact > BigInt(Number.MAX_SAFE_INTEGER) || exact < -BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new RangeError(`profit of ${exact} cents is beyond the simulator's exact range`);
    }
    return Number(exact);
  }
  return divRoundHalfAway(n, valueDen);
}

/** Integer division of safe integers rounded half away from zero, without float error. */
export function divRoundHalfAway(n: number, d: number): number {
  const r = n % d;
  const q = (n - r) / d;
  const twice = 2 * Math.abs(r);
  if (twice >= d) return n < 0 ? q - 1 : q + 1;
  return q;
}

/** The same as `profitCents` over bigint: the reference the fast path is tested against. */
export function profitCentsExact(
  side: 1 | -1,
  lotsHundredths: number,
  entryPoints: number,
  exitPoints: number,
  valueNum: number,
  valueDen: number,
): bigint {
  const n = BigInt(side) * BigInt(exitPoints - entryPoints) * BigInt(lotsHundredths) * BigInt(valueNum);
  const d = BigInt(valueDen);
  const neg = n < 0n;
  const a = neg ? -n : n;
  const q = (a * 2n + d) / (2n * d);
  return neg ? -q : q;
}
