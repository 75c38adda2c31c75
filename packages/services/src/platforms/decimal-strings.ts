/**
 * Fast conversions between decimal strings and scaled integers held in JS numbers: prices in points,
 * lots in hundredths, USD in cents. The simulator formats hundreds of thousands of these per second,
 * so it avoids bigint; callers keep values within Number.MAX_SAFE_INTEGER (checked here).
 */

const pow10 = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000];

/** `formatScaled(-123456, 2)` is "-1234.56"; always exactly `decimals` fraction digits. */
export function formatScaled(value: number, decimals: number): string {
  if (!Number.isSafeInteger(value)) throw new RangeError(`formatScaled: ${value} is not a safe integer`);
  const neg = value < 0;
  const abs = neg ? -value : value;
  if (decimals === 0) return neg ? `-${abs}` : `${abs}`;
  const scale = pow10[decimals]!;
  const int = Math.floor(abs / scale);
  let frac = `${abs - int * scale}`;
  while (frac.length < decimals) frac = `0${frac}`;
  return `${neg ? "-" : ""}${int}.${frac}`;
}

/**
 * Parses a plain decimal ("1.12834", "-0.5", "49637") into an integer scaled by 10^decimals.
 * Extra fraction digits are rounded half away from zero. Returns NaN when the text is not a
 * plain decimal, so bulk loaders can report the line without a try/catch per row.
 */
export function parseScaled(text: string, decimals: number): number {
  let i = 0;
  const n = text.length;
  let neg = false;
  if (n === 0) return Number.NaN;
  if (text.charCodeAt(0) === 45 /* - */) {
    neg = true;
    i = 1;
  }
  let int = 0;
  let digits = 0;
  for (; i < n; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    int = int * 10 + c;
    digits++;
  }
  let frac = 0;
  let fracDigits = 0;
  let roundUp = false;
  if (i < n) {
    if (text.charCodeAt(i) !== 46 /* . */) return Number.NaN;
    i++;
    const start = i;
    for (; i < n; i++) {
      const c = text.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return Number.NaN;
      if (fracDigits < decimals) {
        frac = frac * 10 + c;
        fracDigits++;
      } else if (i - start === decimals && c >= 5) {
        roundUp = true;
      }
    }
    if (i === start) return Number.NaN;
  }
  if (digits === 0) return Number.NaN;
  while (fracDigits < decimals) {
    frac *= 10;
    fracDigits++;
  }
  const v = int * pow10[decimals]! + frac + (roundUp ? 1 : 0);
  if (!Number.isSafeInteger(v)) return Number.NaN;
  return neg && v !== 0 ? -v : v;
}
