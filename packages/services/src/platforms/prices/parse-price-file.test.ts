import { describe, expect, it } from "vitest";
import { formatScaled } from "../decimal-strings";
import { type PriceFileFormat, parsePriceFile, parseWallClock } from "./parse-price-file";

const utc = { kind: "utc" } as const;
const opts = (format: PriceFileFormat, digits = 5) => ({
  format,
  symbol: "EURUSD",
  digits,
  clock: utc,
  timeframeMs: 60_000,
  source: "test.csv",
});

describe("parseWallClock", () => {
  it.each([
    ["ISO-like with seconds", "2026-03-24 17:00:00", "2026-03-24T17:00:00.000Z"],
    ["minutes only", "2021-01-25 02:48", "2021-01-25T02:48:00.000Z"],
    ["MT dotted date", "2026.02.16 02:07:00", "2026-02-16T02:07:00.000Z"],
    ["HistData NT compact", "20200501 000100", "2020-05-01T00:01:00.000Z"],
    ["HistData MT comma-joined", "2026.01.01,17:00", "2026-01-01T17:00:00.000Z"],
    ["offset suffix read as wall clock", "2026-02-19 01:00:00+00:00", "2026-02-19T01:00:00.000Z"],
    ["Dukascopy instant with ms", "2019-02-04T00:00:00.994Z", "2019-02-04T00:00:00.994Z"],
  ])("%s", (_l, text, iso) => {
    expect(new Date(parseWallClock(text)).toISOString()).toBe(iso);
  });

  it.each([
    ["empty", ""],
    ["impossible date", "2026-02-30 10:00"],
    ["words", "yesterday"],
    ["missing time", "2026-02-01"],
  ])("refuses %s", (_l, text) => {
    expect(parseWallClock(text)).toBeNaN();
  });
});

describe("parsePriceFile", () => {
  it.each<[string, PriceFileFormat, string, number]>([
    [
      "csv-header",
      "csv-header",
      "time,open,high,low,close,tick_volume,spread\n2026-01-02 10:00:00,1.1,1.2,1.0,1.15,5,7\n",
      7,
    ],
    [
      "mt5-export",
      "mt5-export",
      "<DATE>\t<TIME>\t<OPEN>\t<HIGH>\t<LOW>\t<CLOSE>\n2026.01.02\t10:00:00\t1.1\t1.2\t1.0\t1.15\r\n",
      -1,
    ],
    [
      "mt5-quoted-tab",
      "mt5-quoted-tab",
      '"Time\tOpen\tHigh\tLow\tClose\tVolume"\r\n"2026-01-02 10:00:00\t1.1\t1.2\t1.0\t1.15\t3"\r\n',
      -1,
    ],
    ["histdata-nt with ;", "histdata-nt", "20260102 100000;1.1;1.2;1.0;1.15;0\r\n", -1],
    ["histdata-mt", "histdata-mt", "2026.01.02,10:00,1.100000,1.200000,1.000000,1.150000,0\n", -1],
    ["csv-headerless without final newline", "csv-headerless", "2026-01-02 10:00,1.1,1.2,1.0,1.15,9", -1],
  ])("reads one bar from %s", (_l, format, text, spread) => {
    const { rows, series, medianSpreadPoints } = parsePriceFile(text, opts(format));
    expect(rows).toBe(1);
    expect(new Date(series.time[0]!).toISOString()).toBe("2026-01-02T10:00:00.000Z");
    expect([series.open[0], series.high[0], series.low[0], series.close[0]]).toEqual([
      110000, 120000, 100000, 115000,
    ]);
    expect(medianSpreadPoints).toBe(spread === -1 ? null : spread);
  });

  it("applies the file's clock (HistData EST is UTC-5 all year)", () => {
    const { series } = parsePriceFile("20260702 120000,1.1,1.2,1.0,1.15,0\n", {
      ...opts("histdata-nt"),
      clock: { kind: "fixed", offsetMinutes: -300 },
    });
    expect(new Date(series.time[0]!).toISOString()).toBe("2026-07-02T17:00:00.000Z");
  });

  it("turns ticks into one-minute bid bars and keeps the tick count as rows", () => {
    const text = [
      "timestamp_utc,bid,ask,bid_volume,ask_volume",
      "2026-01-02T10:00:01.000Z,1.10000,1.10003,1,1",
      "2026-01-02T10:00:30.500Z,1.10010,1.10012,1,1",
      "2026-01-02T10:00:59.999Z,1.09990,1.09995,1,1",
      "2026-01-02T10:03:00.000Z,1.10020,1.10023,1,1",
    ].join("\r\n");
    const { rows, series, medianSpreadPoints } = parsePriceFile(text, opts("dukascopy-ticks"));
    expect(rows).toBe(4);
    expect(series.length).toBe(2);
    expect(Array.from(series.time, (t) => new Date(t).toISOString())).toEqual([
      "2026-01-02T10:00:00.000Z",
      "2026-01-02T10:03:00.000Z",
    ]);
    expect([series.open[0], series.high[0], series.low[0], series.close[0]]).toEqual([
      110000, 110010, 109990, 109990,
    ]);
    expect(medianSpreadPoints).toBe(3);
  });

  it("rounds extra decimals half up to the instrument's digits", () => {
    const { series } = parsePriceFile(
      "2026-01-02 10:00,4381.495,4381.499,4381.001,4381.004,1",
      opts("csv-headerless", 2),
    );
    expect(
      [series.open[0], series.high[0], series.low[0], series.close[0]].map((p) => formatScaled(p!, 2)),
    ).toEqual(["4381.50", "4381.50", "4381.00", "4381.00"]);
  });

  it.each([
    ["a bad number", "2026-01-02 10:00,1.1,x,1.0,1.15,1\n", "test.csv:1", /decimal numbers/],
    [
      "a bad timestamp",
      "2026-01-02 10:00,1.1,1.2,1.0,1.15,1\n2026-13-02 10:01,1.1,1.2,1.0,1.15,1\n",
      "test.csv:2",
      /timestamp/,
    ],
    [
      "time going backwards",
      "2026-01-02 10:01,1.1,1.2,1.0,1.15,1\n2026-01-02 10:00,1.1,1.2,1.0,1.15,1\n",
      "test.csv:2",
      /not after/,
    ],
    ["high below close", "2026-01-02 10:00,1.1,1.12,1.0,1.15,1\n", "test.csv:1", /bound/],
  ])("names the line of %s", (_l, text, path, message) => {
    expect(() => parsePriceFile(text, opts("csv-headerless"))).toThrow(message);
    try {
      parsePriceFile(text, opts("csv-headerless"));
    } catch (e) {
      expect((e as { code: string; issues: { path: string }[] }).code).toBe("VALIDATION");
      expect((e as { issues: { path: string }[] }).issues[0]!.path).toBe(path);
    }
  });

  it("refuses a header that is not the expected layout", () => {
    expect(() => parsePriceFile("Date,Open,Low,High,Close\n", opts("csv-header"))).toThrow(
      /column 3 to be "high", found "low"/,
    );
    expect(() => parsePriceFile('"Time\tOpen"\n"2026-01-02 10:00\t1.1"', opts("mt5-quoted-tab"))).toThrow(
      /column 3/,
    );
  });

  it("refuses an unquoted line in the quoted layout", () => {
    expect(() =>
      parsePriceFile(
        '"Time\tOpen\tHigh\tLow\tClose"\n2026-01-02 10:00\t1.1\t1.2\t1.0\t1.15\n',
        opts("mt5-quoted-tab"),
      ),
    ).toThrow(/line 2: line is not wrapped in quotes/);
  });
});
