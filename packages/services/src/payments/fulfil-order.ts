import { challenges, desks, orders, sanctions, type TenantDb } from "@propdesk/db";
import { isAppError } from "@propdesk/domain";
import type { Challenge as LifecycleState } from "@propdesk/domain/lifecycle";
import { recordAudit } from "../audit/record-audit";
import { ensureAttempt } from "../catalogue/reset-attempts";
import { applyChallengeEvent, createChallenge } from "../challenges/challenge-lifecycle";
import { enqueue } from "../jobs/enqueue";
import { executeRefundJob } from "./payment-jobs";

type OrderRow = NonNullable<Awaited<ReturnType<typeof orders.findOrder>>>;

/**
 * What a paid order delivers, in the unit of work that records the payment: a new challenge (a
 * purchase) or the next attempt of a failed one (a reset). The challenge then moves on by itself:
 * to KYC when its terms require it, else to provisioning. An order that cannot be delivered (the
 * buyer is blocked by a confirmed sanctions match, the challenge can no longer be retaken) is
 * marked failed and refunded automatically.
 */
export async function fulfilOrder(db: TenantDb, order: OrderRow, paymentRef: string): Promise<void> {
  if (order.fulfilment !== "pending") return;
  const review = await sanctions.findReview(db, "trader", order.traderId);
  if (review?.status === "confirmed_match")
    return failFulfilment(db, order, "The buyer is blocked by a confirmed sanctions match.");

  const cause = { type: "provider" as const, provider: "stripe", reference: paymentRef };
  if (order.kind === "challenge") {
    const desk = await desks.findDesk(db, order.deskId);
    if (!desk) return failFulfilment(db, order, "The desk no longer exists.");
    const { challenge } = await createChallenge(db, {
      deskId: desk.id,
      deskSlug: desk.slug,
      traderId: order.traderId,
      programVersionId: order.programVersionId,
      origin: "purchase",
      cause,
      actorLabel: "stripe",
    });
    await orders.updateOrder(db, order.id, { challengeId: challenge.id, fulfilment: "fulfilled" });
    await recordAudit(db, {
      actor: { type: "provider", id: paymentRef, label: "stripe" },
      action: "order.fulfilled",
      deskId: order.deskId,
      target: { type: "order", id: order.id },
      after: { reference: order.reference, challenge: challenge.reference },
    });
    return;
  }

  // A reset: close the failed challenge (if a staff reset has not already) and start the next attempt.
  const previousId = order.previousChallengeId;
  const previous = previousId ? await challenges.findChallenge(db, previousId) : null;
  if (!previous) return failFulfilment(db, order, "The challenge to retake no longer exists.");
  const state = (previous.lifecycle as unknown as LifecycleState).state;
  if (state === "failed") {
    try {
      await applyChallengeEvent(db, previous.id, { type: "reset", cause }, { actorLabel: "stripe" });
    } catch (e) {
      if (isAppError(e) && e.code === "ILLEGAL_TRANSITION") return failFulfilment(db, order, e.message);
      throw e;
    }
  } else if (state !== "reset") {
    return failFulfilment(
      db,
      order,
      `The challenge can no longer be retaken: it is ${state.replaceAll("_", " ")}.`,
    );
  }
  const next = await ensureAttempt(db, previous.id);
  await orders.updateOrder(db, order.id, { challengeId: next.challengeId, fulfilment: "fulfilled" });
  await recordAudit(db, {
    actor: { type: "provider", id: paymentRef, label: "stripe" },
    action: "order.fulfilled",
    deskId: order.deskId,
    target: { type: "order", id: order.id },
    after: { reference: order.reference, retakeOf: previous.reference, challengeId: next.challengeId },
  });
}

async function failFulfilment(db: TenantDb, order: OrderRow, why: string): Promise<void> {
  await orders.updateOrder(db, order.id, { fulfilment: "failed", fulfilmentError: why });
  await recordAudit(db, {
    actor: { type: "system", label: "order fulfilment" },
    action: "order.fulfilment_failed",
    deskId: order.deskId,
    target: { type: "order", id: order.id },
    after: { reference: order.reference, reason: why },
  });
  await requestAutomaticRefund(db, order, `Not delivered: ${why}`);
}

/** Queues a refund of whatever is still refundable on the order (idempotent per order). */
export async function requestAutomaticRefund(db: TenantDb, order: OrderRow, reason: string): Promise<void> {
  if (order.total === 0n) return;
  const fresh = await orders.findOrder(db, order.id);
  if (!fresh) return;
  const committed = fresh.refunds
    .filter((r) => !["failed", "canceled"].includes(r.status))
    .reduce((s, r) => s + r.amount, 0n);
  const remaining = fresh.total - committed;
  if (remaining <= 0n) return;
  const refund = await orders.createRefund(db, {
    orderId: order.id,
    stripeRefundId: null,
    amount: remaining,
    currency: order.currency,
    status: "requested",
    origin: "automatic",
    reason,
    requestedByLabel: "PropDesk",
  });
  await enqueue(db, executeRefundJob, { refundId: refund.id });
}
