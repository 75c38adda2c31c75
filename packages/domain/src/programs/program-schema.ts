import { z } from "zod";
import { isCurrency } from "../money";
import { payoutTermsSchema } from "../payouts/payout-terms";
import { isValidTimeZone, parseDayStart } from "../rules/day-starts";
import { percentFraction } from "../rules/exact-math";

/**
 * The challenge program as a firm writes it (and as the replay contract's `program` field is
 * written). Money is a decimal string in the program currency, percentages are JSON numbers.
 * Fields the contract does not name are optional and, when absent, change nothing.
 *
 * Messages are short and name the rule ("must not be negative"); the caller prefixes the field
 * path (`program.phases[0].dailyLoss.pct`), see `formatFieldPath`.
 */

const decimalPattern = /^-?\d+(?:\.\d+)?$/;

/** A decimal money string; its digits are checked against the currency when compiled. */
export const moneyString = z
  .string({
    error: (i) => (i.input === undefined ? "is required" : 'must be a decimal string like "1000.00"'),
  })
  .regex(decimalPattern, { error: 'must be a decimal string like "1000.00"' });

/** A non-negative percentage as a JSON number with at most 9 decimals. */
export const percentage = z
  .number({ error: (i) => (i.input === undefined ? "is required" : "must be a number") })
  .min(0, { error: "must not be negative" })
  .refine((n) => percentFraction(n) !== null, { error: "must have at most 9 decimal places" });

const wholeNumber = z
  .number({ error: (i) => (i.input === undefined ? "is required" : "must be a whole number") })
  .int({ error: "must be a whole number" })
  .min(0, { error: "must not be negative" })
  .max(1_000_000, { error: "must be at most 1000000" });

// Optional fields also accept null (as "not set"), and come out as undefined.
const optPercentage = percentage
  .nullable()
  .optional()
  .transform((v) => v ?? undefined);
const optMoney = moneyString
  .nullable()
  .optional()
  .transform((v) => v ?? undefined);
const optText = z
  .string()
  .nullable()
  .optional()
  .transform((v) => v ?? undefined);

function exactlyOneOf(v: { pct?: number | undefined; amount?: string | undefined }, ctx: z.RefinementCtx) {
  if (v.pct !== undefined && v.amount !== undefined)
    ctx.addIssue({ code: "custom", path: [], message: "set either pct or amount, not both" });
  if (v.pct === undefined && v.amount === undefined)
    ctx.addIssue({ code: "custom", path: [], message: 'needs "pct" or "amount"' });
}

/** `{ pct }` or `{ amount }`. */
export const limitSchema = z.object({ pct: optPercentage, amount: optMoney }).superRefine(exactlyOneOf);

export const dailyLossSchema = z
  .object({
    pct: optPercentage,
    amount: optMoney,
    // Only meaningful with pct; accepted and ignored with amount.
    amountBase: z
      .enum(["initial", "reference"])
      .nullable()
      .optional()
      .transform((v) => v ?? undefined),
    reference: z.enum(["balance", "equity", "max"]),
    kind: z.enum(["hard", "soft"]),
  })
  .superRefine((v, ctx) => {
    exactlyOneOf(v, ctx);
    if (v.pct !== undefined && v.amountBase === undefined)
      ctx.addIssue({
        code: "custom",
        path: ["amountBase"],
        message: 'is required with pct ("initial" or "reference")',
      });
  });

export const maxLossSchema = z
  .object({
    pct: optPercentage,
    amount: optMoney,
    mode: z.enum(["static", "trailing_eod", "trailing_closed", "trailing_intraday"]),
    // Missing means null (no lock). Must not be negative: a lock below the starting floor would
    // contradict "a trailing floor starts where the static floor is and only ever rises".
    lockAt: moneyString.nullable().optional(),
  })
  .superRefine(exactlyOneOf);

export const consistencySchema = z.object({
  maxBestDayPct: percentage,
  inclusive: z.boolean({ error: (i) => (i.input === undefined ? "is required" : "must be true or false") }),
});

// ---- Rules beyond the contract (optional; a phase without them behaves exactly as the spec says) ----

const extensionKind = z.enum(["hard", "soft"]);
const hhmm = z
  .string()
  .refine((v) => parseDayStart(v) !== null, { error: 'must be a local time "HH:MM" from 00:00 to 23:59' });

/**
 * Early warnings when a share of a loss limit is used (e.g. 50% and 80%). Emitted as `warning`
 * events, at most once per level and rule per trading day. Origin: the "you have used 80% of your
 * daily loss" alerts of FTMO's Account MetriX and most firms' dashboards.
 */
export const warningsSchema = z.object({
  levels: z
    .array(
      z
        .number()
        .int({ error: "must be a whole percentage" })
        .min(1, { error: "must be from 1 to 99" })
        .max(99, { error: "must be from 1 to 99" }),
    )
    .min(1, { error: "must list at least one level" })
    .max(8, { error: "must list at most 8 levels" })
    .refine((l) => l.every((v, i) => i === 0 || v > l[i - 1]!), { error: "must be in increasing order" }),
  rules: z
    .array(z.enum(["daily_loss", "max_loss"]))
    .min(1, { error: "must list at least one rule" })
    .optional(),
});

/**
 * Maximum open lots per symbol and/or in total (futures firms: Topstep's and Apex's contract
 * limits; CFD firms' lot caps on instant accounts). Counted from trade_opened `lots` minus
 * trade_closed `lots`; an account snapshot with no open positions clears the count.
 */
export const maxLotsSchema = z
  .object({
    perSymbol: z.number().positive({ error: "must be a positive number of lots" }).nullable().optional(),
    total: z.number().positive({ error: "must be a positive number of lots" }).nullable().optional(),
    kind: extensionKind,
  })
  .superRefine((v, ctx) => {
    if ((v.perSymbol ?? null) === null && (v.total ?? null) === null)
      ctx.addIssue({ code: "custom", path: [], message: 'needs "perSymbol" or "total"' });
  });

/**
 * No positions held across the weekly cut-off (FTMO's standard FTMO Account and many CFD firms:
 * positions must be closed before the Friday market close). The cut-off is a weekday and local
 * time in the program's timezone.
 */
export const weekendHoldingSchema = z.object({
  cutoff: z.object({
    day: z.enum(["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]),
    time: hhmm,
  }),
  kind: extensionKind,
});

/**
 * No opening or closing a trade within N minutes of a listed high-impact release affecting the
 * instrument (FTMO's news rule for funded accounts: 2 minutes before and after). The calendar
 * arrives as `news` events before the releases it lists.
 */
export const newsWindowSchema = z.object({
  minutesBefore: z
    .number()
    .int({ error: "must be a whole number of minutes" })
    .min(0, { error: "must not be negative" }),
  minutesAfter: z
    .number()
    .int({ error: "must be a whole number of minutes" })
    .min(0, { error: "must not be negative" }),
  impacts: z.array(z.enum(["high", "medium", "low"])).min(1, { error: "must list at least one impact" }),
  kind: extensionKind,
});

/** Maximum loss on a single closed trade (FundedNext's "no more than 1% of the account on any trade"). */
export const maxTradeLossSchema = z
  .object({ pct: optPercentage, amount: optMoney, kind: extensionKind })
  .superRefine(exactlyOneOf);

/** Every trade must be opened with a stop-loss (FundedNext's SL condition, many instant-funding firms). */
export const stopLossRequiredSchema = z.object({ kind: extensionKind });

/** The phase fails after N × 24 h without opening or closing a trade (FTMO: 30 days of inactivity). */
export const inactivitySchema = z.object({
  days: z
    .number()
    .int({ error: "must be a whole number of days" })
    .min(1, { error: "must be at least 1" })
    .max(3650, { error: "must be at most 3650" }),
});

export const phaseSchema = z.object({
  name: optText,
  kind: z.enum(["evaluation", "funded"]),
  initialBalance: moneyString.nullable().optional(),
  // Read only for evaluation phases: a funded phase has no target and is never passed.
  profitTarget: limitSchema.nullable().optional(),
  dailyLoss: dailyLossSchema.nullable().optional(),
  maxLoss: maxLossSchema.nullable().optional(),
  minTradingDays: wholeNumber.nullable().optional(),
  maxDays: wholeNumber.nullable().optional(),
  consistency: consistencySchema.nullable().optional(),
  warnings: warningsSchema.nullable().optional(),
  maxLots: maxLotsSchema.nullable().optional(),
  weekendHolding: weekendHoldingSchema.nullable().optional(),
  newsWindow: newsWindowSchema.nullable().optional(),
  maxTradeLoss: maxTradeLossSchema.nullable().optional(),
  stopLossRequired: stopLossRequiredSchema.nullable().optional(),
  inactivity: inactivitySchema.nullable().optional(),
});

/** What a retake costs. Read by the purchase side; does not change rule evaluation. */
export const resetPolicySchema = z.object({
  allowed: z.boolean(),
  discountPct: z
    .number()
    .min(0, { error: "must be from 0 to 100" })
    .max(100, { error: "must be from 0 to 100" }),
  freeRetake: z.boolean(),
});

/** Placeholder for the funded profit split (read by payouts; no effect on rules). */
export const profitSplitSchema = z.object({
  traderPct: z
    .number()
    .min(0, { error: "must be from 0 to 100" })
    .max(100, { error: "must be from 0 to 100" }),
});

/**
 * The program's payout terms (read by payouts; no effect on rules), as `payoutTermsSchema` without
 * a currency: the terms are in the program's currency.
 */
export const programPayoutTermsSchema = payoutTermsSchema.omit({ currency: true });

export const programSchema = z.object({
  currency: z
    .string()
    .refine((c) => isCurrency(c), { error: "must be an ISO 4217 currency code such as USD" }),
  initialBalance: moneyString,
  timezone: z
    .string()
    .refine((tz) => isValidTimeZone(tz), { error: "must be an IANA time zone such as Europe/Prague" }),
  dayStart: z
    .string()
    .refine((s) => parseDayStart(s) !== null, { error: 'must be a local time "HH:MM" from 00:00 to 23:59' }),
  phases: z
    .array(phaseSchema)
    .min(1, { error: "must list at least one phase" })
    .max(20, { error: "must list at most 20 phases" }),
  // Product fields (the catalogue, purchase and payout sides read them; rules ignore them).
  id: z.string().min(1, { error: "must not be empty" }).optional(),
  version: z
    .number()
    .int({ error: "must be a whole number" })
    .min(1, { error: "must be 1 or more" })
    .optional(),
  name: optText,
  description: optText,
  kycRequired: z.boolean().optional(),
  reset: resetPolicySchema.nullable().optional(),
  profitSplit: profitSplitSchema.nullable().optional(),
  payoutTerms: programPayoutTermsSchema.nullable().optional(),
});

/** A validated program (nulls normalised to undefined, unknown keys removed). */
export type ProgramInput = z.infer<typeof programSchema>;
/** A program as written (the JSON a firm authors, before validation). */
export type ProgramDefinition = z.input<typeof programSchema>;
export type PhaseInput = z.infer<typeof phaseSchema>;
export type LimitInput = z.infer<typeof limitSchema>;
export type DailyLossInput = z.infer<typeof dailyLossSchema>;
export type MaxLossInput = z.infer<typeof maxLossSchema>;
export type ResetPolicy = z.infer<typeof resetPolicySchema>;

/** Generic messages for zod's built-in checks, so every message reads the same way. */
export function zodMessage(issue: z.core.$ZodRawIssue): string | undefined {
  if ((issue.code === "invalid_type" || issue.code === "invalid_value") && issue.input === undefined)
    return "is required";
  if (issue.code === "invalid_type") {
    const names: Record<string, string> = {
      string: "a string",
      number: "a number",
      object: "an object",
      array: "an array",
      boolean: "true or false",
    };
    return `must be ${names[issue.expected] ?? issue.expected}`;
  }
  if (issue.code === "invalid_value") {
    return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
  }
  return undefined;
}

/** `program` + ["phases", 0, "dailyLoss", "pct"] → `program.phases[0].dailyLoss.pct`. */
export function formatFieldPath(prefix: string, path: ReadonlyArray<PropertyKey>): string {
  let out = prefix;
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else out += out === "" ? String(p) : `.${String(p)}`;
  }
  return out;
}
