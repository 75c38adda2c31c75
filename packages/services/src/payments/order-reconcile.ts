import { challenges, orders, type TenantDb } from "@propdesk/db";
import { isAppError } from "@propdesk/domain";
import {
  challengePurchasePostings,
  chargebackPostings,
  chargebackReversalPostings,
  processorFeePosting,
  refundPostings,
  type Transfer,
} from "@propdesk/domain/ledger";
import type { Cause, ChallengeEvent, Challenge as LifecycleState } from "@propdesk/domain/lifecycle";
import { recordAudit } from "../audit/record-audit";
import { applyChallengeEvent } from "../challenges/challenge-lifecycle";
import { evaluateTraderFraud } from "../fraud/fraud-jobs";
import { enqueue } from "../jobs/enqueue";
import { postTransfers } from "../ledger/post-transfers";
import { fulfilOrder } from "./fulfil-order";

/** What the payment processor says about an order (see stripe-order-state.ts). */
export interface OrderSnapshot {
  session?: { id: string; status: "open" | "complete" | "expired"; paymentStatus: string; expiresAt: Date };
  paymentIntent?: {
    id: string;
    status: string;
    amount: bigint;
    currency: string;
    created: Date;
    lastError: string | null;
  };
  charge?: {
    id: string;
    status: string;
    paid: boolean;
    amount: bigint;
    amountRefunded: bigint;
    created: Date;
    methodType: string | null;
    brand: string | null;
    last4: string | null;
    country: string | null;
    fingerprint: string | null;
    fee: bigint | null;
    failureMessage: string | null;
  };
  refunds: Array<{
    id: string;
    amount: bigint;
    currency: string;
    status: string;
    created: Date;
    reason: string | null;
    /** Our refund row id, when the refund was made by PropDesk (Stripe metadata). */
    localRefundId: string | null;
    failureMessage: string | null;
  }>;
  disputes: Array<{
    id: string;
    amount: bigint;
    currency: string;
    status: string;
    reason: string | null;
    created: Date;
    evidenceDueBy: Date | null;
    chargeId: string;
  }>;
}

export type OrderStatus =
  | "pending"
  | "paid"
  | "payment_failed"
  | "expired"
  | "refunded"
  | "partially_refunded"
  | "disputed"
  | "charged_back";

const refundFinal = new Set(["succeeded", "failed", "canceled"]);
/** Stripe dispute statuses: won and lost are final; every other one is open. */
const disputeOutcome = (status: string): "open" | "won" | "lost" =>
  status === "won" ? "won" : status === "lost" ? "lost" : "open";

/** The order's status from its facts (pure): a dispute outranks a refund, which outranks payment. */
export function orderStatusOf(f: {
  total: bigint;
  paid: boolean;
  amountRefunded: bigint;
  disputes: ReadonlyArray<{ outcome: string }>;
  paymentFailed: boolean;
  expired: boolean;
}): OrderStatus {
  if (f.disputes.some((d) => d.outcome === "lost")) return "charged_back";
  if (f.disputes.some((d) => d.outcome === "open")) return "disputed";
  if (f.paid && f.total > 0n && f.amountRefunded >= f.total) return "refunded";
  if (f.paid && f.amountRefunded > 0n) return "partially_refunded";
  if (f.paid) return "paid";
  if (f.paymentFailed) return "payment_failed";
  if (f.expired) return "expired";
  return "pending";
}

const iso = (d: Date) => d.toISOString();

/**
 * Brings an order in line with a processor snapshot, in one unit of work with the order locked:
 * stores the payment, refunds and disputes (monotonically: a stale snapshot never undoes a later
 * fact), delivers the order once paid, posts the ledger transfers (idempotent by key), derives the
 * order's status and moves its challenge: disputed → suspended, dispute won → restored, dispute
 * lost → failed as a chargeback, fully refunded → refunded.
 */
export async function applyOrderSnapshot(db: TenantDb, orderId: string, snap: OrderSnapshot, source: string) {
  await orders.lockOrder(db, orderId);
  let order = await orders.findOrder(db, orderId);
  if (!order) return null;
  const provider: Cause = { type: "provider", provider: "stripe", reference: source };

  // Identifiers first, so later events find the order locally.
  const ids: Parameters<typeof orders.updateOrder>[2] = {};
  if (snap.session && !order.stripeCheckoutSessionId) ids.stripeCheckoutSessionId = snap.session.id;
  if (snap.paymentIntent && !order.stripePaymentIntentId) ids.stripePaymentIntentId = snap.paymentIntent.id;
  if (Object.keys(ids).length) await orders.updateOrder(db, orderId, ids);

  // The payment.
  let newFingerprint = false;
  const pi = snap.paymentIntent;
  if (pi) {
    const before = await orders.findPayment(db, pi.id);
    const succeeded = pi.status === "succeeded" || before?.status === "succeeded";
    const failed =
      !succeeded &&
      (pi.status === "canceled" ||
        (pi.status === "requires_payment_method" &&
          (pi.lastError !== null || snap.charge?.status === "failed")));
    const c = snap.charge;
    await orders.upsertPayment(db, pi.id, {
      orderId,
      chargeId: c?.id ?? before?.chargeId ?? null,
      amount: pi.amount,
      currency: pi.currency,
      status: succeeded ? "succeeded" : failed ? "failed" : "processing",
      methodType: c?.methodType ?? before?.methodType ?? null,
      cardBrand: c?.brand ?? before?.cardBrand ?? null,
      cardLast4: c?.last4 ?? before?.cardLast4 ?? null,
      cardCountry: c?.country ?? before?.cardCountry ?? null,
      paymentFingerprint: c?.fingerprint ?? before?.paymentFingerprint ?? null,
      processorFee: c?.fee ?? before?.processorFee ?? null,
      failureMessage: failed ? (pi.lastError ?? c?.failureMessage ?? "The payment failed.") : null,
      succeededAt: succeeded ? (before?.succeededAt ?? c?.created ?? pi.created) : null,
      createdAt: pi.created,
    });
    newFingerprint = !!c?.fingerprint && before?.paymentFingerprint !== c.fingerprint;
  }

  order = (await orders.findOrder(db, orderId))!;
  const payment = order.payments.find((p) => p.status === "succeeded");
  const paid = payment !== undefined || (order.total === 0n && order.paidAt !== null);

  // Deliver once paid, then book the sale.
  if (paid && order.fulfilment === "pending") {
    if (payment && !order.paidAt)
      await orders.updateOrder(db, orderId, { paidAt: payment.succeededAt ?? new Date() });
    await fulfilOrder(db, order, payment?.paymentIntentId ?? `free:${orderId}`);
    order = (await orders.findOrder(db, orderId))!;
  }
  if (payment) {
    if (!order.paidAt) await orders.updateOrder(db, orderId, { paidAt: payment.succeededAt ?? new Date() });
    const at = iso(payment.succeededAt ?? payment.createdAt);
    const ledger: Transfer[] = challengePurchasePostings({
      orderId,
      paymentId: payment.paymentIntentId,
      ...(order.challengeId ? { challengeId: order.challengeId } : {}),
      traderId: order.traderId,
      gross: payment.amount,
      currency: payment.currency,
      at,
    });
    if (payment.processorFee !== null && payment.processorFee > 0n)
      ledger.push(
        processorFeePosting({
          orderId,
          paymentId: payment.paymentIntentId,
          traderId: order.traderId,
          fee: payment.processorFee,
          currency: payment.currency,
          at,
        }),
      );
    if (payment.amount > 0n) await postTransfers(db, ledger, { deskId: order.deskId });
  }

  // Refunds, matched to the ones PropDesk requested by their metadata.
  for (const r of snap.refunds) {
    let row = await orders.findRefundByStripeId(db, r.id);
    if (!row && r.localRefundId) {
      const mine = await orders.findRefund(db, r.localRefundId);
      if (mine && mine.orderId === orderId && !mine.stripeRefundId)
        row = await orders.updateRefund(db, mine.id, { stripeRefundId: r.id });
    }
    if (!row) {
      row = await orders.createRefund(db, {
        orderId,
        stripeRefundId: r.id,
        amount: r.amount,
        currency: r.currency,
        status: r.status,
        origin: "processor",
        reason: r.reason
          ? `Refunded in Stripe (${r.reason.replaceAll("_", " ")})`
          : "Refunded in the Stripe dashboard",
        requestedByLabel: "Stripe dashboard",
        createdAt: r.created,
      });
    } else if (!refundFinal.has(row.status) || row.status !== r.status) {
      // A final status never goes back to pending (a stale snapshot).
      if (!(refundFinal.has(row.status) && !refundFinal.has(r.status)))
        await orders.updateRefund(db, row.id, {
          status: r.status,
          amount: r.amount,
          failureMessage: r.failureMessage,
        });
    }
  }
  order = (await orders.findOrder(db, orderId))!;
  const settledRefunds = order.refunds
    .filter((r) => r.stripeRefundId && (r.status === "succeeded" || r.status === "pending"))
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id));
  const amountRefunded = settledRefunds.reduce((s, r) => s + r.amount, 0n);
  if (payment) {
    // Each refund is booked once, against what was still refundable before it (deterministic).
    let before = 0n;
    for (const r of settledRefunds) {
      if (r.status === "succeeded")
        await postTransfers(
          db,
          refundPostings({
            refundId: r.id,
            orderId,
            paymentId: payment.paymentIntentId,
            ...(order.challengeId ? { challengeId: order.challengeId } : {}),
            traderId: order.traderId,
            amount: r.amount,
            refundable: payment.amount - before,
            currency: r.currency,
            at: iso(r.createdAt),
          }),
          { deskId: order.deskId },
        );
      before += r.amount;
    }
  }

  // Disputes (chargebacks): the funds leave when the dispute opens and come back if it is won.
  let disputesChanged = false;
  for (const d of snap.disputes) {
    const before = await orders.findDisputeByStripeId(db, d.id);
    const incoming = disputeOutcome(d.status);
    // won/lost are final: a stale "needs_response" never reopens a closed dispute.
    const outcome = before && before.outcome !== "open" ? before.outcome : incoming;
    await orders.upsertDispute(db, d.id, {
      orderId,
      traderId: order.traderId,
      chargeId: d.chargeId,
      amount: d.amount,
      currency: d.currency,
      reason: d.reason,
      processorStatus: outcome === incoming ? d.status : (before?.processorStatus ?? d.status),
      outcome,
      evidenceDueBy: d.evidenceDueBy,
      openedAt: d.created,
      closedAt: outcome === "open" ? null : (before?.closedAt ?? new Date()),
    });
    if (!before || before.outcome !== outcome) disputesChanged = true;
    if (d.amount > 0n) {
      const refs = {
        disputeId: d.id,
        orderId,
        paymentId: payment?.paymentIntentId ?? pi?.id,
        traderId: order.traderId,
      };
      await postTransfers(
        db,
        [
          ...chargebackPostings({ ...refs, amount: d.amount, currency: d.currency, at: iso(d.created) }),
          ...(outcome === "won"
            ? chargebackReversalPostings({
                ...refs,
                amount: d.amount,
                currency: d.currency,
                at: iso(d.created),
              })
            : []),
        ],
        { deskId: order.deskId },
      );
    }
  }

  // The order's status.
  order = (await orders.findOrder(db, orderId))!;
  const status = orderStatusOf({
    total: order.total,
    paid,
    amountRefunded,
    disputes: order.disputes,
    paymentFailed: order.payments.some((p) => p.status === "failed") && !paid,
    expired: snap.session?.status === "expired",
  });
  if (status !== order.status || amountRefunded !== order.amountRefunded) {
    await orders.updateOrder(db, orderId, { status, amountRefunded });
    await recordAudit(db, {
      actor: { type: "provider", id: source, label: "stripe" },
      action: "order.status_changed",
      deskId: order.deskId,
      target: { type: "order", id: orderId },
      before: { status: order.status, amountRefunded: order.amountRefunded },
      after: { status, amountRefunded },
    });
  }

  // The challenge follows the money.
  if (order.challengeId) await moveChallenge(db, order.challengeId, order, amountRefunded, provider);

  if (newFingerprint || disputesChanged)
    await enqueue(db, evaluateTraderFraud, { traderId: order.traderId, related: true });
  return { status, amountRefunded };
}

async function moveChallenge(
  db: TenantDb,
  challengeId: string,
  order: NonNullable<Awaited<ReturnType<typeof orders.findOrder>>>,
  amountRefunded: bigint,
  cause: Cause,
) {
  const lost = order.disputes.some((d) => d.outcome === "lost");
  const open = order.disputes.some((d) => d.outcome === "open");
  const won = order.disputes.length > 0 && order.disputes.every((d) => d.outcome === "won");
  const apply = async (type: ChallengeEvent["type"]) => {
    try {
      await applyChallengeEvent(db, challengeId, { type, cause }, { actorLabel: "stripe" });
      return true;
    } catch (e) {
      if (isAppError(e) && e.code === "ILLEGAL_TRANSITION") return false;
      throw e;
    }
  };
  const state = async () => {
    const row = await challenges.findChallenge(db, challengeId);
    return row!.lifecycle as unknown as LifecycleState;
  };
  const closed = (s: LifecycleState) => ["refunded", "reset", "cancelled"].includes(s.state);
  const byDispute = (s: LifecycleState) => s.state === "suspended" && s.suspendedBy === "payment_dispute";
  const chargedBack = (s: LifecycleState) => s.state === "failed" && s.failedRule === "chargeback";

  let s = await state();
  if ((open || lost) && !byDispute(s) && !closed(s) && !chargedBack(s) && s.state !== "suspended") {
    await apply("payment_disputed");
    s = await state();
  }
  if (lost && byDispute(s)) {
    await apply("dispute_lost");
    return;
  }
  if (won && byDispute(s)) {
    await apply("dispute_won");
    s = await state();
  }
  if (
    !open &&
    !lost &&
    order.total > 0n &&
    amountRefunded >= order.total &&
    !closed(s) &&
    s.state !== "funded" &&
    !chargedBack(s)
  )
    await apply("refund");
}
