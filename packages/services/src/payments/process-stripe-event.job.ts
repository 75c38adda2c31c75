import { dataLayer, orders } from "@propdesk/db";
import type { JobHandler } from "../jobs/define-job";
import { applyOrderSnapshot } from "./order-reconcile";
import { stripeAccess } from "./stripe/stripe-connection";
import { fetchOrderSnapshot } from "./stripe/stripe-order-state";
import { orderEventTypes, orderForEvent } from "./stripe/stripe-webhook";

/**
 * One stored Stripe event: finds its order, reads the order's current state from Stripe (outside
 * any transaction) and applies it. Idempotent: a processed delivery is skipped, and applying the
 * same snapshot twice changes nothing.
 */
const handler: JobHandler<{ deliveryId: string }> = async (payload, ctx) => {
  const found = await dataLayer().withTenant(ctx.tenantId, async (db) => {
    const delivery = await orders.findWebhookDelivery(db, payload.deliveryId);
    if (!delivery || delivery.processedAt) return null;
    const event = delivery.payload as unknown as {
      id: string;
      type: string;
      data: { object: Record<string, unknown> };
    };
    if (!orderEventTypes.has(event.type)) {
      await orders.markWebhookProcessed(db, delivery.id, `ignored: PropDesk does not act on ${event.type}`);
      return null;
    }
    const access = await stripeAccess(db);
    const target = await orderForEvent(db, access, event);
    if (!target) {
      await orders.markWebhookProcessed(db, delivery.id, "ignored: not a PropDesk order");
      return null;
    }
    const order = (await orders.findOrder(db, target.orderId))!;
    return { event, access, order, target };
  });
  if (!found) return;
  try {
    const snapshot = await fetchOrderSnapshot(found.access.client, found.order, {
      paymentIntentId: found.target.paymentIntentId,
    });
    const result = await dataLayer().withTenant(ctx.tenantId, async (db) => {
      const r = await applyOrderSnapshot(db, found.order.id, snapshot, found.event.id);
      await orders.markWebhookProcessed(
        db,
        payload.deliveryId,
        `order ${found.order.reference}: ${r?.status ?? "gone"}`,
      );
      return r;
    });
    ctx.log.info(
      { event: found.event.type, order: found.order.reference, status: result?.status },
      "stripe event applied",
    );
  } catch (e) {
    await dataLayer().withTenant(ctx.tenantId, (db) =>
      orders.markWebhookFailed(db, payload.deliveryId, (e as Error).message),
    );
    throw e;
  }
};

export default handler;
