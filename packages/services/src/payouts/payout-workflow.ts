import { ledger, payouts, type TenantDb } from "@propdesk/db";
import { AppError } from "@propdesk/domain";
import { canOnDesk, type MembershipAccess } from "@propdesk/domain/access";
import {
  ledgerKeys,
  payoutAccrualPostings,
  payoutReservePosting,
  reversalOf,
  type Transfer,
} from "@propdesk/domain/ledger";
import { displayMoney } from "@propdesk/domain/money";
import { canApprove } from "@propdesk/domain/payouts";
import { type Actor, type AuditEntry, recordAudits } from "../audit/record-audit";
import { enqueue } from "../jobs/enqueue";
import { postTransfers, resolveTransfers } from "../ledger/post-transfers";
import { reducePlatformBalances } from "./payout-jobs";
import type { RailName, RailOutcome } from "./rails/payout-rail";

/*
 * The payout workflow as explicit steps, each one unit of work in the caller's transaction, each
 * audited, each safe to repeat:
 *
 *   requested ─approve(1 or 2)→ approved ─reserve→ disbursing ─rail→ paid
 *        │                         │                    └──────────→ failed ─reserve (retry)→ …
 *        └─reject / cancel         └─reject (reverse accruals)        └─reject / cancel (reverse accruals)
 *
 * Ledger, step by step: approval posts the accruals (the firm owes the trader); reserve creates the
 * attempt's pending transfer (`payout:<id>:attempt:<n>`); the rail's answer posts it (paid) or
 * voids it (failed: the reserve is released, nothing is lost); rejecting an approved payout
 * reverses its accruals. The database refuses to reserve more than was approved per payout, so a
 * payout can never be paid twice even if two workers race.
 */

export type PayoutRow = payouts.PayoutWithRelations;

export interface StepOutcome {
  payoutId: string;
  ok: boolean;
  message: string | null;
  /** Why it was refused, for callers that map it to an error code. */
  code?: string;
}

const money = (p: { totalToTrader: bigint; currency: string }) => displayMoney(p.totalToTrader, p.currency);

function auditOf(actor: Actor, p: PayoutRow, action: string, before: unknown, after: unknown): AuditEntry {
  return { actor, action, deskId: p.deskId, target: { type: "payout", id: p.id }, before, after };
}

// --- approval -------------------------------------------------------------------------------

export interface Approver {
  userId: string;
  label: string;
  access: MembershipAccess;
}

/**
 * One approval by `approver` on each payout. A payout with all the approvals it needs becomes
 * approved and its accruals are posted to the ledger. Each refusal says why (the requester cannot
 * approve, already approved by you, not awaiting approval, not your desk).
 */
export async function approvePayoutsInDb(
  db: TenantDb,
  approver: Approver,
  payoutIds: readonly string[],
  now: Date,
): Promise<StepOutcome[]> {
  await payouts.lockPayouts(db, payoutIds);
  const rows = new Map((await payouts.findPayouts(db, payoutIds)).map((p) => [p.id, p]));
  const outcomes: StepOutcome[] = [];
  const approvals: { payoutId: string; approverId: string; approverLabel: string }[] = [];
  const approved: PayoutRow[] = [];
  const audits: AuditEntry[] = [];
  const actor: Actor = { type: "staff", id: approver.userId, label: approver.label };
  for (const id of payoutIds) {
    const p = rows.get(id);
    if (!p) {
      outcomes.push({ payoutId: id, ok: false, message: "That payout does not exist.", code: "not_found" });
      continue;
    }
    if (!canOnDesk(approver.access, "payouts.approve", p.deskId)) {
      outcomes.push({
        payoutId: id,
        ok: false,
        message: `You may not approve payouts on the desk of ${p.reference}.`,
        code: "not_your_desk",
      });
      continue;
    }
    const decision = canApprove(
      {
        id: p.reference,
        status: p.status,
        requestedBy: p.requestedById,
        amount: { amount: p.totalToTrader, currency: p.currency },
        requiredApprovals: p.requiredApprovals as 1 | 2,
      },
      approver.userId,
      p.approvals.map((a) => ({ approverId: a.approverId })),
    );
    if (!decision.allowed) {
      outcomes.push({
        payoutId: id,
        ok: false,
        message: decision.reasons.map((r) => r.message).join(" "),
        code: decision.reasons[0]!.code,
      });
      continue;
    }
    approvals.push({ payoutId: id, approverId: approver.userId, approverLabel: approver.label });
    audits.push(
      auditOf(actor, p, "payout.approval_given", null, {
        approval: decision.approvalsAfter,
        of: p.requiredApprovals,
        amount: p.totalToTrader,
        currency: p.currency,
      }),
    );
    if (decision.fullyApproved) approved.push(p);
    outcomes.push({
      payoutId: id,
      ok: true,
      message: decision.fullyApproved
        ? `${p.reference} approved (${decision.approvalsAfter} of ${p.requiredApprovals}).`
        : `${p.reference}: approval ${decision.approvalsAfter} of ${p.requiredApprovals} recorded; a second finance user must approve it.`,
    });
  }
  await payouts.insertApprovals(db, approvals);
  if (approved.length > 0) {
    const at = now.toISOString();
    const accruals: Transfer[] = approved.flatMap((p) =>
      payoutAccrualPostings({
        payoutId: p.id,
        traderId: p.traderId,
        challengeId: p.challengeId,
        tradingAccountId: p.tradingAccountId,
        currency: p.currency,
        at,
        amounts: {
          traderShare: p.traderShare,
          phaseProfitShare: p.phaseProfitShare,
          feeRefund: p.feeRefund,
          balanceReduction: p.balanceReduction,
        },
      }),
    );
    await postTransfers(db, accruals);
    await payouts.updatePayouts(
      db,
      approved.map((p) => p.id),
      { status: "approved", approvedAt: now },
    );
    await payouts.insertNotices(
      db,
      approved.map((p) => ({
        traderId: p.traderId,
        payoutId: p.id,
        kind: "approved",
        message: `Payout ${p.reference} of ${money(p)} was approved; it will be sent to you shortly.`,
      })),
    );
    for (const p of approved)
      audits.push(
        auditOf(
          actor,
          p,
          "payout.approved",
          { status: p.status },
          { status: "approved", ledger: "accruals posted" },
        ),
      );
  }
  await recordAudits(db, audits);
  return outcomes;
}

// --- rejection and cancellation ---------------------------------------------------------------

/** Reverses the accruals of a payout that was approved (a correction: new transfers, never edits). */
async function reverseAccruals(db: TenantDb, p: PayoutRow, reason: string, now: Date) {
  const keys = [
    ledgerKeys.payoutProfitShare(p.id),
    ledgerKeys.payoutPhaseReward(p.id),
    ledgerKeys.payoutFeeRefund(p.id),
  ];
  const stored = await ledger.findTransfersByKeys(db, keys);
  const reversals = stored
    .filter((s) => s.transfer.status === "posted")
    .map((s) => reversalOf(s.transfer, { at: now.toISOString(), reason }));
  if (reversals.length > 0) await postTransfers(db, reversals);
  return reversals.length;
}

/**
 * Ends a payout that will not be paid: rejected by finance or cancelled by the trader. Allowed
 * while it awaits approval, is approved, or failed (no attempt under way); an approved payout's
 * accruals are reversed in the ledger.
 */
export async function closeUnpaidPayout(
  db: TenantDb,
  payoutId: string,
  how: { kind: "rejected" | "cancelled"; actor: Actor; reason: string; traderId?: string },
  now: Date,
): Promise<PayoutRow> {
  await payouts.lockPayouts(db, [payoutId]);
  const p = await payouts.findPayout(db, payoutId);
  if (!p || (how.traderId && p.traderId !== how.traderId))
    throw new AppError("NOT_FOUND", "That payout does not exist.");
  if (!["pending_approval", "approved", "failed"].includes(p.status))
    throw new AppError(
      "ILLEGAL_TRANSITION",
      p.status === "disbursing"
        ? `Payout ${p.reference} is being sent; wait for the rail's answer before ${how.kind === "rejected" ? "rejecting" : "cancelling"} it.`
        : `Payout ${p.reference} is ${p.status.replace("_", " ")}; it can no longer be ${how.kind}.`,
    );
  const reversed =
    p.status === "pending_approval" ? 0 : await reverseAccruals(db, p, `${how.kind}: ${how.reason}`, now);
  const updated = await payouts.updatePayout(
    db,
    p.id,
    how.kind === "rejected"
      ? { status: "rejected", rejectedAt: now, rejectedByLabel: how.actor.label, rejectionReason: how.reason }
      : { status: "cancelled", cancelledAt: now, cancellationReason: how.reason },
  );
  await payouts.insertNotices(db, [
    {
      traderId: p.traderId,
      payoutId: p.id,
      kind: how.kind,
      message:
        how.kind === "rejected"
          ? `Payout ${p.reference} of ${money(p)} was rejected: ${how.reason}`
          : `Payout ${p.reference} was cancelled: ${how.reason}`,
    },
  ]);
  await recordAudits(db, [
    auditOf(
      how.actor,
      p,
      `payout.${how.kind}`,
      { status: p.status },
      { status: how.kind, reason: how.reason, accrualsReversed: reversed },
    ),
  ]);
  return { ...p, ...updated };
}

// --- disbursement: reserve ------------------------------------------------------------------

export interface ReservedAttempt {
  payoutId: string;
  reference: string;
  attempt: number;
  attemptId: string;
  rail: RailName;
  idempotencyKey: string;
  amount: bigint;
  currency: string;
  destinationId: string;
  /** True when an attempt already reserved (before a crash) is being sent again. */
  resumed: boolean;
}

/**
 * Reserves the next attempt of each payout: the attempt row and its pending ledger transfer, the
 * payout marked disbursing. A payout already disbursing with an attempt awaiting its rail (the
 * worker died after reserving) is resumed with the same attempt and key, never a new one. `refused`:
 * the payouts not reserved, each with its outcome for the run (one already paid is a success).
 */
export async function reserveAttemptsInDb(
  db: TenantDb,
  actor: Actor,
  payoutIds: readonly string[],
  now: Date,
  opts: { access?: MembershipAccess } = {},
): Promise<{ reserved: ReservedAttempt[]; refused: StepOutcome[] }> {
  await payouts.lockPayouts(db, payoutIds);
  const rows = await payouts.findPayouts(db, payoutIds);
  const byId = new Map(rows.map((p) => [p.id, p]));
  const destinations = new Map(
    (await payouts.findDestinations(db, [...new Set(rows.map((p) => p.destinationId))])).map((d) => [
      d.id,
      d,
    ]),
  );
  const reserved: ReservedAttempt[] = [];
  const refused: StepOutcome[] = [];
  const inserts: payouts.AttemptInsert[] = [];
  const transfers: Transfer[] = [];
  const counts: { id: string; attempts: number }[] = [];
  const audits: AuditEntry[] = [];
  for (const id of payoutIds) {
    const p = byId.get(id);
    if (!p) {
      refused.push({ payoutId: id, ok: false, message: "That payout does not exist." });
      continue;
    }
    if (opts.access && !canOnDesk(opts.access, "payouts.disburse", p.deskId)) {
      refused.push({
        payoutId: id,
        ok: false,
        message: `You may not disburse payouts on the desk of ${p.reference}.`,
      });
      continue;
    }
    const last = p.payoutAttempts.at(-1);
    if (p.status === "disbursing" && last && (last.status === "reserved" || last.status === "submitted")) {
      reserved.push({
        payoutId: p.id,
        reference: p.reference,
        attempt: last.attempt,
        attemptId: last.id,
        rail: last.rail as RailName,
        idempotencyKey: last.railIdempotencyKey,
        amount: last.amount,
        currency: last.currency,
        destinationId: last.destinationId,
        resumed: true,
      });
      continue;
    }
    // Paid meanwhile by another execution of the run (a job run again while the first still ran):
    // what the run was for is done.
    if (p.status === "paid") {
      refused.push({ payoutId: id, ok: true, message: `${p.reference} was already paid.` });
      continue;
    }
    if (p.status !== "approved" && p.status !== "failed") {
      refused.push({
        payoutId: id,
        ok: false,
        message: `${p.reference} is ${p.status.replace("_", " ")}; only approved (or failed, to retry) payouts are sent.`,
      });
      continue;
    }
    const d = destinations.get(p.destinationId);
    if (!d || d.traderId !== p.traderId || d.status !== "active") {
      refused.push({
        payoutId: id,
        ok: false,
        message: `${p.reference}: its destination was revoked; the trader must choose another before it is sent.`,
      });
      continue;
    }
    if (d.usableFrom > now) {
      refused.push({
        payoutId: id,
        ok: false,
        message: `${p.reference}: the destination was added recently and can be paid to from ${d.usableFrom.toISOString()}.`,
      });
      continue;
    }
    const attempt = p.attempts + 1;
    const key = ledgerKeys.payoutAttempt(p.id, attempt);
    inserts.push({
      payoutId: p.id,
      attempt,
      rail: d.rail,
      destinationId: d.id,
      amount: p.totalToTrader,
      currency: p.currency,
      railIdempotencyKey: key,
      ledgerKey: key,
      status: "reserved",
      chain: d.chain,
      address: d.address,
    });
    transfers.push(
      payoutReservePosting({
        payoutId: p.id,
        attempt,
        traderId: p.traderId,
        tradingAccountId: p.tradingAccountId,
        currency: p.currency,
        at: now.toISOString(),
        amount: p.totalToTrader,
      }),
    );
    counts.push({ id: p.id, attempts: attempt });
    audits.push(
      auditOf(
        actor,
        p,
        "payout.disbursement_started",
        { status: p.status },
        { status: "disbursing", attempt, rail: d.rail },
      ),
    );
    reserved.push({
      payoutId: p.id,
      reference: p.reference,
      attempt,
      attemptId: "",
      rail: d.rail as RailName,
      idempotencyKey: key,
      amount: p.totalToTrader,
      currency: p.currency,
      destinationId: d.id,
      resumed: false,
    });
  }
  if (inserts.length > 0) {
    await payouts.insertAttempts(db, inserts);
    await postTransfers(db, transfers);
    await payouts.setPayoutAttempts(db, counts);
    const stored = await payouts.findAttempts(
      db,
      inserts.map((i) => ({ payoutId: i.payoutId, attempt: i.attempt })),
    );
    const ids = new Map(stored.map((a) => [`${a.payoutId}:${a.attempt}`, a.id]));
    for (const r of reserved) if (!r.resumed) r.attemptId = ids.get(`${r.payoutId}:${r.attempt}`)!;
  }
  await recordAudits(db, audits);
  return { reserved, refused };
}

// --- disbursement: the rail's answer --------------------------------------------------------

export interface AttemptResult {
  payoutId: string;
  attempt: number;
  outcome: RailOutcome;
}

/**
 * Records what the rails answered: paid attempts post their reserve and the payout is paid (the
 * platform balance reduction and the next cycle follow); failed ones void their reserve and the
 * payout is failed, the trader told, ready for a retry; pending ones wait. Attempts already settled
 * are skipped, so a repeated answer changes nothing.
 */
export async function settleAttemptsInDb(
  db: TenantDb,
  actor: Actor,
  results: readonly AttemptResult[],
  now: Date,
): Promise<StepOutcome[]> {
  if (results.length === 0) return [];
  const ids = [...new Set(results.map((r) => r.payoutId))];
  await payouts.lockPayouts(db, ids);
  const rows = new Map((await payouts.findPayouts(db, ids)).map((p) => [p.id, p]));
  const settlements: payouts.AttemptSettlement[] = [];
  const paid: { p: PayoutRow; r: AttemptResult }[] = [];
  const failed: { p: PayoutRow; r: AttemptResult; reason: string }[] = [];
  const outcomes: StepOutcome[] = [];
  for (const r of results) {
    const p = rows.get(r.payoutId);
    const a = p?.payoutAttempts.find((x) => x.attempt === r.attempt);
    if (!p || !a) {
      outcomes.push({ payoutId: r.payoutId, ok: false, message: "No such payout attempt." });
      continue;
    }
    if (a.status !== "reserved" && a.status !== "submitted") {
      outcomes.push({
        payoutId: p.id,
        ok: a.status === "paid",
        message: `${p.reference} attempt ${a.attempt} was already ${a.status}.`,
      });
      continue;
    }
    const o = r.outcome;
    settlements.push({
      id: a.id,
      status: o.status === "pending" ? "submitted" : o.status,
      railReference: o.railReference ?? null,
      txHash: o.status === "paid" ? (o.txHash ?? null) : null,
      chain: o.status === "paid" ? (o.chain ?? null) : null,
      address: o.status === "paid" ? (o.address ?? null) : null,
      failureReason: o.status === "failed" ? o.reason : null,
      response: o.response,
    });
    if (o.status === "paid") {
      paid.push({ p, r });
      outcomes.push({ payoutId: p.id, ok: true, message: `${p.reference} paid.` });
    } else if (o.status === "failed") {
      failed.push({ p, r, reason: o.reason });
      outcomes.push({ payoutId: p.id, ok: false, message: `${p.reference} failed: ${o.reason}` });
    } else
      outcomes.push({
        payoutId: p.id,
        ok: true,
        message: `${p.reference} sent; waiting for the rail to confirm.`,
      });
  }
  const changed = new Set(await payouts.settleAttemptRows(db, settlements));
  const isChanged = (x: { p: PayoutRow; r: AttemptResult }) =>
    changed.has(x.p.payoutAttempts.find((a) => a.attempt === x.r.attempt)!.id);
  const paidNow = paid.filter(isChanged);
  const failedNow = failed.filter(isChanged);
  await resolveTransfers(db, [
    ...paidNow.map(({ p, r }) => ({
      idempotencyKey: ledgerKeys.payoutAttempt(p.id, r.attempt),
      status: "posted" as const,
    })),
    ...failedNow.map(({ p, r }) => ({
      idempotencyKey: ledgerKeys.payoutAttempt(p.id, r.attempt),
      status: "voided" as const,
    })),
  ]);
  await payouts.markPayoutsPaid(
    db,
    paidNow.map(({ p }) => ({ id: p.id, nextCycleAt: nextCycleOf(p) })),
    now,
  );
  await payouts.markPayoutsFailed(
    db,
    failedNow.map(({ p, reason }) => ({ id: p.id, reason })),
    now,
  );
  await payouts.insertNotices(db, [
    ...paidNow.map(({ p, r }) => ({
      traderId: p.traderId,
      payoutId: p.id,
      kind: "paid",
      message: `Payout ${p.reference} of ${money(p)} was sent${
        r.outcome.status === "paid" && r.outcome.txHash ? ` (transaction ${r.outcome.txHash})` : ""
      }. Your next payout window opens on ${nextCycleOf(p).toISOString().slice(0, 10)}.`,
    })),
    ...failedNow.map(({ p, reason }) => ({
      traderId: p.traderId,
      payoutId: p.id,
      kind: "failed",
      message: `Payout ${p.reference} of ${money(p)} could not be sent: ${reason} Nothing was lost: the amount is still owed to you and will be sent again (you can also choose another destination).`,
    })),
  ]);
  await recordAudits(db, [
    ...paidNow.map(({ p, r }) =>
      auditOf(
        actor,
        p,
        "payout.paid",
        { status: "disbursing" },
        {
          status: "paid",
          attempt: r.attempt,
          railReference: r.outcome.railReference ?? null,
          txHash: r.outcome.status === "paid" ? (r.outcome.txHash ?? null) : null,
        },
      ),
    ),
    ...failedNow.map(({ p, r, reason }) =>
      auditOf(
        actor,
        p,
        "payout.failed",
        { status: "disbursing" },
        { status: "failed", attempt: r.attempt, reason },
      ),
    ),
  ]);
  if (paidNow.length > 0)
    await enqueue(db, reducePlatformBalances, { payoutIds: paidNow.map(({ p }) => p.id), challengeIds: [] });
  return outcomes;
}

const DAY_MS = 86_400_000;

/** The next window: the request time plus the program's cycle (stored with the computation). */
function nextCycleOf(p: PayoutRow): Date {
  const days = Number((p.computation as { cycleDays?: number }).cycleDays ?? 14);
  return new Date(p.requestedAt.getTime() + days * DAY_MS);
}
