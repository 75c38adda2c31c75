import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { formatScaled } from "../decimal-strings";
import { defaultDataDir, loadAllPriceFiles, loadPriceFile, loadSimulationSeries } from "./load-price-file";
import { priceFileCatalog } from "./price-file-catalog";

type Bar = [iso: string, open: string, high: string, low: string, close: string];

// Row counts, first and last rows as SOURCES.md and the files give them. The label carries the
// file's own wall-clock time; the expected instant is its UTC conversion under the catalog's clock.
const cases: [label: string, file: string, rows: number, bars: number, first: Bar, last: Bar][] = [
  [
    "XAUUSD MT5 csv, broker UTC+3 (2026-03-24 17:00 → 2026-05-28 17:00)",
    "XAUUSD_M1_2026-03-24_2026-05-28_mt5.csv",
    63_230,
    63_230,
    ["2026-03-24T14:00:00.000Z", "4381.49", "4387.04", "4380.75", "4386.67"],
    ["2026-05-28T14:00:00.000Z", "4430.54", "4433.28", "4427.15", "4427.69"],
  ],
  [
    "XAUUSD MT5 terminal export, broker UTC+2 (2026-02-16 02:07 → 2026-02-27 23:57)",
    "XAUUSD_M1_2026-02-16_2026-02-27_mt5export.csv",
    13_558,
    13_558,
    ["2026-02-16T00:07:00.000Z", "5010.50", "5014.78", "5010.50", "5014.77"],
    ["2026-02-27T21:57:00.000Z", "5279.41", "5279.42", "5277.87", "5278.17"],
  ],
  [
    "US30 csv with +00:00 suffix, broker time (2026-02-19 01:00 → 2026-04-01 15:31)",
    "US30_M1_2026-02-19_2026-04-01.csv",
    40_885,
    40_885,
    ["2026-02-18T23:00:00.000Z", "49637", "49647", "49637", "49647"],
    ["2026-04-01T12:31:00.000Z", "46607", "46611", "46603", "46607"],
  ],
  [
    "EURUSD quoted tab-separated MT5, UTC-03:30 (2022-01-04 18:00 → 2022-02-22 15:25)",
    "EURUSD_M1_2022-01-04_2022-02-22_mt5.csv",
    49_993,
    49_993,
    ["2022-01-04T21:30:00.000Z", "1.12834", "1.12840", "1.12834", "1.12838"],
    ["2022-02-22T18:55:00.000Z", "1.13257", "1.13266", "1.13253", "1.13265"],
  ],
  [
    "EURUSD HistData NT, EST (2020-05-01 00:00 → 2020-05-22 16:58)",
    "EURUSD_M1_2020-05_histdata_nt.csv",
    22_565,
    22_565,
    ["2020-05-01T05:00:00.000Z", "1.09450", "1.09451", "1.09445", "1.09448"],
    ["2020-05-22T21:58:00.000Z", "1.09026", "1.09031", "1.08988", "1.08997"],
  ],
  [
    "GBPUSD headerless csv, UTC (2021-01-25 02:48 → 2021-03-12 21:59)",
    "GBPUSD_M1_2021-01-25_2021-03-12.csv",
    50_000,
    50_000,
    ["2021-01-25T02:48:00.000Z", "1.36977", "1.36984", "1.36960", "1.36964"],
    ["2021-03-12T21:59:00.000Z", "1.39177", "1.39177", "1.39125", "1.39129"],
  ],
  [
    "GBPUSD HistData MT, EST (2026-01-01 17:00 → 2026-01-09 16:58)",
    "GBPUSD_M1_2026-01_histdata_mt.csv",
    8_600,
    8_600,
    ["2026-01-01T22:00:00.000Z", "1.34643", "1.34648", "1.34643", "1.34648"],
    ["2026-01-09T21:58:00.000Z", "1.33997", "1.34028", "1.33997", "1.34015"],
  ],
  [
    "NAS100 M5, broker UTC+3 (2026-05-08 13:30 → 2026-07-09 21:55)",
    "NAS100_M5_2026-05-08_2026-07-09.csv",
    11_998,
    11_998,
    ["2026-05-08T10:30:00.000Z", "28753.9", "28761.6", "28750.6", "28758.2"],
    ["2026-07-09T18:55:00.000Z", "29729.8", "29730.4", "29711.9", "29721.7"],
  ],
  [
    "EURUSD Dukascopy ticks, three UTC hours → 180 one-minute bid bars",
    "EURUSD_ticks_2019-02-04_h00_h10_h23_dukascopy.csv",
    14_804,
    180,
    ["2019-02-04T00:00:00.000Z", "1.14543", "1.14570", "1.14542", "1.14569"],
    ["2019-02-04T23:59:00.000Z", "1.14351", "1.14353", "1.14349", "1.14349"],
  ],
  [
    "EURUSD Dukascopy ticks, 12:00:00.093 → 12:59:57.150 UTC → 60 bars",
    "EURUSD_ticks_2026-07-13_h12_dukascopy.csv",
    3_551,
    60,
    ["2026-07-13T12:00:00.000Z", "1.14273", "1.14306", "1.14271", "1.14297"],
    ["2026-07-13T12:59:00.000Z", "1.14287", "1.14309", "1.14287", "1.14309"],
  ],
];

describe("loadPriceFile", () => {
  it.each(cases)("%s", (_label, file, rows, bars, first, last) => {
    const { rows: n, series, entry } = loadPriceFile(file);
    expect(n).toBe(rows);
    expect(series.length).toBe(bars);
    expect(series.time.length).toBe(bars);
    const show = (i: number): Bar => [
      new Date(series.time[i]!).toISOString(),
      formatScaled(series.open[i]!, series.digits),
      formatScaled(series.high[i]!, series.digits),
      formatScaled(series.low[i]!, series.digits),
      formatScaled(series.close[i]!, series.digits),
    ];
    expect(show(0)).toEqual(first);
    expect(show(bars - 1)).toEqual(last);
    expect(series.symbol).toBe(entry.symbol);
  });

  it("covers every file in the prices directory, and the catalog names no missing file", () => {
    const onDisk = readdirSync(path.join(defaultDataDir(), "prices")).sort();
    expect(priceFileCatalog.map((e) => e.file).sort()).toEqual(onDisk);
    expect(cases.map((c) => c[1]).sort()).toEqual(onDisk);
  });

  it("bars are strictly increasing in time and high/low bound open/close in every file", () => {
    const bad: string[] = [];
    for (const { series: s } of loadAllPriceFiles()) {
      for (let i = 0; i < s.length; i++) {
        const ordered = i === 0 || s.time[i]! > s.time[i - 1]!;
        const bounded =
          s.high[i]! >= Math.max(s.open[i]!, s.close[i]!) && s.low[i]! <= Math.min(s.open[i]!, s.close[i]!);
        if (!ordered || !bounded) bad.push(`${s.source}[${i}]`);
      }
    }
    expect(bad).toEqual([]);
  });

  it.each([
    ["XAUUSD MT5 csv spread column", "XAUUSD_M1_2026-03-24_2026-05-28_mt5.csv", 12],
    ["XAUUSD terminal export <SPREAD>", "XAUUSD_M1_2026-02-16_2026-02-27_mt5export.csv", 16],
    ["Dukascopy ticks ask - bid", "EURUSD_ticks_2026-07-13_h12_dukascopy.csv", 3],
    ["no spread recorded", "GBPUSD_M1_2021-01-25_2021-03-12.csv", null],
  ])("median spread: %s", (_label, file, spread) => {
    expect(loadPriceFile(file).medianSpreadPoints).toBe(spread);
  });

  it("weekly opens land on Sunday 22:00 UTC (summer) or 23:00 UTC (winter) for gold", () => {
    const s = loadPriceFile("XAUUSD_M1_2026-03-24_2026-05-28_mt5.csv").series;
    const opens: string[] = [];
    for (let i = 1; i < s.length; i++) {
      if (s.time[i]! - s.time[i - 1]! > 40 * 3_600_000) opens.push(new Date(s.time[i]!).toISOString());
    }
    expect(opens.length).toBeGreaterThan(5);
    for (const o of opens) expect(o).toMatch(/T22:00:00/);
  });

  it("loadSimulationSeries returns one series per instrument and refuses an unknown one", () => {
    const series = loadSimulationSeries(["EURUSD", "NAS100"]);
    expect(series.map((s) => [s.symbol, s.timeframeMs])).toEqual([
      ["EURUSD", 60_000],
      ["NAS100", 300_000],
    ]);
    expect(() => loadSimulationSeries(["BTCUSD"])).toThrow(/No replay series/);
  });
});
