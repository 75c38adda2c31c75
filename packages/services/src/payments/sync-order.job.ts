import { dataLayer, orders } from "@propdesk/db";
import type { JobHandler } from "../jobs/define-job";
import { applyOrderSnapshot } from "./order-reconcile";
import { stripeAccess } from "./stripe/stripe-connection";
import { fetchOrderSnapshot } from "./stripe/stripe-order-state";

/** Re-reads an order from Stripe and applies it (after a refund PropDesk made, or on request). */
const handler: JobHandler<{ orderId: string }> = async (payload, ctx) => {
  const found = await dataLayer().withTenant(ctx.tenantId, async (db) => {
    const order = await orders.findOrder(db, payload.orderId);
    if (!order || (!order.stripeCheckoutSessionId && !order.stripePaymentIntentId)) return null;
    return { order, access: await stripeAccess(db) };
  });
  if (!found) return;
  const snapshot = await fetchOrderSnapshot(found.access.client, found.order);
  await dataLayer().withTenant(ctx.tenantId, (db) =>
    applyOrderSnapshot(db, payload.orderId, snapshot, `sync:${ctx.jobId}`),
  );
};

export default handler;
