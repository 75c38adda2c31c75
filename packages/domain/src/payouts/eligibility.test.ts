import { describe, expect, it } from "vitest";
import { checkPayoutEligibility, type PayoutEligibilityInput } from "./eligibility";
import { parsePayoutTerms } from "./payout-terms";
import { usdTermsJson } from "./test-terms";

const terms = parsePayoutTerms({ ...usdTermsJson, phaseProfitShare: null });
const now = "2026-02-01T12:00:00Z";

type Patch = (i: PayoutEligibilityInput) => void;

function input(patch?: Patch): PayoutEligibilityInput {
  const i: PayoutEligibilityInput = {
    terms,
    account: {
      status: "funded",
      firstFundedTradeAt: "2026-01-05T10:00:00Z",
      openPositions: 0,
      pendingOrders: 0,
      balance: 10_100_000n,
      profitBaseline: 10_000_000n,
      scalingLevel: 0,
    },
    payouts: { previousCount: 0, lastRequestedAt: null, inProgressId: null },
    kyc: { status: "approved", verifiedAt: "2025-12-01T00:00:00Z" },
    desk: { kycMaxAgeDays: 365 },
    cycleDailyProfits: [
      { day: "2026-01-06", profit: 25_000n },
      { day: "2026-01-07", profit: 25_000n },
      { day: "2026-01-08", profit: 25_000n },
      { day: "2026-01-09", profit: 25_000n },
    ],
    challengeFee: 54_900n,
    feeAlreadyRefunded: false,
    compliance: { openFraudFlagIds: [], sanctionsMatch: false },
  };
  patch?.(i);
  return i;
}

describe("an eligible request", () => {
  it("shows the amounts to confirm", () => {
    const r = checkPayoutEligibility(input(), now);
    expect(r.eligible).toBe(true);
    expect(r.payoutNumber).toBe(1);
    expect([
      r.amounts.traderShare,
      r.amounts.feeRefund,
      r.amounts.totalToTrader,
      r.amounts.balanceReduction,
    ]).toEqual([80_000n, 54_900n, 134_900n, 100_000n]);
  });

  it.each<[string, Patch]>([
    [
      "first payout exactly 14 days after the first trade",
      (i) => {
        i.account.firstFundedTradeAt = "2026-01-18T12:00:00Z";
      },
    ],
    [
      "KYC one day inside the limit",
      (i) => {
        i.kyc.verifiedAt = "2025-02-02T12:00:00Z";
      },
    ],
    [
      "next cycle exactly 14 days after the last request",
      (i) => {
        i.payouts = { previousCount: 1, lastRequestedAt: "2026-01-18T12:00:00Z", inProgressId: null };
      },
    ],
    [
      "best day exactly at the 40 % limit",
      (i) => {
        i.cycleDailyProfits = [
          { day: "2026-01-06", profit: 40_000n },
          { day: "2026-01-07", profit: 30_000n },
          { day: "2026-01-08", profit: 30_000n },
        ];
      },
    ],
    [
      "share exactly at the minimum",
      (i) => {
        i.account.balance = 10_006_250n;
      },
    ],
  ])("boundary allowed: %s", (_label, patch) => {
    expect(checkPayoutEligibility(input(patch), now).eligible).toBe(true);
  });
});

describe("each refusal says why and, when it is about time, when", () => {
  it.each<[string, Patch, string, string | undefined, RegExp]>([
    [
      "failed account",
      (i) => {
        i.account.status = "failed";
      },
      "account_failed",
      undefined,
      /has failed/,
    ],
    [
      "still in evaluation",
      (i) => {
        i.account.status = "phase_2_active";
      },
      "account_not_funded",
      undefined,
      /is phase_2_active/,
    ],
    [
      "KYC pending",
      (i) => {
        i.kyc = { status: "pending", verifiedAt: null };
      },
      "kyc_not_verified",
      undefined,
      /verification is pending/,
    ],
    [
      "KYC never started",
      (i) => {
        i.kyc = { status: "not_started", verifiedAt: null };
      },
      "kyc_not_verified",
      undefined,
      /is not started/,
    ],
    [
      "KYC older than the desk limit",
      (i) => {
        i.kyc.verifiedAt = "2025-01-20T00:00:00Z";
      },
      "kyc_expired",
      undefined,
      /verified on 2025-01-20.*limit of 365 days.*expired on 2026-01-20/,
    ],
    [
      "KYC expiring exactly now",
      (i) => {
        i.kyc.verifiedAt = "2025-02-01T12:00:00Z";
      },
      "kyc_expired",
      undefined,
      /expired on 2026-02-01/,
    ],
    [
      "no funded trade yet",
      (i) => {
        i.account.firstFundedTradeAt = null;
      },
      "no_funded_trade_yet",
      undefined,
      /14 days after the first trade/,
    ],
    [
      "first payout too early",
      (i) => {
        i.account.firstFundedTradeAt = "2026-01-25T09:00:00Z";
      },
      "first_payout_too_early",
      "2026-02-08T09:00:00.000Z",
      /so from 2026-02-08T09:00:00.000Z/,
    ],
    [
      "first payout one millisecond early",
      (i) => {
        i.account.firstFundedTradeAt = "2026-01-18T12:00:00.001Z";
      },
      "first_payout_too_early",
      "2026-02-01T12:00:00.001Z",
      /14 days after/,
    ],
    [
      "cycle not elapsed",
      (i) => {
        i.payouts = { previousCount: 1, lastRequestedAt: "2026-01-20T08:00:00Z", inProgressId: null };
      },
      "cycle_not_elapsed",
      "2026-02-03T08:00:00.000Z",
      /every 14 days.*from 2026-02-03T08:00:00.000Z/,
    ],
    [
      "payout in progress",
      (i) => {
        i.payouts.inProgressId = "po_77";
      },
      "payout_in_progress",
      undefined,
      /Payout po_77 is still in progress/,
    ],
    [
      "open positions and orders",
      (i) => Object.assign(i.account, { openPositions: 2, pendingOrders: 1 }),
      "positions_open",
      undefined,
      /2 open positions and 1 pending order/,
    ],
    [
      "one open position",
      (i) => {
        i.account.openPositions = 1;
      },
      "positions_open",
      undefined,
      /has 1 open position;/,
    ],
    [
      "loss since the last payout",
      (i) => {
        i.account.balance = 9_990_000n;
      },
      "not_in_profit",
      undefined,
      /is 100\.00 USD below the level of the last payout \(100,000\.00 USD\)/,
    ],
    [
      "flat at the last payout level",
      (i) => {
        i.account.balance = 10_000_000n;
      },
      "not_in_profit",
      undefined,
      /no profit above/,
    ],
    [
      "below the minimum",
      (i) => {
        i.account.balance = 10_005_000n;
      },
      "below_minimum",
      undefined,
      /share of 40\.00 USD is below the minimum payout of 50\.00 USD\. 12\.50 USD more profit/,
    ],
    [
      "one cent below the minimum",
      (i) => {
        i.account.balance = 10_006_249n;
      },
      "below_minimum",
      undefined,
      /share of 49\.99 USD.*0\.01 USD more profit/,
    ],
    [
      "best day too large",
      (i) => {
        i.cycleDailyProfits = [
          { day: "2026-01-06", profit: 80_000n },
          { day: "2026-01-07", profit: 10_000n },
          { day: "2026-01-08", profit: 10_000n },
        ];
      },
      "consistency_not_met",
      undefined,
      /best day \(2026-01-06, 800\.00 USD\) made 80\.0 % of this cycle's profit of 1,000\.00 USD; the limit is 40 %\. 1,000\.00 USD more profit/,
    ],
    [
      "best day one cent over",
      (i) => {
        i.cycleDailyProfits = [
          { day: "2026-01-06", profit: 40_001n },
          { day: "2026-01-07", profit: 30_000n },
          { day: "2026-01-08", profit: 30_000n },
        ];
      },
      "consistency_not_met",
      undefined,
      /made 40\.1 %.*0\.02 USD more profit on other days/,
    ],
    [
      "open fraud flags",
      (i) => {
        i.compliance.openFraudFlagIds = ["ff1", "ff2"];
      },
      "fraud_flag_open",
      undefined,
      /2 fraud flags \(ff1, ff2\) are open/,
    ],
    [
      "sanctions match",
      (i) => {
        i.compliance.sanctionsMatch = true;
      },
      "sanctions_match",
      undefined,
      /sanctions-list match/,
    ],
  ])("%s", (_label, patch, code, availableAt, message) => {
    const r = checkPayoutEligibility(input(patch), now);
    expect(r.eligible).toBe(false);
    if (r.eligible) return;
    expect(r.reasons).toHaveLength(1);
    expect(r.reasons[0]!.code).toBe(code);
    expect(r.reasons[0]!.availableAt).toBe(availableAt);
    expect(r.reasons[0]!.message).toMatch(message);
    expect(r.availableAt).toBe(availableAt ?? null);
  });

  it("lists every refusal at once; no overall date when one is not about time", () => {
    const r = checkPayoutEligibility(
      input((i) => {
        i.account.firstFundedTradeAt = "2026-01-25T09:00:00Z";
        i.account.openPositions = 1;
        i.compliance.sanctionsMatch = true;
      }),
      now,
    );
    expect(r.eligible === false && r.reasons.map((x) => x.code)).toEqual([
      "first_payout_too_early",
      "positions_open",
      "sanctions_match",
    ]);
    expect(r.eligible === false && r.availableAt).toBeNull();
  });

  it("refuses an invalid now with the field named", () => {
    expect(() => checkPayoutEligibility(input(), "2026-02-01")).toThrow(/^now:/);
  });
});
