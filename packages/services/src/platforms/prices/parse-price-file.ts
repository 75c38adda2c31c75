import { AppError } from "@propdesk/domain";
import { parseScaled } from "../decimal-strings";
import { allocatePriceSeries, type PriceSeries, ticksToMinuteBars, trimPriceSeries } from "./price-series";
import { type SourceClock, sourceClockToUtc } from "./source-clock";

/**
 * The layouts found in the bundled price files (see shared/data/SOURCES.md):
 * - `csv-header`: a header row then `datetime,open,high,low,close,...` with
 *   `YYYY-MM-DD HH:MM[:SS][+00:00]` (MT5 exports from scripts, US30, NAS100). A `spread` column,
 *   when present, is read.
 * - `mt5-export`: the MT5 terminal's own export, tab-separated, header `<DATE> <TIME> <OPEN> ...`,
 *   date `YYYY.MM.DD`, with a `<SPREAD>` column.
 * - `mt5-quoted-tab`: every line wrapped in double quotes, tab-separated inside, header
 *   `Time Open High Low Close Volume`.
 * - `histdata-nt`: HistData NinjaTrader, no header, `YYYYMMDD HHMMSS;o;h;l;c;v` (`,` also accepted).
 * - `histdata-mt`: HistData MetaTrader, no header, `YYYY.MM.DD,HH:MM,o,h,l,c,v`.
 * - `csv-headerless`: no header, `YYYY-MM-DD HH:MM,o,h,l,c,v`.
 * - `dukascopy-ticks`: header `timestamp_utc,bid,ask,...`, ISO instants; becomes 1-minute bid bars.
 */
export type PriceFileFormat =
  | "csv-header"
  | "mt5-export"
  | "mt5-quoted-tab"
  | "histdata-nt"
  | "histdata-mt"
  | "csv-headerless"
  | "dukascopy-ticks";

export interface ParsePriceFileOptions {
  format: PriceFileFormat;
  symbol: string;
  digits: number;
  clock: SourceClock;
  /** Bar length of the file (ignored for ticks, which become M1). */
  timeframeMs: number;
  /** Label used in errors and as the series source. */
  source: string;
}

export interface ParsedPriceFile {
  /** Data rows in the file (bars, or ticks for tick files), header excluded. */
  rows: number;
  series: PriceSeries;
  /** Median spread in points where the file records one (spread column, or ask - bid of ticks). */
  medianSpreadPoints: number | null;
}

// One pattern for every timestamp layout above; an explicit offset suffix is matched but the
// file's clock decides the zone (the US30 file says +00:00 yet opens the week at broker 01:00).
const dateTimePattern =
  /^(\d{4})[-.]?(\d{2})[-.]?(\d{2})[ T,](\d{2}):?(\d{2})(?::?(\d{2})(?:\.(\d{1,3}))?)?(?:Z|[+-]\d{2}:\d{2})?$/;

/** Reads a timestamp's wall-clock fields as if they were UTC; NaN when it is not one of the layouts. */
export function parseWallClock(text: string): number {
  const m = dateTimePattern.exec(text);
  if (!m) return Number.NaN;
  const ms = m[7] === undefined ? 0 : Number(m[7].padEnd(3, "0"));
  const v = Date.UTC(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[4]),
    Number(m[5]),
    m[6] === undefined ? 0 : Number(m[6]),
    ms,
  );
  // Date.UTC silently rolls 2026-02-30 into March and 24:00 into the next day; refuse those.
  const d = new Date(v);
  const exact =
    d.getUTCMonth() === Number(m[2]) - 1 &&
    d.getUTCDate() === Number(m[3]) &&
    d.getUTCHours() === Number(m[4]);
  return exact && Number(m[5]) < 60 && Number(m[6] ?? 0) < 60 ? v : Number.NaN;
}

interface Layout {
  header: string[] | null;
  sep: string | RegExp;
  /** Column index of date, and of time when the date and time are separate columns. */
  date: number;
  time: number | null;
  firstPrice: number;
  quoted: boolean;
}

const layouts: Record<Exclude<PriceFileFormat, "dukascopy-ticks">, Layout> = {
  "csv-header": {
    header: ["*", "open", "high", "low", "close"],
    sep: ",",
    date: 0,
    time: null,
    firstPrice: 1,
    quoted: false,
  },
  "mt5-export": {
    header: ["date", "time", "open", "high", "low", "close"],
    sep: "\t",
    date: 0,
    time: 1,
    firstPrice: 2,
    quoted: false,
  },
  "mt5-quoted-tab": {
    header: ["time", "open", "high", "low", "close"],
    sep: "\t",
    date: 0,
    time: null,
    firstPrice: 1,
    quoted: true,
  },
  "histdata-nt": { header: null, sep: /[;,]/, date: 0, time: null, firstPrice: 1, quoted: false },
  "histdata-mt": { header: null, sep: ",", date: 0, time: 1, firstPrice: 2, quoted: false },
  "csv-headerless": { header: null, sep: ",", date: 0, time: null, firstPrice: 1, quoted: false },
};

function fail(source: string, line: number, message: string): never {
  throw new AppError("VALIDATION", `${source}, line ${line}: ${message}`, {
    issues: [{ path: `${source}:${line}`, message }],
  });
}

function splitLines(text: string): string[] {
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.endsWith("\r")) lines[i] = l.slice(0, -1);
  }
  return lines;
}

function normaliseHeaderName(h: string): string {
  return h.trim().replace(/^<|>$/g, "").toLowerCase();
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.floor(sorted.length / 2)]!;
}

export function parsePriceFile(text: string, opts: ParsePriceFileOptions): ParsedPriceFile {
  return opts.format === "dukascopy-ticks" ? parseTicks(text, opts) : parseBars(text, opts);
}

function parseBars(text: string, opts: ParsePriceFileOptions): ParsedPriceFile {
  const layout = layouts[opts.format as Exclude<PriceFileFormat, "dukascopy-ticks">];
  const lines = splitLines(text);
  const series = allocatePriceSeries(opts, lines.length);
  let spreadColumn = -1;
  let start = 0;
  if (layout.header) {
    const head = (layout.quoted ? lines[0]!.replace(/^"|"$/g, "") : lines[0]!)
      .split(layout.sep)
      .map(normaliseHeaderName);
    layout.header.forEach((want, i) => {
      if (want !== "*" && head[i] !== want)
        fail(opts.source, 1, `expected header column ${i + 1} to be "${want}", found "${head[i] ?? ""}"`);
    });
    spreadColumn = head.indexOf("spread");
    start = 1;
  }
  const spreads: number[] = [];
  let last = Number.NEGATIVE_INFINITY;
  for (let li = start; li < lines.length; li++) {
    let line = lines[li]!;
    if (line.length === 0) continue;
    if (layout.quoted) {
      if (!line.startsWith('"') || !line.endsWith('"'))
        fail(opts.source, li + 1, "line is not wrapped in quotes");
      line = line.slice(1, -1);
    }
    const cols = line.split(layout.sep);
    const stamp =
      layout.time === null ? cols[layout.date]! : `${cols[layout.date]} ${cols[layout.time] ?? ""}`;
    const wall = parseWallClock(stamp);
    if (Number.isNaN(wall)) fail(opts.source, li + 1, `"${stamp}" is not a timestamp`);
    const t = sourceClockToUtc(wall, opts.clock);
    if (t <= last) fail(opts.source, li + 1, `time ${stamp} is not after the previous row`);
    last = t;
    const p = layout.firstPrice;
    const o = parseScaled(cols[p] ?? "", opts.digits);
    const h = parseScaled(cols[p + 1] ?? "", opts.digits);
    const l = parseScaled(cols[p + 2] ?? "", opts.digits);
    const c = parseScaled(cols[p + 3] ?? "", opts.digits);
    if (Number.isNaN(o + h + l + c))
      fail(opts.source, li + 1, "open, high, low and close must be decimal numbers");
    if (h < Math.max(o, c, l) || l > Math.min(o, c))
      fail(opts.source, li + 1, "high/low do not bound open/close");
    const i = series.length++;
    series.time[i] = t;
    series.open[i] = o;
    series.high[i] = h;
    series.low[i] = l;
    series.close[i] = c;
    if (spreadColumn >= 0) spreads.push(Number(cols[spreadColumn]));
  }
  return { rows: series.length, series: trimPriceSeries(series), medianSpreadPoints: median(spreads) };
}

function parseTicks(text: string, opts: ParsePriceFileOptions): ParsedPriceFile {
  const lines = splitLines(text);
  const head = lines[0]!.split(",").map(normaliseHeaderName);
  if (head[0] !== "timestamp_utc" || head[1] !== "bid" || head[2] !== "ask")
    fail(opts.source, 1, `expected header "timestamp_utc,bid,ask,...", found "${lines[0]}"`);
  const time = new Float64Array(lines.length);
  const bid = new Int32Array(lines.length);
  const spreads: number[] = [];
  let n = 0;
  let last = Number.NEGATIVE_INFINITY;
  for (let li = 1; li < lines.length; li++) {
    const line = lines[li]!;
    if (line.length === 0) continue;
    const cols = line.split(",");
    const wall = parseWallClock(cols[0] ?? "");
    if (Number.isNaN(wall)) fail(opts.source, li + 1, `"${cols[0]}" is not a timestamp`);
    const t = sourceClockToUtc(wall, opts.clock);
    // Ticks may share a millisecond; they only need to be in order.
    if (t < last) fail(opts.source, li + 1, "tick is earlier than the previous one");
    last = t;
    const b = parseScaled(cols[1] ?? "", opts.digits);
    const a = parseScaled(cols[2] ?? "", opts.digits);
    if (Number.isNaN(a + b)) fail(opts.source, li + 1, "bid and ask must be decimal numbers");
    time[n] = t;
    bid[n] = b;
    n++;
    spreads.push(a - b);
  }
  return { rows: n, series: ticksToMinuteBars(opts, time, bid, n), medianSpreadPoints: median(spreads) };
}
