import { randomInt } from "node:crypto";
import { challenges, dataLayer, payouts, type TenantDb } from "@propdesk/db";
import { AppError, isAppError, validate } from "@propdesk/domain";
import { displayMoney, formatMoney, parseMoney } from "@propdesk/domain/money";
import { type PayoutComputation, requiredApprovals } from "@propdesk/domain/payouts";
import { z } from "zod";
import { type Actor, recordAudit } from "../audit/record-audit";
import { ensureVerification } from "../kyc/kyc-verification";
import type { TraderPrincipal } from "../traders/trader-auth";
import { type PayoutContext, payoutContext } from "./payout-context";
import { destinationView } from "./payout-destinations";
import { payoutSignals } from "./payout-signals";
import { closeUnpaidPayout } from "./payout-workflow";

/*
 * The trader's side of payouts: see what can be paid and why not, request it after seeing the
 * exact amounts, cancel it while it is not sent, point it at another destination.
 */

const referenceAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
function newReference(): string {
  let code = "";
  for (let i = 0; i < 8; i++) code += referenceAlphabet[randomInt(referenceAlphabet.length)];
  return `PO-${code}`;
}

/** The amounts as plain JSON (bigints as strings), as shown before confirming and stored with the payout. */
export function computationJson(c: PayoutComputation, extra: Record<string, unknown> = {}) {
  return {
    currency: c.currency,
    payoutNumber: c.payoutNumber,
    traderPct: c.traderPct,
    lines: c.lines.map((l) => ({ code: l.code, label: l.label, amount: l.amount.toString() })),
    roundingNote: c.roundingNote,
    ...extra,
  };
}

/** What a trader sees for one funded account: the verdict, every reason, and the amounts. */
export function previewOf(ctx: PayoutContext) {
  const e = ctx.eligibility;
  const a = e.amounts;
  const m = (x: bigint) => displayMoney(x, a.currency);
  return {
    challengeId: ctx.challenge.id,
    reference: ctx.challenge.reference,
    programName: ctx.challenge.programVersion.program.name,
    status: ctx.challenge.status,
    currency: a.currency,
    balance: m(ctx.standing.balance),
    eligible: e.eligible,
    reasons: e.eligible ? [] : e.reasons,
    availableAt: e.eligible ? null : e.availableAt,
    payoutNumber: e.payoutNumber,
    traderPct: a.traderPct,
    total: a.totalToTrader,
    totalDisplay: m(a.totalToTrader),
    /** What the confirmation form sends back (`expectedTotal`). */
    totalInput: formatMoney(a.totalToTrader, a.currency),
    lines: a.lines.map((l) => ({ code: l.code, label: l.label, amount: m(l.amount) })),
    roundingNote: a.roundingNote,
    terms: {
      firstPayoutDelayDays: ctx.terms.firstPayoutDelayDays,
      cycleDays: ctx.terms.cycleDays,
      minimumPayout: m(ctx.terms.minimumPayout),
    },
  };
}

/** The trader's funded accounts with a payout preview each. */
export async function payoutPreviews(trader: TraderPrincipal, opts: { rulesAt?: Date } = {}) {
  return dataLayer().withTenant(trader.tenantId, async (db) => {
    const list = await challenges.listTraderChallenges(db, trader.traderId);
    const out = [];
    for (const c of list) {
      if (c.status !== "funded" && !(await payouts.listChallengePayouts(db, c.id)).length) continue;
      try {
        out.push(previewOf(await payoutContext(db, c.id, opts.rulesAt)));
      } catch (e) {
        if (!(e instanceof AppError) || e.code !== "PRECONDITION_FAILED") throw e;
      }
    }
    return out;
  });
}

export const requestPayoutSchema = z.object({
  challengeId: z.string().uuid("Choose the funded account to be paid from."),
  destinationId: z.string().uuid("Choose where to be paid."),
  /** The total the trader saw and confirms, in the account currency ("1234.56"). */
  expectedTotal: z
    .string()
    .trim()
    .regex(/^\d+(\.\d+)?$/, "Confirm the amount shown."),
});

interface Requester {
  actor: Actor;
  type: "trader" | "staff";
  id: string;
  traderId: string | null;
}

/** One request in the caller's unit of work: checks, amounts, destination, then the payout row. */
export async function createPayoutRequest(
  db: TenantDb,
  requester: Requester,
  form: z.infer<typeof requestPayoutSchema>,
  clocks: { wallNow: Date; rulesAt?: Date | undefined },
) {
  if (!(await challenges.lockChallenge(db, form.challengeId)))
    throw new AppError("NOT_FOUND", "That account does not exist.");
  const ctx = await payoutContext(db, form.challengeId, clocks.rulesAt);
  const now = clocks.wallNow;
  if (requester.traderId !== null && ctx.challenge.traderId !== requester.traderId)
    throw new AppError("NOT_FOUND", "That account does not exist.");
  const e = ctx.eligibility;
  if (!e.eligible)
    throw new AppError(
      "PRECONDITION_FAILED",
      `A payout cannot be requested now. ${e.reasons.map((r) => r.message).join(" ")}`,
      {
        issues: e.reasons.map((r) => ({ path: r.code, message: r.message })),
        details: { reasons: e.reasons, availableAt: e.availableAt },
      },
    );
  const a = e.amounts;
  const currency = a.currency;
  let expected: bigint;
  try {
    expected = parseMoney(form.expectedTotal, currency, "expectedTotal");
  } catch (err) {
    throw new AppError("VALIDATION", `expectedTotal: not an amount in ${currency}.`, {
      issues: [{ path: "expectedTotal", message: `Not an amount in ${currency}.` }],
      cause: err,
    });
  }
  if (expected !== a.totalToTrader)
    throw new AppError(
      "CONFLICT",
      `The amount changed since it was shown: the payout is now ${displayMoney(a.totalToTrader, currency)}, not ${displayMoney(expected, currency)}. Review the new amounts and confirm again.`,
      { issues: [{ path: "expectedTotal", message: "The amount changed; review and confirm again." }] },
    );
  const destination = await payouts.findDestination(db, form.destinationId);
  if (!destination || destination.traderId !== ctx.challenge.traderId || destination.status !== "active")
    throw new AppError("VALIDATION", "destinationId: choose one of your active payout destinations.", {
      issues: [{ path: "destinationId", message: "Choose one of your active payout destinations." }],
    });
  if (destination.usableFrom > now) {
    const message = `This destination was added recently; it can be paid to from ${destination.usableFrom.toISOString().replace("T", " ").slice(0, 16)} UTC.`;
    throw new AppError("PRECONDITION_FAILED", message, { issues: [{ path: "destinationId", message }] });
  }
  if (destination.rail === "crypto" && currency !== "USD")
    throw new AppError(
      "VALIDATION",
      `destinationId: crypto payouts are paid in USD stablecoins; this account is in ${currency}.`,
      {
        issues: [{ path: "destinationId", message: "Crypto payouts need a USD account." }],
      },
    );
  const threshold = await payouts.findThreshold(db, ctx.challenge.deskId, currency);
  const approvalsNeeded = requiredApprovals(
    { amount: a.totalToTrader, currency },
    threshold ? { amount: threshold.amount, currency } : null,
  );
  const signals = await payoutSignals(db, ctx, destination, now);
  let created: Awaited<ReturnType<typeof payouts.createPayout>> | undefined;
  for (let tries = 0; !created; tries++) {
    try {
      created = await payouts.createPayout(db, {
        reference: newReference(),
        deskId: ctx.challenge.deskId,
        traderId: ctx.challenge.traderId,
        challengeId: ctx.challenge.id,
        tradingAccountId: ctx.tradingAccount.id,
        currency,
        payoutNumber: e.payoutNumber,
        status: "pending_approval",
        requestedByType: requester.type,
        requestedById: requester.id,
        requestedByLabel: requester.actor.label,
        // On the platform's clock: the payout cycle is counted from it.
        requestedAt: ctx.now,
        traderPct: a.traderPct,
        grossProfit: a.grossProfit,
        traderShare: a.traderShare,
        firmShare: a.firmShare,
        phaseProfitShare: a.phaseProfitShare,
        feeRefund: a.feeRefund,
        totalToTrader: a.totalToTrader,
        balanceReduction: a.balanceReduction,
        computation: computationJson(a, {
          cycleDays: ctx.terms.cycleDays,
          firstPayoutDelayDays: ctx.terms.firstPayoutDelayDays,
          profitBaseline: ctx.profitBaseline.toString(),
          scalingLevel: ctx.scalingLevel,
        }),
        checks: checksJson(ctx),
        signals: signals as never,
        requiredApprovals: approvalsNeeded,
        destinationId: destination.id,
        rail: destination.rail,
      });
    } catch (err) {
      // A reference collision (8 random characters) is retried; anything else is real.
      if (tries < 3 && String((err as Error).message).includes("reference")) continue;
      if (String((err as Error).message).includes("payouts_one_open_per_challenge_idx"))
        throw new AppError("CONFLICT", "A payout for this account is already in progress.");
      throw err;
    }
  }
  await payouts.insertNotices(db, [
    {
      traderId: created.traderId,
      payoutId: created.id,
      kind: "requested",
      message: `Payout ${created.reference} of ${displayMoney(a.totalToTrader, currency)} requested; it is being reviewed${approvalsNeeded === 2 ? " (it needs two approvals)" : ""}.`,
    },
  ]);
  await recordAudit(db, {
    actor: requester.actor,
    action: "payout.requested",
    deskId: created.deskId,
    target: { type: "payout", id: created.id },
    after: {
      reference: created.reference,
      challenge: ctx.challenge.reference,
      total: a.totalToTrader,
      currency,
      traderShare: a.traderShare,
      feeRefund: a.feeRefund,
      phaseProfitShare: a.phaseProfitShare,
      balanceReduction: a.balanceReduction,
      rail: destination.rail,
      destination: destinationView(destination, now).details,
      requiredApprovals: approvalsNeeded,
    },
  });
  return created;
}

/** The checks that passed, as a snapshot for reviewers. */
function checksJson(ctx: PayoutContext) {
  const s = ctx.standing;
  return {
    standing: {
      balance: s.balance.toString(),
      equity: s.equity.toString(),
      flat: s.flat,
      openPositions: s.openPositions,
      tradingDays: s.tradingDays,
      firstTradeAt: s.firstTradeAt?.toISOString() ?? null,
      lastTradeAt: s.lastTradeAt?.toISOString() ?? null,
      bestDayPct: s.bestDayPct,
      asOf: s.asOf?.toISOString() ?? null,
    },
    compliance: {
      kyc: ctx.compliance.kyc.status,
      kycApprovedAt: ctx.compliance.kyc.approvedAt?.toISOString() ?? null,
      kycMaxAgeDays: ctx.compliance.kycMaxAgeDays,
      sanctions: ctx.compliance.sanctions.status,
      openFraudFlags: ctx.compliance.openFraudFlags.length,
    },
    profitBaseline: ctx.profitBaseline.toString(),
    challengeFee: ctx.challengeFee.toString(),
    previousPayouts: ctx.previous.filter((p) => p.status === "paid").length,
  };
}

export async function requestPayout(
  trader: TraderPrincipal,
  input: unknown,
  opts: { now?: Date; rulesAt?: Date } = {},
) {
  const form = validate(requestPayoutSchema, input);
  const clocks = { wallNow: opts.now ?? new Date(), rulesAt: opts.rulesAt };
  try {
    return await dataLayer().withTenant(trader.tenantId, (db) =>
      createPayoutRequest(
        db,
        {
          actor: { type: "trader", id: trader.traderId, label: trader.email },
          type: "trader",
          id: trader.traderId,
          traderId: trader.traderId,
        },
        form,
        clocks,
      ),
    );
  } catch (e) {
    throw await withVerificationRequested(trader, e, clocks.wallNow);
  }
}

/**
 * A payout refused for identity verification (never verified, or the approval is older than the
 * desk allows) starts a verification case for the trader (or keeps the open one), so the refusal
 * comes with the next step; nothing of the payout request itself is written.
 */
async function withVerificationRequested(trader: TraderPrincipal, e: unknown, now: Date): Promise<unknown> {
  if (!isAppError(e) || e.code !== "PRECONDITION_FAILED") return e;
  const reasons = (e.details?.reasons ?? []) as Array<{ code: string }>;
  if (!reasons.some((r) => r.code === "kyc_expired" || r.code === "kyc_not_verified")) return e;
  // The vendor unreachable: the refusal stands as it is (the trader can start from the portal).
  const v = await ensureVerification(trader.tenantId, trader.traderId, "before_first_payout", { now }).catch(
    () => null,
  );
  if (!v || v.status === "rejected") return e;
  return new AppError(
    e.code,
    `${e.message} Your identity verification is open: the Verification page shows the next step.`,
    { issues: e.issues, details: { ...e.details, verificationId: v.id } },
  );
}

export async function cancelPayout(trader: TraderPrincipal, input: unknown, opts: { now?: Date } = {}) {
  const form = validate(
    z.object({
      payoutId: z.string().uuid("Choose a payout."),
      reason: z.string().trim().max(500).optional(),
    }),
    input,
  );
  return dataLayer().withTenant(trader.tenantId, (db) =>
    closeUnpaidPayout(
      db,
      form.payoutId,
      {
        kind: "cancelled",
        actor: { type: "trader", id: trader.traderId, label: trader.email },
        reason: form.reason || "cancelled by the trader",
        traderId: trader.traderId,
      },
      opts.now ?? new Date(),
    ),
  );
}

/** Points a payout that is not being sent at another of the trader's destinations. */
export async function changePayoutDestination(
  trader: TraderPrincipal,
  input: unknown,
  opts: { now?: Date } = {},
) {
  const form = validate(
    z.object({
      payoutId: z.string().uuid("Choose a payout."),
      destinationId: z.string().uuid("Choose a destination."),
    }),
    input,
  );
  const now = opts.now ?? new Date();
  return dataLayer().withTenant(trader.tenantId, async (db) => {
    await payouts.lockPayouts(db, [form.payoutId]);
    const p = await payouts.findPayout(db, form.payoutId);
    if (!p || p.traderId !== trader.traderId) throw new AppError("NOT_FOUND", "That payout does not exist.");
    if (!["pending_approval", "approved", "failed"].includes(p.status))
      throw new AppError(
        "ILLEGAL_TRANSITION",
        `Payout ${p.reference} is ${p.status}; its destination can no longer change.`,
      );
    const d = await payouts.findDestination(db, form.destinationId);
    if (!d || d.traderId !== trader.traderId || d.status !== "active")
      throw new AppError("VALIDATION", "destinationId: choose one of your active payout destinations.", {
        issues: [{ path: "destinationId", message: "Choose one of your active payout destinations." }],
      });
    if (d.rail === "crypto" && p.currency !== "USD")
      throw new AppError("VALIDATION", "destinationId: crypto payouts need a USD account.", {
        issues: [{ path: "destinationId", message: "Crypto payouts need a USD account." }],
      });
    const updated = await payouts.updatePayout(db, p.id, { destinationId: d.id, rail: d.rail });
    await recordAudit(db, {
      actor: { type: "trader", id: trader.traderId, label: trader.email },
      action: "payout.destination_changed",
      deskId: p.deskId,
      target: { type: "payout", id: p.id },
      before: { destinationId: p.destinationId, rail: p.rail },
      after: { destinationId: d.id, rail: d.rail, details: destinationView(d, now).details },
    });
    return updated;
  });
}

/** The trader's payouts (newest first) and what they were told about them. */
export async function traderPayoutHistory(trader: TraderPrincipal) {
  return dataLayer().withTenant(trader.tenantId, async (db) => {
    const [list, notices] = await Promise.all([
      payouts.listPayouts(db, { deskIds: null, traderId: trader.traderId }, { take: 100 }),
      payouts.listTraderNotices(db, trader.traderId, 50),
    ]);
    return {
      payouts: list.map((p) => ({
        id: p.id,
        reference: p.reference,
        challengeId: p.challengeId,
        status: p.status,
        total: displayMoney(p.totalToTrader, p.currency),
        requestedAt: p.requestedAt,
        paidAt: p.paidAt,
        failureReason: p.failureReason,
        rejectionReason: p.rejectionReason,
        rail: p.rail,
        txHash: p.payoutAttempts.findLast((a) => a.txHash)?.txHash ?? null,
        nextCycleAt: p.nextCycleAt,
        cancellable: ["pending_approval", "approved", "failed"].includes(p.status),
      })),
      notices: notices.map((n) => ({
        id: n.id,
        kind: n.kind,
        message: n.message,
        at: n.createdAt,
        payoutId: n.payoutId,
      })),
    };
  });
}
