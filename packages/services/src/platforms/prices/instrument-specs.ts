import { AppError, divRoundHalfUp, formatMoney } from "@propdesk/domain";

/**
 * Contract specification of a CFD as a retail MT4/MT5 broker quotes it. Prices are held as integer
 * points (1 point = 10^-digits of the quote), lots as integer hundredths (the 0.01 lot step), and
 * every money figure in USD cents: the simulator only runs USD accounts.
 */
export interface InstrumentSpec {
  symbol: string;
  description: string;
  kind: "fx" | "metal" | "index";
  /** Decimals of a quote; one point is 10^-digits (EURUSD 5: 0.00001). */
  digits: number;
  /** Units per 1.00 lot: 100,000 EUR, 100 oz of gold, 1 index unit per point. */
  contractSize: number;
  /** Points per pip (FX 10: a pip is 0.0001; gold 10: a pip is 0.10; indices 1 index point). */
  pipPoints: number;
  quoteCurrency: string;
  /**
   * Fixed USD value of one unit of the quote currency as an exact fraction, with where it comes
   * from. Every bundled instrument is quoted in USD (1/1); a non-USD quote (e.g. a JPY cross)
   * takes a documented fixed rate here rather than a second series, so replays stay exact.
   */
  usdPerQuote: { num: number; den: number; source: string };
  /** Spread added to the bid bars to get the ask, in points. */
  typicalSpreadPoints: number;
  spreadSource: string;
  /** Round-turn commission per 1.00 lot, USD cents. */
  commissionPerLotCents: number;
  /** Overnight financing per 1.00 lot per night, USD cents (negative = charged). */
  swapLongPerLotCents: number;
  swapShortPerLotCents: number;
  /** Account leverage used for the margin check (margin = notional / leverage). */
  leverage: number;
  /** Largest order, in hundredths of a lot. */
  maxLotsHundredths: number;
}

const USD_QUOTE = { num: 1, den: 1, source: "quote currency is USD" } as const;

export const instrumentSpecs: Readonly<Record<string, InstrumentSpec>> = {
  EURUSD: {
    symbol: "EURUSD",
    description: "Euro vs US dollar",
    kind: "fx",
    digits: 5,
    contractSize: 100_000,
    pipPoints: 10,
    quoteCurrency: "USD",
    usdPerQuote: USD_QUOTE,
    typicalSpreadPoints: 3,
    spreadSource: "median ask-bid of the two Dukascopy EURUSD tick files (3 points)",
    commissionPerLotCents: 700,
    swapLongPerLotCents: -700,
    swapShortPerLotCents: 150,
    leverage: 100,
    maxLotsHundredths: 10_000,
  },
  GBPUSD: {
    symbol: "GBPUSD",
    description: "British pound vs US dollar",
    kind: "fx",
    digits: 5,
    contractSize: 100_000,
    pipPoints: 10,
    quoteCurrency: "USD",
    usdPerQuote: USD_QUOTE,
    typicalSpreadPoints: 6,
    spreadSource: "assumed twice the measured EURUSD spread (no GBPUSD spread in the data)",
    commissionPerLotCents: 700,
    swapLongPerLotCents: -400,
    swapShortPerLotCents: -150,
    leverage: 100,
    maxLotsHundredths: 10_000,
  },
  XAUUSD: {
    symbol: "XAUUSD",
    description: "Gold vs US dollar (100 oz per lot)",
    kind: "metal",
    digits: 2,
    contractSize: 100,
    pipPoints: 10,
    quoteCurrency: "USD",
    usdPerQuote: USD_QUOTE,
    typicalSpreadPoints: 12,
    spreadSource: "median of the spread column of XAUUSD_M1_2026-03-24_2026-05-28_mt5.csv (12 points)",
    commissionPerLotCents: 700,
    swapLongPerLotCents: -3_500,
    swapShortPerLotCents: 1_000,
    leverage: 100,
    maxLotsHundredths: 5_000,
  },
  US30: {
    symbol: "US30",
    description: "Dow Jones 30 cash CFD ($1 per index point per lot)",
    kind: "index",
    digits: 0,
    contractSize: 1,
    pipPoints: 1,
    quoteCurrency: "USD",
    usdPerQuote: USD_QUOTE,
    typicalSpreadPoints: 2,
    spreadSource: "assumed typical retail US30 spread of 2 index points",
    commissionPerLotCents: 0,
    swapLongPerLotCents: -500,
    swapShortPerLotCents: -200,
    leverage: 100,
    maxLotsHundredths: 50_000,
  },
  NAS100: {
    symbol: "NAS100",
    description: "Nasdaq 100 cash CFD ($1 per index point per lot)",
    kind: "index",
    digits: 1,
    contractSize: 1,
    pipPoints: 10,
    quoteCurrency: "USD",
    usdPerQuote: USD_QUOTE,
    typicalSpreadPoints: 15,
    spreadSource: "assumed typical retail NAS100 spread of 1.5 index points",
    commissionPerLotCents: 0,
    swapLongPerLotCents: -300,
    swapShortPerLotCents: -120,
    leverage: 100,
    maxLotsHundredths: 50_000,
  },
};

export function getInstrumentSpec(symbol: string): InstrumentSpec {
  const spec = instrumentSpecs[symbol];
  if (!spec) {
    throw new AppError("VALIDATION", `Unknown instrument "${symbol}".`, {
      issues: [
        { path: "symbol", message: `unknown instrument; known: ${Object.keys(instrumentSpecs).join(", ")}` },
      ],
    });
  }
  return spec;
}

/**
 * USD cents that one point is worth for one hundredth of a lot, as an exact fraction:
 * contractSize × usdPerQuote / 10^digits (EURUSD 1/1: 0.01 lot moves 1 cent per point).
 */
export function centsPerPointPerHundredth(spec: InstrumentSpec): { num: number; den: number } {
  return { num: spec.contractSize * spec.usdPerQuote.num, den: 10 ** spec.digits * spec.usdPerQuote.den };
}

/** USD value of a one-point move on 1.00 lot, rounded half-up to the cent ("1.00" for EURUSD). */
export function pointValuePerLotUsd(spec: InstrumentSpec): string {
  const v = centsPerPointPerHundredth(spec);
  return formatMoney(divRoundHalfUp(BigInt(v.num) * 100n, BigInt(v.den)), "USD");
}

/** USD value of a one-pip move on 1.00 lot ("10.00" for EURUSD). */
export function pipValuePerLotUsd(spec: InstrumentSpec): string {
  const v = centsPerPointPerHundredth(spec);
  return formatMoney(divRoundHalfUp(BigInt(v.num) * 100n * BigInt(spec.pipPoints), BigInt(v.den)), "USD");
}
