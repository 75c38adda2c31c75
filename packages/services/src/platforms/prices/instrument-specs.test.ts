import { describe, expect, it } from "vitest";
import {
  getInstrumentSpec,
  type InstrumentSpec,
  instrumentSpecs,
  pipValuePerLotUsd,
  pointValuePerLotUsd,
} from "./instrument-specs";

describe("instrument specs", () => {
  it.each([
    ["EURUSD: 100,000 EUR, point 0.00001", "EURUSD", "1.00", "10.00"],
    ["GBPUSD", "GBPUSD", "1.00", "10.00"],
    ["XAUUSD: 100 oz, point 0.01, pip 0.10", "XAUUSD", "1.00", "10.00"],
    ["US30: $1 per index point, no decimals", "US30", "1.00", "1.00"],
    ["NAS100: $1 per index point, point 0.1", "NAS100", "0.10", "1.00"],
  ])("%s", (_l, symbol, point, pip) => {
    const spec = getInstrumentSpec(symbol);
    expect(pointValuePerLotUsd(spec)).toBe(point);
    expect(pipValuePerLotUsd(spec)).toBe(pip);
  });

  it("converts a non-USD quote with its fixed rate", () => {
    const usdjpy: InstrumentSpec = {
      ...instrumentSpecs.EURUSD!,
      symbol: "USDJPY",
      digits: 3,
      quoteCurrency: "JPY",
      usdPerQuote: { num: 1, den: 150, source: "test" },
    };
    // 1 lot = 100,000 USD; a pip (0.01 JPY) is 1,000 JPY = 6.67 USD at 150.
    expect(pipValuePerLotUsd(usdjpy)).toBe("6.67");
  });

  it("every spec is internally consistent", () => {
    for (const spec of Object.values(instrumentSpecs)) {
      expect(spec.symbol).toMatch(/^[A-Z0-9]+$/);
      expect(Number.isInteger(spec.digits) && spec.digits >= 0 && spec.digits <= 6).toBe(true);
      expect(spec.contractSize).toBeGreaterThan(0);
      expect(spec.typicalSpreadPoints).toBeGreaterThan(0);
      expect(spec.usdPerQuote.den).toBeGreaterThan(0);
      expect(spec.quoteCurrency === "USD").toBe(spec.usdPerQuote.num === spec.usdPerQuote.den);
    }
  });

  it("refuses an unknown symbol, naming the field", () => {
    expect(() => getInstrumentSpec("BTCUSD")).toThrow(/Unknown instrument "BTCUSD"/);
  });
});
