import { AppError, type ErrorIssue } from "../errors";
import { addMonths, parseInstant, toIso } from "../ledger/instant";
import { displayMoney, parsePercent } from "../money";
import { traderPctFor } from "./compute-payout";
import type { PayoutTerms, ScalingPlan } from "./payout-terms";

export interface ScalingState {
  currency: string;
  /** The account size when it was first funded. */
  originalSize: bigint;
  /** The size now (after earlier scaling steps). */
  currentSize: bigint;
  /** 0 before any scaling. */
  level: number;
  /** Start of the current review period: when the account was funded or last scaled. */
  periodStartedAt: string;
  /** Net closed profit over the period, including profit already paid out. */
  periodProfit: bigint;
  /** Payouts made in the period. */
  periodPayouts: number;
}

export type ScalingCode =
  | "scaling_at_cap"
  | "scaling_period_not_elapsed"
  | "scaling_profit_below_target"
  | "scaling_not_enough_payouts";

export interface ScalingReason {
  code: ScalingCode;
  message: string;
  availableAt?: string;
}

export type ScalingEvaluation =
  | {
      reached: true;
      nextLevel: number;
      newSize: bigint;
      /** Add this to the trading account balance and to its payout baseline (high-water mark). */
      increase: bigint;
      traderPctBefore: string | null;
      traderPctAfter: string | null;
    }
  | {
      reached: false;
      reasons: ScalingReason[];
      /** When the period ends (null when the cap is reached: there is no next review). */
      nextReviewAt: string | null;
    };

function checkState(s: ScalingState): void {
  const issues: ErrorIssue[] = [];
  if (s.originalSize <= 0n) issues.push({ path: "originalSize", message: "must be greater than 0" });
  if (s.currentSize < s.originalSize)
    issues.push({ path: "currentSize", message: "must be at least originalSize" });
  if (!Number.isInteger(s.level) || s.level < 0)
    issues.push({ path: "level", message: "must be a whole number ≥ 0" });
  if (!Number.isInteger(s.periodPayouts) || s.periodPayouts < 0)
    issues.push({ path: "periodPayouts", message: "must be a whole number ≥ 0" });
  if (issues.length > 0)
    throw new AppError(
      "VALIDATION",
      `Invalid scaling state: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}.`,
      {
        issues,
      },
    );
}

/**
 * Whether the account reaches its next scaling level now. The step is `stepPctOfOriginal` % of the
 * original size rounded down to the minor unit, and the new size never exceeds `maxSize` (the last
 * step may be smaller). The profit condition is exact: profit / size ≥ minProfitPct %.
 * Pass `opts.terms` to get the split before and after (it may rise with the level).
 */
export function evaluateScaling(
  plan: ScalingPlan,
  state: ScalingState,
  now: string,
  opts: { terms?: PayoutTerms; nextPayoutNumber?: number } = {},
): ScalingEvaluation {
  checkState(state);
  const nowMs = parseInstant(now, "now");
  const start = parseInstant(state.periodStartedAt, "periodStartedAt");
  const m = (a: bigint) => displayMoney(a, state.currency);

  if (state.currentSize >= plan.maxSize)
    return {
      reached: false,
      reasons: [
        {
          code: "scaling_at_cap",
          message: `The account is already at the maximum size of ${m(plan.maxSize)}; it cannot scale further.`,
        },
      ],
      nextReviewAt: null,
    };

  const reasons: ScalingReason[] = [];
  const reviewAt = addMonths(start, plan.everyMonths);
  if (nowMs < reviewAt)
    reasons.push({
      code: "scaling_period_not_elapsed",
      message: `Scaling is reviewed every ${plan.everyMonths} month${plan.everyMonths === 1 ? "" : "s"}; this period started at ${toIso(start)} and ends at ${toIso(reviewAt)}.`,
      availableAt: toIso(reviewAt),
    });
  const { num, den } = parsePercent(plan.minProfitPct);
  // profit / size ≥ num / den  ⇔  profit · den ≥ size · num; the target is rounded up for display.
  if (state.periodProfit * den < state.currentSize * num) {
    const target = (state.currentSize * num + den - 1n) / den;
    reasons.push({
      code: "scaling_profit_below_target",
      message: `Profit in this period is ${m(state.periodProfit)}; scaling needs ${plan.minProfitPct} % of ${m(state.currentSize)}, i.e. ${m(target)} (${m(target - state.periodProfit)} more).`,
    });
  }
  if (state.periodPayouts < plan.minPayouts)
    reasons.push({
      code: "scaling_not_enough_payouts",
      message: `${state.periodPayouts} payout${state.periodPayouts === 1 ? "" : "s"} in this period; scaling needs ${plan.minPayouts}.`,
    });
  if (reasons.length > 0) return { reached: false, reasons, nextReviewAt: toIso(reviewAt) };

  const step = parsePercent(plan.stepPctOfOriginal);
  const fullStep = (state.originalSize * step.num) / step.den;
  // bigint has no Math.min: cap by hand.
  let newSize = state.currentSize + fullStep;
  if (newSize > plan.maxSize) newSize = plan.maxSize;
  const nextLevel = state.level + 1;
  const n = opts.nextPayoutNumber ?? 1;
  return {
    reached: true,
    nextLevel,
    newSize,
    increase: newSize - state.currentSize,
    traderPctBefore: opts.terms ? traderPctFor(opts.terms, n, state.level) : null,
    traderPctAfter: opts.terms ? traderPctFor(opts.terms, n, nextLevel) : null,
  };
}
