import type { ProgramDefinition } from "./program-schema";

/**
 * Starting points a firm copies and edits. Plain data (the same JSON a firm would write), so the
 * staff console can show them and `compileProgram` validates them like any other program.
 */
export interface ProgramTemplate {
  id: string;
  name: string;
  description: string;
  program: ProgramDefinition;
}

const cfdDaily = { pct: 5, amountBase: "initial", reference: "balance", kind: "hard" } as const;

export const programTemplates: readonly ProgramTemplate[] = [
  {
    id: "two-step-cfd",
    name: "Two-step CFD challenge",
    description:
      "Challenge (10% target) then Verification (5% target), at least 4 trading days each; 5% daily " +
      "loss from the day's starting balance and a 10% static maximum loss, days starting at midnight " +
      "Prague time. The classic FTMO-style evaluation.",
    program: {
      name: "Two-step CFD challenge",
      currency: "USD",
      initialBalance: "100000.00",
      timezone: "Europe/Prague",
      dayStart: "00:00",
      kycRequired: false,
      reset: { allowed: true, discountPct: 10, freeRetake: false },
      profitSplit: { traderPct: 80 },
      phases: [
        {
          name: "Challenge",
          kind: "evaluation",
          profitTarget: { pct: 10 },
          dailyLoss: cfdDaily,
          maxLoss: { pct: 10, mode: "static", lockAt: null },
          minTradingDays: 4,
          maxDays: null,
          consistency: null,
          warnings: { levels: [50, 80] },
        },
        {
          name: "Verification",
          kind: "evaluation",
          profitTarget: { pct: 5 },
          dailyLoss: cfdDaily,
          maxLoss: { pct: 10, mode: "static", lockAt: null },
          minTradingDays: 4,
          maxDays: null,
          consistency: null,
          warnings: { levels: [50, 80] },
        },
        {
          name: "Funded",
          kind: "funded",
          dailyLoss: cfdDaily,
          maxLoss: { pct: 10, mode: "static", lockAt: null },
          warnings: { levels: [50, 80] },
          weekendHolding: { cutoff: { day: "friday", time: "22:00" }, kind: "soft" },
          newsWindow: { minutesBefore: 2, minutesAfter: 2, impacts: ["high"], kind: "soft" },
        },
      ],
    },
  },
  {
    id: "one-step-eod",
    name: "One-step with end-of-day trailing",
    description:
      "A single evaluation: 10% target, 3% daily loss, 10% maximum loss trailing the end-of-day " +
      "balance and locking at the starting balance, and a 50% best-day rule (no single day may be " +
      "more than half of the profit).",
    program: {
      name: "One-step with end-of-day trailing",
      currency: "USD",
      initialBalance: "100000.00",
      timezone: "Europe/Prague",
      dayStart: "00:00",
      kycRequired: false,
      reset: { allowed: true, discountPct: 10, freeRetake: false },
      profitSplit: { traderPct: 90 },
      phases: [
        {
          name: "Evaluation",
          kind: "evaluation",
          profitTarget: { pct: 10 },
          dailyLoss: { pct: 3, amountBase: "initial", reference: "balance", kind: "hard" },
          maxLoss: { pct: 10, mode: "trailing_eod", lockAt: "0.00" },
          minTradingDays: 0,
          maxDays: null,
          consistency: { maxBestDayPct: 50, inclusive: true },
        },
        {
          name: "Funded",
          kind: "funded",
          dailyLoss: { pct: 3, amountBase: "initial", reference: "balance", kind: "hard" },
          maxLoss: { pct: 10, mode: "trailing_eod", lockAt: "0.00" },
        },
      ],
    },
  },
  {
    id: "instant-funding",
    name: "Instant funding",
    description:
      "A funded account from day one, no evaluation: 3% daily loss from the higher of balance and " +
      "equity at the day start, 6% maximum loss trailing the highest closed balance and locking at " +
      "the starting balance, a stop-loss on every trade and at most 1% lost on any one trade. KYC " +
      "before the account is provisioned.",
    program: {
      name: "Instant funding",
      currency: "USD",
      initialBalance: "25000.00",
      timezone: "Etc/GMT-2",
      dayStart: "00:00",
      kycRequired: true,
      reset: { allowed: false, discountPct: 0, freeRetake: false },
      profitSplit: { traderPct: 70 },
      phases: [
        {
          name: "Funded",
          kind: "funded",
          dailyLoss: { pct: 3, amountBase: "initial", reference: "max", kind: "hard" },
          maxLoss: { pct: 6, mode: "trailing_closed", lockAt: "0.00" },
          stopLossRequired: { kind: "soft" },
          maxTradeLoss: { pct: 1, kind: "soft" },
          inactivity: { days: 30 },
        },
      ],
    },
  },
  {
    id: "futures-combine-50k",
    name: "Futures combine 50K",
    description:
      "A CME-style futures evaluation: sessions end at 17:00 Chicago time; $3,000 target; a $1,000 " +
      "soft daily limit (trading stops for the rest of the session); a $2,000 maximum loss trailing " +
      "the end-of-session balance and locking at the starting balance; 50% consistency; at most 5 " +
      "contracts open.",
    program: {
      name: "Futures combine 50K",
      currency: "USD",
      initialBalance: "50000.00",
      timezone: "America/Chicago",
      dayStart: "17:00",
      kycRequired: false,
      reset: { allowed: true, discountPct: 0, freeRetake: true },
      profitSplit: { traderPct: 90 },
      phases: [
        {
          name: "Combine",
          kind: "evaluation",
          profitTarget: { amount: "3000.00" },
          dailyLoss: { amount: "1000.00", reference: "balance", kind: "soft" },
          maxLoss: { amount: "2000.00", mode: "trailing_eod", lockAt: "0.00" },
          minTradingDays: 2,
          maxDays: null,
          consistency: { maxBestDayPct: 50, inclusive: true },
          maxLots: { total: 5, kind: "hard" },
        },
        {
          name: "Funded",
          kind: "funded",
          dailyLoss: { amount: "1000.00", reference: "balance", kind: "soft" },
          maxLoss: { amount: "2000.00", mode: "trailing_eod", lockAt: "0.00" },
          maxLots: { total: 5, kind: "hard" },
        },
      ],
    },
  },
];

/** A template by id (a copy, so the caller may edit it). */
export function programTemplate(id: string): ProgramTemplate | undefined {
  const t = programTemplates.find((x) => x.id === id);
  return t ? (JSON.parse(JSON.stringify(t)) as ProgramTemplate) : undefined;
}
