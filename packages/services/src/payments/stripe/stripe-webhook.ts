import { dataLayer, orders, type TenantDb } from "@propdesk/db";
import { AppError } from "@propdesk/domain";
import type Stripe from "stripe";
import type { DeskContext } from "../../desks/desk-context";
import { enqueue } from "../../jobs/enqueue";
import { processStripeEventJob } from "../payment-jobs";
import { stripeWebhooks, WEBHOOK_TOLERANCE_SECONDS } from "./stripe-client";
import { type StripeAccess, stripeAccess } from "./stripe-connection";
import { paymentIntentOf } from "./stripe-order-state";

/**
 * Receives a Stripe webhook on a desk's host (the firm is known from the host): verifies the
 * signature over the raw body with the firm's endpoint secret (and the timestamp's tolerance, so a
 * captured delivery cannot be replayed later), stores the event once by its id and queues its
 * processing. Answers at once; a repeated delivery is acknowledged and changes nothing.
 */
export async function receiveStripeWebhook(
  desk: DeskContext,
  rawBody: Buffer,
  signatureHeader: string | null,
  opts: { now?: Date } = {},
): Promise<{ eventId: string; duplicate: boolean }> {
  if (!signatureHeader) throw new AppError("UNAUTHENTICATED", "Missing Stripe-Signature header.");
  return dataLayer().withTenant(desk.tenantId, async (db) => {
    const access = await stripeAccess(db).catch(() => {
      throw new AppError("PRECONDITION_FAILED", "This firm has no Stripe account connected.");
    });
    let event: Stripe.Event;
    try {
      event = stripeWebhooks().constructEvent(
        rawBody,
        signatureHeader,
        access.webhookSecret,
        WEBHOOK_TOLERANCE_SECONDS,
        undefined,
        opts.now ? Math.floor(opts.now.getTime() / 1000) : undefined,
      );
    } catch (e) {
      throw new AppError("UNAUTHENTICATED", `Stripe signature refused: ${(e as Error).message}`);
    }
    if (event.livemode !== (access.mode === "live"))
      throw new AppError(
        "VALIDATION",
        `A ${event.livemode ? "live" : "test"} mode event reached a ${access.mode} mode connection.`,
      );
    const stored = await orders.recordWebhookDelivery(db, {
      provider: "stripe",
      externalId: event.id,
      type: event.type,
      payload: event as never,
      eventCreatedAt: new Date(event.created * 1000),
    });
    // A redelivery of an event whose processing never finished is queued again (handlers are idempotent).
    if (stored.inserted || !stored.processed)
      await enqueue(db, processStripeEventJob, { deliveryId: stored.id });
    return { eventId: event.id, duplicate: !stored.inserted };
  });
}

/** Event types that can change an order; others are stored and marked ignored. */
export const orderEventTypes = new Set([
  "checkout.session.completed",
  "checkout.session.async_payment_succeeded",
  "checkout.session.async_payment_failed",
  "checkout.session.expired",
  "payment_intent.succeeded",
  "payment_intent.payment_failed",
  "payment_intent.canceled",
  "charge.succeeded",
  "charge.failed",
  "charge.refunded",
  "charge.refund.updated",
  "refund.created",
  "refund.updated",
  "refund.failed",
  "charge.dispute.created",
  "charge.dispute.updated",
  "charge.dispute.closed",
  "charge.dispute.funds_withdrawn",
  "charge.dispute.funds_reinstated",
]);

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Which of this firm's orders an event concerns: by checkout session, by the order id PropDesk put
 * in the metadata, or through the payment intent (read from Stripe when the event arrived before
 * the order knew its payment intent).
 */
export async function orderForEvent(
  db: TenantDb,
  access: StripeAccess,
  event: { type: string; data: { object: Record<string, unknown> } },
): Promise<{ orderId: string; paymentIntentId: string | null } | null> {
  const object = event.data.object;
  const pi = paymentIntentOf(object);
  const fromMetadata = (o: Record<string, unknown>) => {
    const m = o.metadata as Record<string, string> | undefined;
    const id = m?.orderId ?? (o.client_reference_id as string | undefined);
    return id && uuid.test(id) ? id : null;
  };
  const check = async (orderId: string | null) => {
    if (!orderId) return null;
    const o = await orders.findOrder(db, orderId);
    return o ? { orderId: o.id, paymentIntentId: pi } : null;
  };
  if (object.object === "checkout.session") {
    const bySession = await orders.findOrderByCheckoutSession(db, object.id as string);
    if (bySession) return { orderId: bySession.id, paymentIntentId: pi };
  }
  const direct = await check(fromMetadata(object));
  if (direct) return direct;
  if (!pi) return null;
  const byPi = await orders.findOrderByPaymentIntent(db, pi);
  if (byPi) return { orderId: byPi.id, paymentIntentId: pi };
  const intent = await access.client.paymentIntents.retrieve(pi);
  return check(fromMetadata(intent as unknown as Record<string, unknown>));
}
