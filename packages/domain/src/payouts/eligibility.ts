import { AppError } from "../errors";
import { addDays, parseInstant, toIso } from "../ledger/instant";
import { displayMoney, parsePercent } from "../money";
import { computePayout, type PayoutComputation, type PhaseResult } from "./compute-payout";
import type { PayoutTerms } from "./payout-terms";

export type KycStatus = "approved" | "pending" | "rejected" | "not_started";

export interface PayoutEligibilityInput {
  terms: PayoutTerms;
  account: {
    /** Challenge state; only "funded" can be paid, "failed" gets its own reason. */
    status: string;
    /** First trade on the funded account (ISO instant), null if none yet. */
    firstFundedTradeAt: string | null;
    openPositions: number;
    pendingOrders: number;
    balance: bigint;
    profitBaseline: bigint;
    scalingLevel: number;
  };
  payouts: {
    /** Payouts already made or approved on this funded account (rejected ones do not count). */
    previousCount: number;
    /** When the previous payout was requested: the anchor of the payout cycle. */
    lastRequestedAt: string | null;
    /** A payout requested and not yet paid, rejected or cancelled. */
    inProgressId: string | null;
  };
  kyc: { status: KycStatus; verifiedAt: string | null };
  desk: { kycMaxAgeDays: number };
  /** Closed profit per UTC day of the current cycle, for the consistency rule. */
  cycleDailyProfits: readonly { day: string; profit: bigint }[];
  challengeFee: bigint;
  feeAlreadyRefunded: boolean;
  phaseResults?: readonly PhaseResult[];
  phaseShareAlreadyPaid?: boolean;
  compliance: { openFraudFlagIds: readonly string[]; sanctionsMatch: boolean };
}

export type EligibilityCode =
  | "account_failed"
  | "account_not_funded"
  | "kyc_not_verified"
  | "kyc_expired"
  | "no_funded_trade_yet"
  | "first_payout_too_early"
  | "cycle_not_elapsed"
  | "payout_in_progress"
  | "positions_open"
  | "not_in_profit"
  | "below_minimum"
  | "consistency_not_met"
  | "fraud_flag_open"
  | "sanctions_match";

export interface EligibilityReason {
  code: EligibilityCode;
  message: string;
  /** When the refusal depends only on time: the instant it stops applying (ISO). */
  availableAt?: string;
}

export type PayoutEligibility =
  | { eligible: true; payoutNumber: number; amounts: PayoutComputation }
  | {
      eligible: false;
      payoutNumber: number;
      reasons: EligibilityReason[];
      /** Set when every reason is about time: the first instant a payout becomes possible. */
      availableAt: string | null;
      /** What the payout would be, for display; nothing is payable while refused. */
      amounts: PayoutComputation;
    };

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * A share as a percentage with one decimal, computed exactly and rounded up, so that a share just
 * over a limit never displays as equal to it (40.0004 % shows as 40.1 %).
 */
function pctText(part: bigint, whole: bigint): string {
  const tenths = (part * 1000n + whole - 1n) / whole;
  return `${tenths / 10n}.${tenths % 10n}`;
}

/**
 * Every rule a payout request must pass, checked together so the trader sees all refusals at once.
 * Time rules state the instant they stop applying: the first payout `firstPayoutDelayDays` × 24 h
 * after the first funded trade, later ones `cycleDays` × 24 h after the previous request.
 */
export function checkPayoutEligibility(input: PayoutEligibilityInput, now: string): PayoutEligibility {
  const nowMs = parseInstant(now, "now");
  const { terms, account, payouts, kyc, compliance } = input;
  const cur = terms.currency;
  const m = (a: bigint) => displayMoney(a, cur);
  if (!Number.isInteger(payouts.previousCount) || payouts.previousCount < 0)
    throw new AppError("VALIDATION", "payouts.previousCount: must be a whole number ≥ 0.", {
      issues: [{ path: "payouts.previousCount", message: "must be a whole number ≥ 0" }],
    });
  if (!Number.isInteger(input.desk.kycMaxAgeDays) || input.desk.kycMaxAgeDays < 1)
    throw new AppError("VALIDATION", "desk.kycMaxAgeDays: must be a whole number ≥ 1.", {
      issues: [{ path: "desk.kycMaxAgeDays", message: "must be a whole number ≥ 1" }],
    });
  const payoutNumber = payouts.previousCount + 1;
  const amounts = computePayout(terms, {
    payoutNumber,
    scalingLevel: account.scalingLevel,
    balance: account.balance,
    profitBaseline: account.profitBaseline,
    challengeFee: input.challengeFee,
    feeAlreadyRefunded: input.feeAlreadyRefunded,
    phaseResults: input.phaseResults,
    phaseShareAlreadyPaid: input.phaseShareAlreadyPaid,
  });
  const reasons: EligibilityReason[] = [];
  const refuse = (code: EligibilityCode, message: string, availableAtMs?: number) =>
    reasons.push(
      availableAtMs === undefined ? { code, message } : { code, message, availableAt: toIso(availableAtMs) },
    );

  // The account.
  if (account.status === "failed")
    refuse("account_failed", "The account has failed; it can no longer be paid out.");
  else if (account.status !== "funded")
    refuse(
      "account_not_funded",
      `The account is ${account.status}; payouts are only made from a funded account.`,
    );

  // Identity.
  if (kyc.status !== "approved" || kyc.verifiedAt === null) {
    const state = kyc.status === "approved" ? "missing its verification date" : kyc.status.replace("_", " ");
    refuse("kyc_not_verified", `Identity verification is ${state}; it must be approved before a payout.`);
  } else {
    const verified = parseInstant(kyc.verifiedAt, "kyc.verifiedAt");
    const expires = addDays(verified, input.desk.kycMaxAgeDays);
    if (nowMs >= expires)
      refuse(
        "kyc_expired",
        `Identity was verified on ${toIso(verified).slice(0, 10)}, more than the desk's limit of ${plural(input.desk.kycMaxAgeDays, "day")} ago (it expired on ${toIso(expires).slice(0, 10)}); verify again to request a payout.`,
      );
  }

  // The payout cycle.
  if (payoutNumber === 1) {
    if (account.firstFundedTradeAt === null)
      refuse(
        "no_funded_trade_yet",
        `No trade has been made on the funded account yet; the first payout is possible ${plural(terms.firstPayoutDelayDays, "day")} after the first trade.`,
      );
    else {
      const first = parseInstant(account.firstFundedTradeAt, "account.firstFundedTradeAt");
      const from = addDays(first, terms.firstPayoutDelayDays);
      if (nowMs < from)
        refuse(
          "first_payout_too_early",
          `The first payout is possible ${plural(terms.firstPayoutDelayDays, "day")} after the first funded trade (${toIso(first)}), so from ${toIso(from)}.`,
          from,
        );
    }
  } else if (payouts.lastRequestedAt !== null) {
    const last = parseInstant(payouts.lastRequestedAt, "payouts.lastRequestedAt");
    const from = addDays(last, terms.cycleDays);
    if (nowMs < from)
      refuse(
        "cycle_not_elapsed",
        `Payouts are possible every ${plural(terms.cycleDays, "day")}; the previous one was requested at ${toIso(last)}, so the next is possible from ${toIso(from)}.`,
        from,
      );
  }
  if (payouts.inProgressId !== null)
    refuse(
      "payout_in_progress",
      `Payout ${payouts.inProgressId} is still in progress; a new one can be requested once it is paid, rejected or cancelled.`,
    );

  // The trading state.
  if (account.openPositions > 0 || account.pendingOrders > 0) {
    const open = [
      account.openPositions > 0 ? plural(account.openPositions, "open position") : null,
      account.pendingOrders > 0 ? plural(account.pendingOrders, "pending order") : null,
    ]
      .filter((x) => x !== null)
      .join(" and ");
    refuse(
      "positions_open",
      `The account has ${open}; close them so the account is flat before requesting a payout.`,
    );
  }

  // The money.
  if (amounts.grossProfit === 0n) {
    refuse(
      "not_in_profit",
      amounts.lossToRecover > 0n
        ? `The balance ${m(account.balance)} is ${m(amounts.lossToRecover)} below the level of the last payout (${m(account.profitBaseline)}); that loss must be made back before a new payout.`
        : `There is no profit above the level of the last payout (${m(account.profitBaseline)}).`,
    );
  } else {
    if (amounts.traderShare < terms.minimumPayout) {
      const { num, den } = parsePercent(amounts.traderPct);
      const profitNeeded = num === 0n ? null : (terms.minimumPayout * den + num - 1n) / num;
      const more =
        profitNeeded === null ? "" : ` ${m(profitNeeded - amounts.grossProfit)} more profit is needed.`;
      refuse(
        "below_minimum",
        `Your share of ${m(amounts.traderShare)} is below the minimum payout of ${m(terms.minimumPayout)}.${more}`,
      );
    }
    const rule = terms.consistency;
    if (rule !== null) {
      const total = input.cycleDailyProfits.reduce((s, d) => s + d.profit, 0n);
      const best = input.cycleDailyProfits.reduce<{ day: string; profit: bigint } | null>(
        (b, d) => (b === null || d.profit > b.profit ? d : b),
        null,
      );
      const { num, den } = parsePercent(rule.maxBestDayPct);
      // best / total ≤ max  ⇔  best · den ≤ total · num (total > 0).
      if (best !== null && best.profit > 0n && (total <= 0n || best.profit * den > total * num)) {
        const needed = (best.profit * den + num - 1n) / num - total;
        const share = total > 0n ? `${pctText(best.profit, total)} %` : "all";
        refuse(
          "consistency_not_met",
          `The best day (${best.day}, ${m(best.profit)}) made ${share} of this cycle's profit of ${m(total)}; the limit is ${rule.maxBestDayPct} %. ${m(needed)} more profit on other days is needed.`,
        );
      }
    }
  }

  // Compliance.
  const flags = compliance.openFraudFlagIds;
  if (flags.length > 0)
    refuse(
      "fraud_flag_open",
      `${plural(flags.length, "fraud flag")} (${flags.join(", ")}) ${flags.length === 1 ? "is" : "are"} open on this account; compliance must close ${flags.length === 1 ? "it" : "them"} first.`,
    );
  if (compliance.sanctionsMatch)
    refuse(
      "sanctions_match",
      "A possible sanctions-list match is under review; no payout can be made until it is cleared.",
    );

  if (reasons.length === 0) return { eligible: true, payoutNumber, amounts };
  const timed = reasons.every((r) => r.availableAt !== undefined);
  const latest = timed ? Math.max(...reasons.map((r) => Date.parse(r.availableAt!))) : null;
  return {
    eligible: false,
    payoutNumber,
    reasons,
    availableAt: latest === null ? null : toIso(latest),
    amounts,
  };
}
