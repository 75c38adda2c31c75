import { AppError } from "@propdesk/domain";
import { centsPerPointPerHundredth, type InstrumentSpec, instrumentSpecs } from "../prices/instrument-specs";
import { loadSimulationSeries } from "../prices/load-price-file";
import type { PriceSeries } from "../prices/price-series";

/** Gaps longer than this between two bars are a market close (weekend, holiday). */
const CLOSE_GAP_MS = 6 * 3_600_000;
const ATR_PERIOD = 14;
const TREND_EMA_PERIOD = 200;

/**
 * One replayed instrument with what the traders look at, computed once: ATR(14) in points (to size
 * stops to the market's current volatility), the side of close vs EMA(200) (a trend filter), and
 * which bars are the last before a market close (so intraday traders go flat for the weekend).
 */
export interface MarketInstrument {
  index: number;
  symbol: string;
  spec: InstrumentSpec;
  series: PriceSeries;
  atr: Float32Array;
  trend: Int8Array;
  closesAfter: Uint8Array;
  /** Replay period: the series' span plus one bar, so looping keeps the bar spacing. */
  periodMs: number;
  /** Bar length in minutes: entry chances are per minute, so M5 bars get five times the chance. */
  barMinutes: number;
  /** USD cents per point per 0.01 lot, as an exact fraction. */
  valueNum: number;
  valueDen: number;
}

export interface Market {
  instruments: MarketInstrument[];
  /** Identifies the data, so a snapshot is never restored over other prices. */
  fingerprint: string;
}

function indicators(s: PriceSeries): { atr: Float32Array; trend: Int8Array; closesAfter: Uint8Array } {
  const n = s.length;
  const atr = new Float32Array(n);
  const trend = new Int8Array(n);
  const closesAfter = new Uint8Array(n);
  let a = 0;
  let ema = s.close[0] ?? 0;
  const k = 2 / (TREND_EMA_PERIOD + 1);
  for (let i = 0; i < n; i++) {
    const h = s.high[i]!;
    const l = s.low[i]!;
    const c = s.close[i]!;
    const prev = i > 0 ? s.close[i - 1]! : s.open[i]!;
    const tr = Math.max(h - l, Math.abs(h - prev), Math.abs(l - prev));
    // Wilder's smoothing, seeded with the running mean over the first bars.
    a = i < ATR_PERIOD ? (a * i + tr) / (i + 1) : (a * (ATR_PERIOD - 1) + tr) / ATR_PERIOD;
    atr[i] = Math.max(a, 1);
    ema += k * (c - ema);
    trend[i] = c >= ema ? 1 : -1;
    closesAfter[i] = i === n - 1 || s.time[i + 1]! - s.time[i]! > CLOSE_GAP_MS ? 1 : 0;
  }
  return { atr, trend, closesAfter };
}

export function createMarket(
  series: readonly PriceSeries[],
  specs: Readonly<Record<string, InstrumentSpec>> = instrumentSpecs,
): Market {
  if (series.length === 0 || series.length > 30) {
    throw new AppError("VALIDATION", "A market needs between 1 and 30 instruments.", {
      issues: [{ path: "instruments", message: "between 1 and 30 instruments" }],
    });
  }
  const seen = new Set<string>();
  const instruments = series.map((s, index): MarketInstrument => {
    const spec = specs[s.symbol];
    if (!spec) {
      throw new AppError("VALIDATION", `No instrument spec for ${s.symbol}.`, {
        issues: [{ path: `instruments.${index}`, message: "unknown instrument" }],
      });
    }
    if (seen.has(s.symbol) || s.length < 2 || s.digits !== spec.digits) {
      throw new AppError("VALIDATION", `Series ${s.source} of ${s.symbol} cannot be replayed.`, {
        issues: [
          {
            path: `instruments.${index}`,
            message: "duplicate symbol, fewer than 2 bars, or digits unlike the spec",
          },
        ],
      });
    }
    seen.add(s.symbol);
    const value = centsPerPointPerHundredth(spec);
    return {
      index,
      symbol: s.symbol,
      spec,
      series: s,
      ...indicators(s),
      periodMs: s.time[s.length - 1]! - s.time[0]! + s.timeframeMs,
      barMinutes: Math.max(1, Math.round(s.timeframeMs / 60_000)),
      valueNum: value.num,
      valueDen: value.den,
    };
  });
  const fingerprint = instruments
    .map(
      (m) =>
        `${m.symbol}:${m.series.source}:${m.series.length}:${m.series.time[0]}:${m.series.close[m.series.length - 1]}`,
    )
    .join("|");
  return { instruments, fingerprint };
}

const cached = new Map<string, Market>();

/** The market over the bundled replay series (all five instruments unless narrowed), cached. */
export function loadMarket(symbols?: readonly string[], dataDir?: string): Market {
  const key = `${dataDir ?? ""}|${symbols?.join(",") ?? "*"}`;
  let m = cached.get(key);
  if (!m) {
    m = createMarket(loadSimulationSeries(symbols, dataDir));
    cached.set(key, m);
  }
  return m;
}
