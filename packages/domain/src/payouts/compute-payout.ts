import { AppError, type ErrorIssue } from "../errors";
import { currencyExponent, displayMoney, formatMoney, parsePercent } from "../money";
import type { PayoutTerms } from "./payout-terms";

/*
 * Rounding rule, the same everywhere in this file: any share paid to the trader is rounded DOWN to
 * the minor unit and the firm keeps the remainder, so trader share + firm share = profit exactly and
 * the firm never pays a fraction of a cent. Caps are applied exactly (no rounding involved).
 */

export interface PhaseResult {
  /** Profit made in the challenge phase (negative when it ended in a loss). */
  profit: bigint;
  /** The phase's profit target as an amount. */
  target: bigint;
}

export interface PayoutContext {
  /** 1 for the first payout of the funded account. */
  payoutNumber: number;
  /** 0 before any scaling. */
  scalingLevel: number;
  /** Closed balance of the funded account now. */
  balance: bigint;
  /**
   * High-water mark: the balance after the last payout (or the starting balance), raised by any
   * scaling step. Profit is what lies above it; a loss below it must be recovered first.
   */
  profitBaseline: bigint;
  /** What the trader paid for the challenge. */
  challengeFee: bigint;
  feeAlreadyRefunded: boolean;
  phaseResults?: readonly PhaseResult[];
  phaseShareAlreadyPaid?: boolean;
}

export interface PayoutLine {
  code:
    | "profit_since_baseline"
    | "loss_to_recover"
    | "profit_left_in_account"
    | "gross_profit"
    | "trader_share"
    | "firm_share"
    | "phase_profit_share"
    | "fee_refund"
    | "total_to_trader"
    | "balance_reduction";
  label: string;
  amount: bigint;
}

export interface PayoutComputation {
  currency: string;
  payoutNumber: number;
  traderPct: string;
  /** balance − baseline; negative when the account is below its high-water mark. */
  profitSinceBaseline: bigint;
  /** The loss that must be made back before any payout (0 when in profit). */
  lossToRecover: bigint;
  /** Profit taken out of the account in this payout (after the cycle cap). */
  grossProfit: bigint;
  /** Profit above the cycle cap, left in the account for a later cycle. */
  profitLeftInAccount: bigint;
  traderShare: bigint;
  firmShare: bigint;
  phaseProfitShare: bigint;
  feeRefund: bigint;
  /** traderShare + phaseProfitShare + feeRefund: what the trader receives. */
  totalToTrader: bigint;
  /** How much the trading account's balance goes down: the gross profit taken out. */
  balanceReduction: bigint;
  lines: PayoutLine[];
  roundingNote: string;
}

/** floor(a × num / den) for a ≥ 0. */
const floorShare = (a: bigint, num: bigint, den: bigint) => (a * num) / den;
/** ceil(a / b) for a ≥ 0, b > 0. */
const ceilDiv = (a: bigint, b: bigint) => (a + b - 1n) / b;

/** Splits a non-negative profit: trader gets `traderPct` rounded down, the firm the rest. */
export function splitProfit(profit: bigint, traderPct: string): { trader: bigint; firm: bigint } {
  if (profit < 0n) throw new AppError("VALIDATION", "profit: a negative profit cannot be split.");
  const { num, den } = parsePercent(traderPct, "traderPct");
  const trader = floorShare(profit, num, den);
  return { trader, firm: profit - trader };
}

/**
 * The trader's split for a payout: the highest percentage among the tiers whose conditions (from
 * payout number, from scaling level) are both met. The order of tiers does not matter.
 */
export function traderPctFor(terms: PayoutTerms, payoutNumber: number, scalingLevel: number): string {
  let best: { pct: string; num: bigint; den: bigint } | null = null;
  for (const t of terms.splitTiers) {
    if (t.fromPayoutNumber > payoutNumber || t.fromScalingLevel > scalingLevel) continue;
    const f = parsePercent(t.traderPct);
    // Exact comparison of fractions: a/b > c/d  ⇔  a·d > c·b.
    if (best === null || f.num * best.den > best.num * f.den) best = { pct: t.traderPct, ...f };
  }
  if (best === null)
    throw new AppError(
      "VALIDATION",
      "splitTiers: no tier applies; the terms need a base tier from payout 1, level 0.",
    );
  return best.pct;
}

/**
 * Challenge-phase profit share: `pct` of each phase's profit (a losing phase gives nothing), capped
 * at `capPctOfTarget` of that phase's target, each rounded down; summed over phases.
 */
export function phaseProfitShareOf(
  share: { pct: string; capPctOfTarget: string },
  phases: readonly PhaseResult[],
): bigint {
  const p = parsePercent(share.pct, "phaseProfitShare.pct");
  const c = parsePercent(share.capPctOfTarget, "phaseProfitShare.capPctOfTarget");
  let total = 0n;
  for (const ph of phases) {
    const earned = ph.profit > 0n ? floorShare(ph.profit, p.num, p.den) : 0n;
    const cap = floorShare(ph.target, c.num, c.den);
    total += earned < cap ? earned : cap;
  }
  return total;
}

function checkContext(ctx: PayoutContext): void {
  const issues: ErrorIssue[] = [];
  if (!Number.isInteger(ctx.payoutNumber) || ctx.payoutNumber < 1)
    issues.push({ path: "payoutNumber", message: "must be a whole number ≥ 1" });
  if (!Number.isInteger(ctx.scalingLevel) || ctx.scalingLevel < 0)
    issues.push({ path: "scalingLevel", message: "must be a whole number ≥ 0" });
  for (const f of ["balance", "profitBaseline", "challengeFee"] as const)
    if (typeof ctx[f] !== "bigint") issues.push({ path: f, message: "must be a bigint of minor units" });
  if (typeof ctx.challengeFee === "bigint" && ctx.challengeFee < 0n)
    issues.push({ path: "challengeFee", message: "must not be negative" });
  ctx.phaseResults?.forEach((ph, i) => {
    if (typeof ph.profit !== "bigint")
      issues.push({ path: `phaseResults.${i}.profit`, message: "must be a bigint" });
    if (typeof ph.target !== "bigint" || ph.target < 0n)
      issues.push({ path: `phaseResults.${i}.target`, message: "must be a non-negative bigint" });
  });
  if (issues.length > 0)
    throw new AppError(
      "VALIDATION",
      `Invalid payout context: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}.`,
      { issues },
    );
}

/**
 * The amounts of a payout, explained line by line. The fee refund and the phase profit share ride
 * along with a real payout: with no profit to withdraw they are not paid (they stay due).
 */
export function computePayout(terms: PayoutTerms, ctx: PayoutContext): PayoutComputation {
  checkContext(ctx);
  const cur = terms.currency;
  const traderPct = traderPctFor(terms, ctx.payoutNumber, ctx.scalingLevel);
  const { num, den } = parsePercent(traderPct);
  const profitSinceBaseline = ctx.balance - ctx.profitBaseline;
  const available = profitSinceBaseline > 0n ? profitSinceBaseline : 0n;
  const lossToRecover = profitSinceBaseline < 0n ? -profitSinceBaseline : 0n;

  let grossProfit = available;
  const cap = terms.maxPayoutPerCycle;
  if (cap !== null && num > 0n && floorShare(available, num, den) > cap) {
    // The smallest profit whose rounded-down share is exactly the cap: ceil(cap / pct).
    grossProfit = ceilDiv(cap * den, num);
  }
  const profitLeftInAccount = available - grossProfit;
  const traderShare = floorShare(grossProfit, num, den);
  const firmShare = grossProfit - traderShare;

  const paying = grossProfit > 0n;
  const fr = terms.feeRefund;
  const feeRefund =
    paying && fr !== null && ctx.payoutNumber >= fr.withPayoutNumber && !ctx.feeAlreadyRefunded
      ? ctx.challengeFee
      : 0n;
  const ps = terms.phaseProfitShare;
  const phaseProfitShare =
    paying && ps !== null && ctx.payoutNumber >= ps.withPayoutNumber && !ctx.phaseShareAlreadyPaid
      ? phaseProfitShareOf(ps, ctx.phaseResults ?? [])
      : 0n;
  const totalToTrader = traderShare + phaseProfitShare + feeRefund;

  const m = (a: bigint) => displayMoney(a, cur);
  const lines: PayoutLine[] = [
    {
      code: "profit_since_baseline",
      label: `Balance ${m(ctx.balance)} minus last payout level ${m(ctx.profitBaseline)}`,
      amount: profitSinceBaseline,
    },
  ];
  if (lossToRecover > 0n)
    lines.push({
      code: "loss_to_recover",
      label: "Loss to recover before the next payout",
      amount: lossToRecover,
    });
  if (profitLeftInAccount > 0n)
    lines.push({
      code: "profit_left_in_account",
      label: `Profit above the cycle cap of ${m(cap ?? 0n)} for the trader, left in the account`,
      amount: profitLeftInAccount,
    });
  lines.push(
    { code: "gross_profit", label: "Profit paid out this cycle", amount: grossProfit },
    { code: "trader_share", label: `Trader share (${traderPct} %, rounded down)`, amount: traderShare },
    { code: "firm_share", label: "Firm share (the remainder)", amount: firmShare },
  );
  if (phaseProfitShare > 0n && ps)
    lines.push({
      code: "phase_profit_share",
      label: `Challenge-phase profit share (${ps.pct} % of phase profit, at most ${ps.capPctOfTarget} % of each target)`,
      amount: phaseProfitShare,
    });
  if (feeRefund > 0n) lines.push({ code: "fee_refund", label: "Challenge fee refunded", amount: feeRefund });
  lines.push(
    { code: "total_to_trader", label: "Total paid to the trader", amount: totalToTrader },
    { code: "balance_reduction", label: "Reduction of the trading account balance", amount: grossProfit },
  );

  const unit = formatMoney(1n, cur);
  const exp = currencyExponent(cur);
  return {
    currency: cur,
    payoutNumber: ctx.payoutNumber,
    traderPct,
    profitSinceBaseline,
    lossToRecover,
    grossProfit,
    profitLeftInAccount,
    traderShare,
    firmShare,
    phaseProfitShare,
    feeRefund,
    totalToTrader,
    balanceReduction: grossProfit,
    lines,
    roundingNote: `Shares paid to the trader are rounded down to the minor unit (${unit} ${cur}${exp === 0 ? ", whole units" : ""}); the firm keeps the remainder, so trader share + firm share equals the profit exactly.`,
  };
}
