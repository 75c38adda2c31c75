import { challenges, dataLayer, orders } from "@propdesk/db";
import { AppError, displayMoney, parseMoney, validate } from "@propdesk/domain";
import type { Challenge as LifecycleState } from "@propdesk/domain/lifecycle";
import { z } from "zod";
import { recordAudit } from "../audit/record-audit";
import type { StaffPrincipal } from "../auth/staff-auth";
import { applyChallengeEvent } from "../challenges/challenge-lifecycle";
import type { EffectContext } from "../challenges/effect-handlers";
import { enqueue } from "../jobs/enqueue";
import { requirePermission } from "../staff/require-permission";
import { requestAutomaticRefund } from "./fulfil-order";
import { executeRefundJob } from "./payment-jobs";

export const refundOrderSchema = z.object({
  reason: z.string().trim().min(5, "Say why the order is refunded (at least 5 characters).").max(500),
  /** Empty: everything still refundable. */
  amount: z.preprocess(
    (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
    z
      .string()
      .trim()
      .regex(/^\d+(\.\d+)?$/, "Enter the amount as a number like 49.50, or leave it empty for a full refund.")
      .optional(),
  ),
});

/**
 * Finance refunds an order from the console. A full refund of a challenge that can still be
 * refunded moves it to `refunded` (trading stops) with the reason; a partial refund leaves the
 * challenge alone. The money goes back through Stripe in a job (idempotent by the refund's id);
 * the order shows the refund as requested until Stripe confirms it.
 */
export async function refundOrder(principal: StaffPrincipal, orderId: unknown, input: unknown) {
  const id = validate(z.string().uuid("Unknown order."), orderId, "order");
  const form = validate(refundOrderSchema, input);
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    await orders.lockOrder(db, id);
    const order = await orders.findOrder(db, id);
    if (!order) throw new AppError("NOT_FOUND", "That order does not exist.");
    requirePermission(principal, "orders.refund", order.deskId);
    if (!["paid", "partially_refunded"].includes(order.status))
      throw new AppError(
        "CONFLICT",
        order.status === "disputed" || order.status === "charged_back"
          ? "This payment is disputed: the bank decides, a refund is not possible."
          : `Only a paid order is refunded; this one is ${order.status.replaceAll("_", " ")}.`,
      );
    const committed = order.refunds
      .filter((r) => !["failed", "canceled"].includes(r.status))
      .reduce((s, r) => s + r.amount, 0n);
    const refundable = order.total - committed;
    if (refundable <= 0n)
      throw new AppError("CONFLICT", "Everything paid on this order is already refunded or being refunded.");
    const amount = form.amount ? parseMoney(form.amount, order.currency, "amount") : refundable;
    if (amount <= 0n || amount > refundable)
      throw new AppError(
        "VALIDATION",
        `amount: at most ${displayMoney(refundable, order.currency)} can still be refunded on this order.`,
        { issues: [{ path: "amount", message: "exceeds what is refundable" }] },
      );
    const full = amount === refundable;
    let challengeMove: string | null = null;
    if (full && order.challengeId) {
      const row = await challenges.findChallenge(db, order.challengeId);
      const state = (row!.lifecycle as unknown as LifecycleState).state;
      if (state === "funded")
        throw new AppError(
          "CONFLICT",
          "This challenge is funded: its fee is not refunded in full here (refund part of it, or end the account first).",
        );
      if (!["refunded", "reset", "cancelled"].includes(state)) challengeMove = state;
    }
    const refund = await orders.createRefund(db, {
      orderId: id,
      stripeRefundId: null,
      amount,
      currency: order.currency,
      status: "requested",
      origin: "console",
      reason: form.reason,
      requestedByLabel: principal.email,
    });
    await enqueue(db, executeRefundJob, { refundId: refund.id });
    if (challengeMove && order.challengeId)
      await applyChallengeEvent(
        db,
        order.challengeId,
        { type: "refund", cause: { type: "staff", userId: principal.userId, reason: form.reason } },
        { actorLabel: principal.email, details: { order: order.reference, refund: refund.id } },
      );
    await recordAudit(db, {
      actor: { type: "staff", id: principal.userId, label: principal.email },
      action: "order.refund_requested",
      deskId: order.deskId,
      target: { type: "order", id },
      after: {
        reference: order.reference,
        amount: displayMoney(amount, order.currency),
        full,
        reason: form.reason,
        challengeFrom: challengeMove,
      },
    });
    return { refundId: refund.id, amount, full };
  });
}

/**
 * The `refund_payment` effect of the lifecycle's `refund`: makes sure the money of the challenge's
 * order goes back. A refund already requested (from the console) or already made (in Stripe's
 * dashboard) is enough; otherwise (a refund applied from elsewhere) the remainder is refunded.
 */
export async function refundPaymentEffect(ctx: EffectContext): Promise<void> {
  await dataLayer().withTenant(ctx.tenantId, async (db) => {
    for (const order of await orders.findOrdersByChallenge(db, ctx.challengeId)) {
      if (!["paid", "partially_refunded"].includes(order.status)) continue;
      await orders.lockOrder(db, order.id);
      await requestAutomaticRefund(db, order, "The challenge was refunded.");
    }
  });
}
