import type { PriceSeries } from "../prices/price-series";
import { priceSeriesFromBars } from "../prices/price-series";
import { SeededRandom } from "./seeded-random";

/**
 * Hand-made bar series for tests and experiments: `flat` bars at one price with chosen bars
 * replaced, or a seeded random walk. Times start at 2026-01-05 00:00 UTC, one bar per minute,
 * with no gaps.
 */
export function syntheticSeries(
  symbol: string,
  digits: number,
  bars: ReadonlyArray<{ open: number; high: number; low: number; close: number }>,
): PriceSeries {
  const t0 = Date.UTC(2026, 0, 5);
  return priceSeriesFromBars(
    { symbol, source: `synthetic:${symbol}`, timeframeMs: 60_000, digits },
    bars.map((b, i) => ({ time: t0 + i * 60_000, ...b })),
  );
}

export function flatBars(
  count: number,
  price: number,
  overrides: Record<number, { open: number; high: number; low: number; close: number }> = {},
): { open: number; high: number; low: number; close: number }[] {
  return Array.from(
    { length: count },
    (_, i) => overrides[i] ?? { open: price, high: price, low: price, close: price },
  );
}

export function randomWalkBars(
  count: number,
  start: number,
  stepPoints: number,
  seed: number,
): { open: number; high: number; low: number; close: number }[] {
  const r = new SeededRandom(seed);
  const out: { open: number; high: number; low: number; close: number }[] = [];
  let price = start;
  for (let i = 0; i < count; i++) {
    const open = price;
    const close = Math.max(1, open + Math.round((r.next() - 0.5) * 2 * stepPoints));
    const high = Math.max(open, close) + Math.round(r.next() * stepPoints);
    const low = Math.max(1, Math.min(open, close) - Math.round(r.next() * stepPoints));
    out.push({ open, high, low, close });
    price = close;
  }
  return out;
}
