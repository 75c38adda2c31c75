import type Stripe from "stripe";
import type { OrderSnapshot } from "../order-reconcile";
import { stripeFailure } from "./stripe-client";

/**
 * What Stripe says about one order right now: its checkout session, the payment intent and charge,
 * every refund and every dispute. Webhook events only say which order to look at; the order is
 * then brought in line with this snapshot, so deliveries arriving twice, late or out of order
 * (a refund before the completion it refers to, a dispute before the charge is known) end in the
 * same state.
 */
export async function fetchOrderSnapshot(
  client: Stripe,
  order: { stripeCheckoutSessionId: string | null; stripePaymentIntentId: string | null },
  hint: { paymentIntentId?: string | null } = {},
): Promise<OrderSnapshot> {
  try {
    const snap: OrderSnapshot = { refunds: [], disputes: [] };
    let piId = order.stripePaymentIntentId ?? hint.paymentIntentId ?? null;
    if (order.stripeCheckoutSessionId) {
      const s = await client.checkout.sessions.retrieve(order.stripeCheckoutSessionId);
      snap.session = {
        id: s.id,
        status: (s.status ?? "open") as "open" | "complete" | "expired",
        paymentStatus: s.payment_status,
        expiresAt: new Date(s.expires_at * 1000),
      };
      if (typeof s.payment_intent === "string") piId = s.payment_intent;
      else if (s.payment_intent) piId = s.payment_intent.id;
    }
    if (!piId) return snap;
    const pi = await client.paymentIntents.retrieve(piId, { expand: ["latest_charge.balance_transaction"] });
    snap.paymentIntent = {
      id: pi.id,
      status: pi.status,
      amount: BigInt(pi.amount),
      currency: pi.currency.toUpperCase(),
      created: new Date(pi.created * 1000),
      lastError: pi.last_payment_error?.message ?? null,
    };
    const charge = pi.latest_charge && typeof pi.latest_charge !== "string" ? pi.latest_charge : null;
    if (charge) {
      const details = charge.payment_method_details;
      const card = details?.card;
      const txn =
        charge.balance_transaction && typeof charge.balance_transaction !== "string"
          ? charge.balance_transaction
          : null;
      const other =
        details && details.type !== "card"
          ? (
              details as unknown as Record<string, { fingerprint?: string; last4?: string; country?: string }>
            )[details.type]
          : undefined;
      snap.charge = {
        id: charge.id,
        status: charge.status,
        paid: charge.paid,
        amount: BigInt(charge.amount),
        amountRefunded: BigInt(charge.amount_refunded),
        created: new Date(charge.created * 1000),
        methodType: details?.type ?? null,
        brand: card?.brand ?? null,
        last4: card?.last4 ?? other?.last4 ?? null,
        country: card?.country ?? other?.country ?? null,
        fingerprint: card?.fingerprint ?? other?.fingerprint ?? null,
        fee: txn ? BigInt(txn.fee) : null,
        failureMessage: charge.failure_message ?? null,
      };
    }
    for await (const r of client.refunds.list({ payment_intent: pi.id, limit: 100 })) {
      snap.refunds.push({
        id: r.id,
        amount: BigInt(r.amount),
        currency: r.currency.toUpperCase(),
        status: r.status ?? "pending",
        created: new Date(r.created * 1000),
        reason: r.reason ?? null,
        localRefundId: r.metadata?.refundId ?? null,
        failureMessage: r.failure_reason ?? null,
      });
    }
    for await (const d of client.disputes.list({ payment_intent: pi.id, limit: 100 })) {
      snap.disputes.push({
        id: d.id,
        amount: BigInt(d.amount),
        currency: d.currency.toUpperCase(),
        status: d.status,
        reason: d.reason ?? null,
        created: new Date(d.created * 1000),
        evidenceDueBy: d.evidence_details?.due_by ? new Date(d.evidence_details.due_by * 1000) : null,
        chargeId: typeof d.charge === "string" ? d.charge : d.charge.id,
      });
    }
    return snap;
  } catch (e) {
    throw stripeFailure(e, "report this order's payment");
  }
}

/** Which payment intent an event's object belongs to, if any. */
export function paymentIntentOf(object: Record<string, unknown>): string | null {
  if (object.object === "payment_intent") return object.id as string;
  const pi = object.payment_intent;
  if (typeof pi === "string") return pi;
  if (pi && typeof pi === "object" && typeof (pi as { id?: unknown }).id === "string")
    return (pi as { id: string }).id;
  return null;
}
