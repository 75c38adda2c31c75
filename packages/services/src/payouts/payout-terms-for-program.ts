import { type PayoutTerms, type PayoutTermsJson, parsePayoutTerms } from "@propdesk/domain/payouts";
import type { CompiledProgram, ProgramInput } from "@propdesk/domain/programs";

/**
 * The payout terms a challenge was sold under: the program version's `payoutTerms` when it states
 * them, otherwise terms built from its `profitSplit` with these defaults (stated here so staff and
 * traders can read them): first payout 14 days after the first funded trade, then every 14 days,
 * a minimum trader share of 50 currency units, no fee refund, no consistency rule, no cap.
 */
export const defaultPayoutTerms = {
  firstPayoutDelayDays: 14,
  cycleDays: 14,
  minimumPayout: "50",
} as const;

export function payoutTermsForProgram(program: ProgramInput): PayoutTerms {
  const currency = program.currency;
  if (program.payoutTerms) return parsePayoutTerms({ ...program.payoutTerms, currency } as PayoutTermsJson);
  return parsePayoutTerms({
    currency,
    splitTiers: [{ traderPct: program.profitSplit?.traderPct ?? 80 }],
    minimumPayout: defaultPayoutTerms.minimumPayout,
    firstPayoutDelayDays: defaultPayoutTerms.firstPayoutDelayDays,
    cycleDays: defaultPayoutTerms.cycleDays,
  });
}

/** The funded phase of a compiled program (the last one), and the evaluation phases before it. */
export function fundedPhaseIndex(compiled: CompiledProgram): number {
  return compiled.phases.findIndex((p) => !p.isEvaluation);
}
