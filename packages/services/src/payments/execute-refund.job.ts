import { dataLayer, orders } from "@propdesk/db";
import Stripe from "stripe";
import type { JobHandler } from "../jobs/define-job";
import { applyOrderSnapshot } from "./order-reconcile";
import { stripeAccess } from "./stripe/stripe-connection";
import { fetchOrderSnapshot } from "./stripe/stripe-order-state";

/**
 * Sends a requested refund to Stripe with the refund's id as idempotency key (a retried job never
 * refunds twice), then applies the order's new state. Stripe refusing the refund (a charge already
 * disputed, nothing left to refund) marks it failed with Stripe's reason; network errors retry.
 */
const handler: JobHandler<{ refundId: string }> = async (payload, ctx) => {
  const found = await dataLayer().withTenant(ctx.tenantId, async (db) => {
    const refund = await orders.findRefund(db, payload.refundId);
    if (!refund || refund.status !== "requested" || refund.stripeRefundId) return null;
    const order = (await orders.findOrder(db, refund.orderId))!;
    return { refund, order, access: await stripeAccess(db) };
  });
  if (!found) return;
  const { refund, order, access } = found;
  const pi =
    order.stripePaymentIntentId ?? order.payments.find((p) => p.status === "succeeded")?.paymentIntentId;
  if (!pi) {
    await dataLayer().withTenant(ctx.tenantId, (db) =>
      orders.updateRefund(db, refund.id, {
        status: "failed",
        failureMessage: "The order has no payment to refund.",
      }),
    );
    return;
  }
  try {
    const created = await access.client.refunds.create(
      {
        payment_intent: pi,
        amount: Number(refund.amount),
        reason: "requested_by_customer",
        metadata: { refundId: refund.id, orderId: order.id, orderReference: order.reference },
      },
      { idempotencyKey: `propdesk-refund-${refund.id}` },
    );
    await dataLayer().withTenant(ctx.tenantId, (db) =>
      orders.updateRefund(db, refund.id, { stripeRefundId: created.id, status: created.status ?? "pending" }),
    );
  } catch (e) {
    if (e instanceof Stripe.errors.StripeInvalidRequestError) {
      await dataLayer().withTenant(ctx.tenantId, (db) =>
        orders.updateRefund(db, refund.id, {
          status: "failed",
          failureMessage: `Stripe refused: ${e.message}`,
        }),
      );
      ctx.log.warn({ refund: refund.id, err: e.message }, "stripe refused a refund");
      return;
    }
    throw e;
  }
  const snapshot = await fetchOrderSnapshot(access.client, order);
  await dataLayer().withTenant(ctx.tenantId, (db) =>
    applyOrderSnapshot(db, order.id, snapshot, `refund:${refund.id}`),
  );
};

export default handler;
