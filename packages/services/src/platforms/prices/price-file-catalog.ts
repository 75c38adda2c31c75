import type { PriceFileFormat } from "./parse-price-file";
import type { SourceClock } from "./source-clock";

export interface PriceFileEntry {
  file: string;
  symbol: string;
  format: PriceFileFormat;
  timeframeMs: number;
  clock: SourceClock;
  /** Why this clock: what in the data shows it. */
  clockEvidence: string;
}

const M1 = 60_000;
const M5 = 300_000;
const NY_CLOSE: SourceClock = { kind: "ny-close" };
const HISTDATA_EST: SourceClock = { kind: "fixed", offsetMinutes: -300 };

/**
 * Every file of `PROPDESK_DATA_DIR/prices`, with its layout and clock. The clocks were inferred from
 * each file's weekly open (FX opens Sunday 17:00 New York, metals and index CFDs 18:00 New York).
 */
export const priceFileCatalog: readonly PriceFileEntry[] = [
  {
    file: "XAUUSD_M1_2026-03-24_2026-05-28_mt5.csv",
    symbol: "XAUUSD",
    format: "csv-header",
    timeframeMs: M1,
    clock: NY_CLOSE,
    clockEvidence: "weeks open Monday 01:00 and the daily break is 00:00-01:00 server time",
  },
  {
    file: "XAUUSD_M1_2026-02-16_2026-02-27_mt5export.csv",
    symbol: "XAUUSD",
    format: "mt5-export",
    timeframeMs: M1,
    clock: NY_CLOSE,
    clockEvidence: "week of 2026-02-23 opens Monday 01:00 server time",
  },
  {
    file: "US30_M1_2026-02-19_2026-04-01.csv",
    symbol: "US30",
    format: "csv-header",
    timeframeMs: M1,
    clock: NY_CLOSE,
    clockEvidence: "despite the +00:00 suffix, weeks open Monday 01:00 before and after the US DST change",
  },
  {
    file: "EURUSD_M1_2022-01-04_2022-02-22_mt5.csv",
    symbol: "EURUSD",
    format: "mt5-quoted-tab",
    timeframeMs: M1,
    clock: { kind: "fixed", offsetMinutes: -210 },
    clockEvidence: "weeks open Sunday 18:30, i.e. 22:00 UTC in winter: UTC-03:30",
  },
  {
    file: "EURUSD_M1_2020-05_histdata_nt.csv",
    symbol: "EURUSD",
    format: "histdata-nt",
    timeframeMs: M1,
    clock: HISTDATA_EST,
    clockEvidence: "HistData: EST without daylight saving",
  },
  {
    file: "GBPUSD_M1_2021-01-25_2021-03-12.csv",
    symbol: "GBPUSD",
    format: "csv-headerless",
    timeframeMs: M1,
    clock: { kind: "utc" },
    clockEvidence: "weeks open Sunday 22:00 and close Friday 21:59 in winter: UTC",
  },
  {
    file: "GBPUSD_M1_2026-01_histdata_mt.csv",
    symbol: "GBPUSD",
    format: "histdata-mt",
    timeframeMs: M1,
    clock: HISTDATA_EST,
    clockEvidence: "HistData: EST without daylight saving",
  },
  {
    file: "NAS100_M5_2026-05-08_2026-07-09.csv",
    symbol: "NAS100",
    format: "csv-header",
    timeframeMs: M5,
    clock: NY_CLOSE,
    clockEvidence: "weeks open Monday 01:00 and close Friday 23:00 server time",
  },
  {
    file: "EURUSD_ticks_2019-02-04_h00_h10_h23_dukascopy.csv",
    symbol: "EURUSD",
    format: "dukascopy-ticks",
    timeframeMs: M1,
    clock: { kind: "utc" },
    clockEvidence: "Dukascopy: UTC (Z suffix)",
  },
  {
    file: "EURUSD_ticks_2026-07-13_h12_dukascopy.csv",
    symbol: "EURUSD",
    format: "dukascopy-ticks",
    timeframeMs: M1,
    clock: { kind: "utc" },
    clockEvidence: "Dukascopy: UTC (Z suffix)",
  },
];

/**
 * The file the simulator replays for each instrument: the longest M1 history (M5 for NAS100,
 * the only NAS100 file). The tick files are too short (one to three hours) to replay.
 */
export const defaultSimulationFiles: Readonly<Record<string, string>> = {
  EURUSD: "EURUSD_M1_2022-01-04_2022-02-22_mt5.csv",
  GBPUSD: "GBPUSD_M1_2021-01-25_2021-03-12.csv",
  XAUUSD: "XAUUSD_M1_2026-03-24_2026-05-28_mt5.csv",
  US30: "US30_M1_2026-02-19_2026-04-01.csv",
  NAS100: "NAS100_M5_2026-05-08_2026-07-09.csv",
};
