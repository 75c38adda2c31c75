/**
 * One normalised bar series of one instrument, whatever file it came from: typed arrays indexed by
 * bar, times in epoch ms UTC (bar open time), prices in integer points of the instrument (bid side,
 * as MT4/MT5 charts draw them). Tick files are turned into 1-minute bid bars (see `ticksToMinuteBars`).
 */
export interface PriceSeries {
  symbol: string;
  /** File name the series was read from (or a label for synthetic series). */
  source: string;
  /** Nominal bar length: 60,000 for M1, 300,000 for M5. */
  timeframeMs: number;
  /** Decimals of the prices (the instrument's digits). */
  digits: number;
  length: number;
  time: Float64Array;
  open: Int32Array;
  high: Int32Array;
  low: Int32Array;
  close: Int32Array;
}

export function allocatePriceSeries(
  meta: Pick<PriceSeries, "symbol" | "source" | "timeframeMs" | "digits">,
  capacity: number,
): PriceSeries {
  return {
    ...meta,
    length: 0,
    time: new Float64Array(capacity),
    open: new Int32Array(capacity),
    high: new Int32Array(capacity),
    low: new Int32Array(capacity),
    close: new Int32Array(capacity),
  };
}

/** Returns a series whose arrays are exactly `length` long (views, no copy). */
export function trimPriceSeries(s: PriceSeries): PriceSeries {
  const n = s.length;
  return {
    ...s,
    time: s.time.subarray(0, n),
    open: s.open.subarray(0, n),
    high: s.high.subarray(0, n),
    low: s.low.subarray(0, n),
    close: s.close.subarray(0, n),
  };
}

/** Builds a series from plain bars (tests and synthetic markets). Prices are in points. */
export function priceSeriesFromBars(
  meta: Pick<PriceSeries, "symbol" | "source" | "timeframeMs" | "digits">,
  bars: ReadonlyArray<{ time: number; open: number; high: number; low: number; close: number }>,
): PriceSeries {
  const s = allocatePriceSeries(meta, bars.length);
  for (const b of bars) {
    const i = s.length++;
    s.time[i] = b.time;
    s.open[i] = b.open;
    s.high[i] = b.high;
    s.low[i] = b.low;
    s.close[i] = b.close;
  }
  return s;
}

/**
 * Aggregates ticks (sorted by time) into 1-minute bars of the bid, the side MT4/MT5 bars show.
 * Minutes without a tick produce no bar, as in broker history.
 */
export function ticksToMinuteBars(
  meta: Pick<PriceSeries, "symbol" | "source" | "digits">,
  time: Float64Array,
  bid: Int32Array,
  count: number,
): PriceSeries {
  const s = allocatePriceSeries({ ...meta, timeframeMs: 60_000 }, count);
  let cur = Number.NaN;
  for (let i = 0; i < count; i++) {
    const minute = Math.floor(time[i]! / 60_000) * 60_000;
    const p = bid[i]!;
    if (minute !== cur) {
      cur = minute;
      const j = s.length++;
      s.time[j] = minute;
      s.open[j] = p;
      s.high[j] = p;
      s.low[j] = p;
      s.close[j] = p;
    } else {
      const j = s.length - 1;
      if (p > s.high[j]!) s.high[j] = p;
      if (p < s.low[j]!) s.low[j] = p;
      s.close[j] = p;
    }
  }
  return trimPriceSeries(s);
}
