export const traderStyles = ["scalper", "swing", "martingale", "reckless", "disciplined"] as const;
export type TraderStyle = (typeof traderStyles)[number];

export function isTraderStyle(s: unknown): s is TraderStyle {
  return typeof s === "string" && (traderStyles as readonly string[]).includes(s);
}

/**
 * One simulated trader's habits, drawn once per account from its style's ranges so no two traders
 * of a style are identical. Decisions are taken at the close of each bar of an instrument the
 * trader follows.
 */
export interface TraderParams {
  /** Chance of opening a position at a bar when below `maxPositions`. */
  entryProb: number;
  /** Share of the balance lost if the stop-loss is hit (sizing); 0 for reckless. */
  riskFrac: number;
  /** Stop-loss distance in ATR(14) units of the bar series; 0 = no stop-loss. */
  slAtr: number;
  /** Take-profit distance as a multiple of the stop distance (or in ATR units when slAtr is 0). */
  tpR: number;
  /** Close at market after holding this long. */
  maxHoldMs: number;
  maxPositions: number;
  /** Chance of keeping a position over a market close (weekend); intraday styles use 0. */
  weekendHoldProb: number;
  /** Reckless only: notional per position as a multiple of the balance. */
  leverage: number;
  /** Stop opening positions for the day after losing this share of the day's start balance (1 = never). */
  dailyStopFrac: number;
  /** Chance of trading with the trend (close vs EMA 200) rather than a coin flip. */
  trendFollowProb: number;
  /** Close everything once open profit reaches this share of the balance (0 = never). */
  cashOutFrac: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Draws the parameters of a trader. `r()` is the account's seeded generator.
 *
 * - scalper: a position every 15-30 minutes, tight stops (3-6 ATR of M1, a few pips), 0.3-0.8%
 *   risk, out within 5-30 minutes; stops for the day after a 3-6% loss, so it hits soft daily limits.
 * - swing: about one trade a day, stops 40-90 ATR, 1-2% risk, targets 1.5-3R, held 1-5 days,
 *   and keeps positions over the weekend 30-70% of the time.
 * - martingale: base risk 0.2-0.4% with symmetric stop and target; doubles the size after each
 *   loss and walks away when it can no longer afford the next double: it tends to blow up.
 * - reckless: no stop-loss, 10-30x the balance in notional per position, up to 3 at once, holds
 *   losers for hours but cashes out everything at +3-10% open profit: breaches daily loss quickly,
 *   and now and then passes a target by luck.
 * - disciplined: 0.5-1% risk with a 15-35 ATR stop and 1.5-3R target, follows the trend, stops for
 *   the day after -2% and never holds over a weekend: some reach profit targets.
 */
export function drawTraderParams(style: TraderStyle, r: () => number): TraderParams {
  const between = (lo: number, hi: number) => lo + (hi - lo) * r();
  switch (style) {
    case "scalper":
      return {
        entryProb: between(0.02, 0.05),
        riskFrac: between(0.003, 0.008),
        slAtr: between(4, 8),
        tpR: between(0.8, 1.5),
        maxHoldMs: Math.round(between(5, 30)) * MINUTE,
        maxPositions: r() < 0.7 ? 1 : 2,
        weekendHoldProb: 0,
        leverage: 0,
        dailyStopFrac: between(0.03, 0.06),
        trendFollowProb: 0.5,
        cashOutFrac: 0,
      };
    case "swing":
      return {
        entryProb: between(0.0004, 0.0012),
        riskFrac: between(0.01, 0.02),
        slAtr: between(40, 90),
        tpR: between(1.5, 3),
        maxHoldMs: Math.round(between(1, 5) * 24) * HOUR,
        maxPositions: 2,
        weekendHoldProb: between(0.3, 0.7),
        leverage: 0,
        dailyStopFrac: 1,
        trendFollowProb: 0.75,
        cashOutFrac: 0,
      };
    case "martingale":
      return {
        entryProb: between(0.02, 0.05),
        riskFrac: between(0.002, 0.004),
        slAtr: between(8, 15),
        tpR: 1,
        maxHoldMs: Math.round(between(2, 8)) * HOUR,
        maxPositions: 1,
        weekendHoldProb: 0,
        leverage: 0,
        dailyStopFrac: 1,
        trendFollowProb: 0.5,
        cashOutFrac: 0,
      };
    case "reckless":
      return {
        entryProb: between(0.005, 0.02),
        riskFrac: 0,
        slAtr: 0,
        tpR: r() < 0.5 ? between(20, 60) : 0,
        maxHoldMs: Math.round(between(1, 12)) * HOUR,
        maxPositions: r() < 0.5 ? 2 : 3,
        weekendHoldProb: 1,
        leverage: between(10, 30),
        dailyStopFrac: 1,
        trendFollowProb: 0.5,
        cashOutFrac: between(0.03, 0.1),
      };
    case "disciplined":
      return {
        entryProb: between(0.004, 0.01),
        riskFrac: between(0.005, 0.01),
        slAtr: between(6, 15),
        tpR: between(1.5, 2.5),
        maxHoldMs: Math.round(between(2, 12)) * HOUR,
        maxPositions: r() < 0.6 ? 1 : 2,
        weekendHoldProb: 0,
        leverage: 0,
        dailyStopFrac: 0.02,
        trendFollowProb: 0.7,
        cashOutFrac: 0,
      };
  }
}

/** Upper bound of risk per trade for a style (what the tests and the docs promise). */
export const maxRiskFrac: Readonly<Record<TraderStyle, number>> = {
  scalper: 0.008,
  swing: 0.02,
  martingale: Number.POSITIVE_INFINITY,
  reckless: Number.POSITIVE_INFINITY,
  disciplined: 0.01,
};

/** Default share of each style among provisioned accounts: enough of each for a lively demo. */
export const defaultStyleMix: Readonly<Record<TraderStyle, number>> = {
  scalper: 0.25,
  swing: 0.15,
  martingale: 0.15,
  reckless: 0.15,
  disciplined: 0.3,
};

/** Instrument sets a provisioned trader of each style picks from. */
export const styleInstrumentSets: Readonly<Record<TraderStyle, readonly (readonly string[])[]>> = {
  scalper: [["EURUSD"], ["GBPUSD"], ["XAUUSD"], ["EURUSD", "GBPUSD"], ["NAS100"]],
  swing: [["EURUSD"], ["XAUUSD"], ["US30"], ["EURUSD", "GBPUSD", "XAUUSD"]],
  martingale: [["EURUSD"], ["GBPUSD"], ["XAUUSD"]],
  reckless: [["XAUUSD"], ["NAS100"], ["US30"], ["XAUUSD", "US30"]],
  disciplined: [["EURUSD"], ["GBPUSD"], ["XAUUSD"], ["US30"], ["EURUSD", "XAUUSD"]],
};

export const TIME = { MINUTE, HOUR, DAY } as const;
