import type { PayoutTermsJson } from "./payout-terms";

/** A typical USD program, shared by the payout tests (not exported from the package). */
export const usdTermsJson: PayoutTermsJson = {
  currency: "USD",
  splitTiers: [
    { traderPct: 80 },
    { traderPct: 90, fromScalingLevel: 1 },
    { traderPct: "85", fromPayoutNumber: 3 },
  ],
  feeRefund: { withPayoutNumber: 1 },
  minimumPayout: "50.00",
  firstPayoutDelayDays: 14,
  cycleDays: 14,
  consistency: { maxBestDayPct: 40 },
  maxPayoutPerCycle: null,
  phaseProfitShare: { pct: 15, capPctOfTarget: 15 },
  scaling: { everyMonths: 3, minProfitPct: 10, minPayouts: 2, stepPctOfOriginal: 25, maxSize: "2000000.00" },
};
