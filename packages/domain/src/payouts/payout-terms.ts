import { z } from "zod";
import { AppError, type ErrorIssue, formatPath } from "../errors";
import { formatMoney, isCurrency, parseMoney, parsePercent } from "../money";

/** A split tier: from this payout number and/or scaling level on, the trader gets `traderPct` of profit. */
export interface SplitTier {
  traderPct: string;
  fromPayoutNumber: number;
  fromScalingLevel: number;
}

/**
 * Scaling: every `everyMonths` months with at least `minProfitPct` % profit (on the size at the start
 * of the period) and `minPayouts` payouts, the account grows by `stepPctOfOriginal` % of its original
 * size, never beyond `maxSize`. A higher split at the new level comes from the split tiers.
 */
export interface ScalingPlan {
  everyMonths: number;
  minProfitPct: string;
  minPayouts: number;
  stepPctOfOriginal: string;
  maxSize: bigint;
}

/** A program's payout terms, amounts in minor units of `currency`, percentages as exact decimal strings. */
export interface PayoutTerms {
  currency: string;
  splitTiers: SplitTier[];
  /** The challenge fee is refunded with this payout (1 = the first); null when it is not refunded. */
  feeRefund: { withPayoutNumber: number } | null;
  /** The trader's profit share must reach this for a payout (fee refund and phase reward do not count). */
  minimumPayout: bigint;
  /** The first payout is possible this many days after the first trade on the funded account. */
  firstPayoutDelayDays: number;
  /** Later payouts are possible this many days after the previous request. */
  cycleDays: number;
  /** No single day may make more than this share of the cycle's profit. */
  consistency: { maxBestDayPct: string } | null;
  /** The trader's profit share per cycle never exceeds this; profit above it stays in the account. */
  maxPayoutPerCycle: bigint | null;
  /** A share of challenge-phase profit paid with a funded payout, each phase capped at a pct of its target. */
  phaseProfitShare: { pct: string; capPctOfTarget: string; withPayoutNumber: number } | null;
  scaling: ScalingPlan | null;
}

const decimal = /^\d+(?:\.\d+)?$/;

const money = z
  .string({
    error: (i) => (i.input === undefined ? "is required" : 'must be a decimal string like "100.00"'),
  })
  .regex(decimal, { error: 'must be a decimal string like "100.00"' });

function percent(opts: { max?: number; positive?: boolean } = {}) {
  return z
    .union([z.number(), z.string()], {
      error: (i) => (i.input === undefined ? "is required" : "must be a percentage such as 80 or 12.5"),
    })
    .superRefine((v, ctx) => {
      let frac: { num: bigint; den: bigint };
      try {
        frac = parsePercent(v);
      } catch {
        ctx.addIssue({ code: "custom", message: "must be a non-negative percentage such as 80 or 12.5" });
        return;
      }
      if (opts.max !== undefined && frac.num > BigInt(opts.max) * (frac.den / 100n))
        ctx.addIssue({ code: "custom", message: `must be at most ${opts.max}` });
      if (opts.positive && frac.num === 0n)
        ctx.addIssue({ code: "custom", message: "must be greater than 0" });
    })
    .transform((v) => String(v));
}

const count = (min: number) =>
  z
    .number({ error: (i) => (i.input === undefined ? "is required" : "must be a whole number") })
    .int({ error: "must be a whole number" })
    .min(min, { error: `must be at least ${min}` });

/** The JSON form of payout terms, as stored in a program's configuration (amounts as decimal strings). */
export const payoutTermsSchema = z.strictObject({
  currency: z.string().refine(isCurrency, { error: "must be an ISO 4217 currency code such as USD" }),
  splitTiers: z
    .array(
      z.strictObject({
        traderPct: percent({ max: 100 }),
        fromPayoutNumber: count(1).default(1),
        fromScalingLevel: count(0).default(0),
      }),
    )
    .min(1, { error: "needs at least one tier" }),
  feeRefund: z
    .strictObject({ withPayoutNumber: count(1) })
    .nullable()
    .default(null),
  minimumPayout: money,
  firstPayoutDelayDays: count(0),
  cycleDays: count(1),
  consistency: z
    .strictObject({ maxBestDayPct: percent({ max: 100, positive: true }) })
    .nullable()
    .default(null),
  maxPayoutPerCycle: money.nullable().default(null),
  phaseProfitShare: z
    .strictObject({
      pct: percent({ max: 100 }),
      capPctOfTarget: percent({ max: 100 }),
      withPayoutNumber: count(1).default(1),
    })
    .nullable()
    .default(null),
  scaling: z
    .strictObject({
      everyMonths: count(1),
      minProfitPct: percent(),
      minPayouts: count(0),
      stepPctOfOriginal: percent({ positive: true }),
      maxSize: money,
    })
    .nullable()
    .default(null),
});

export type PayoutTermsJson = z.input<typeof payoutTermsSchema>;

function moneyIssue(issues: ErrorIssue[], path: string, value: string, currency: string): bigint {
  try {
    return parseMoney(value, currency, path);
  } catch (e) {
    issues.push({ path, message: e instanceof AppError ? (e.issues[0]?.message ?? e.message) : String(e) });
    return 0n;
  }
}

/**
 * Validates payout terms from JSON and converts amounts to minor units. Throws one VALIDATION
 * error listing every problem with its path (`splitTiers.1.traderPct: must be at most 100`).
 */
export function parsePayoutTerms(input: unknown): PayoutTerms {
  const parsed = payoutTermsSchema.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
    throw termsError(issues);
  }
  const j = parsed.data;
  const issues: ErrorIssue[] = [];
  const terms: PayoutTerms = {
    currency: j.currency,
    splitTiers: j.splitTiers,
    feeRefund: j.feeRefund,
    minimumPayout: moneyIssue(issues, "minimumPayout", j.minimumPayout, j.currency),
    firstPayoutDelayDays: j.firstPayoutDelayDays,
    cycleDays: j.cycleDays,
    consistency: j.consistency,
    maxPayoutPerCycle:
      j.maxPayoutPerCycle === null
        ? null
        : moneyIssue(issues, "maxPayoutPerCycle", j.maxPayoutPerCycle, j.currency),
    phaseProfitShare: j.phaseProfitShare,
    scaling:
      j.scaling === null
        ? null
        : { ...j.scaling, maxSize: moneyIssue(issues, "scaling.maxSize", j.scaling.maxSize, j.currency) },
  };
  if (!j.splitTiers.some((t) => t.fromPayoutNumber === 1 && t.fromScalingLevel === 0))
    issues.push({
      path: "splitTiers",
      message: "needs a base tier that applies from payout 1 at scaling level 0",
    });
  const seen = new Map<string, number>();
  j.splitTiers.forEach((t, i) => {
    const k = `${t.fromPayoutNumber}/${t.fromScalingLevel}`;
    const first = seen.get(k);
    if (first !== undefined)
      issues.push({ path: `splitTiers.${i}`, message: `has the same conditions as splitTiers.${first}` });
    else seen.set(k, i);
  });
  if (terms.maxPayoutPerCycle !== null && terms.maxPayoutPerCycle < terms.minimumPayout)
    issues.push({
      path: "maxPayoutPerCycle",
      message: "is below minimumPayout, so no payout could ever be made",
    });
  if (terms.scaling && terms.scaling.maxSize <= 0n)
    issues.push({ path: "scaling.maxSize", message: "must be greater than 0" });
  if (issues.length > 0) throw termsError(issues);
  return terms;
}

function termsError(issues: ErrorIssue[]): AppError {
  return new AppError(
    "VALIDATION",
    `Invalid payout terms: ${issues.map((i) => `${i.path || "(terms)"}: ${i.message}`).join("; ")}.`,
    { issues },
  );
}

/** The JSON form of parsed terms (amounts back to decimal strings); `parsePayoutTerms` reads it back. */
export function payoutTermsToJson(t: PayoutTerms): PayoutTermsJson {
  return {
    ...t,
    splitTiers: t.splitTiers.map((s) => ({ ...s })),
    minimumPayout: formatMoney(t.minimumPayout, t.currency),
    maxPayoutPerCycle: t.maxPayoutPerCycle === null ? null : formatMoney(t.maxPayoutPerCycle, t.currency),
    scaling:
      t.scaling === null ? null : { ...t.scaling, maxSize: formatMoney(t.scaling.maxSize, t.currency) },
  };
}
