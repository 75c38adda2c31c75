import { challenges, dataLayer, desks, orders, traders } from "@propdesk/db";
import { AppError, displayMoney, validate } from "@propdesk/domain";
import { canOnDesk, desksWith } from "@propdesk/domain/access";
import { z } from "zod";
import type { StaffPrincipal } from "../auth/staff-auth";
import { resetOfferFor } from "../catalogue/reset-attempts";
import { requirePermission } from "../staff/require-permission";
import type { TraderPrincipal } from "../traders/trader-auth";

type OrderRow = orders.OrderWithFacts;

export const orderStatuses = [
  "pending",
  "paid",
  "payment_failed",
  "expired",
  "refunded",
  "partially_refunded",
  "disputed",
  "charged_back",
] as const;

/** What a pending order past its checkout expiry is, for display. */
function shownStatus(o: OrderRow, now = new Date()): string {
  if (o.status === "pending" && o.checkoutExpiresAt && o.checkoutExpiresAt < now) return "expired";
  return o.status;
}

const money = (v: bigint, c: string) => displayMoney(v, c);

/** An order as lists and receipts show it (money formatted, lines as bought). */
export function orderView(o: OrderRow) {
  const lines =
    (o.lines as { title?: string; items?: Array<{ kind: string; name: string; amount: string }> }) ?? {};
  return {
    id: o.id,
    reference: o.reference,
    deskId: o.deskId,
    traderId: o.traderId,
    kind: o.kind,
    title: lines.title ?? o.reference,
    items: (lines.items ?? []).map((l) => ({
      kind: l.kind,
      name: l.name,
      amount: money(BigInt(l.amount), o.currency),
    })),
    couponCode: o.couponCode,
    subtotal: money(o.subtotal, o.currency),
    discount: o.discount > 0n ? money(o.discount, o.currency) : null,
    total: money(o.total, o.currency),
    refunded: o.amountRefunded > 0n ? money(o.amountRefunded, o.currency) : null,
    currency: o.currency,
    status: shownStatus(o),
    fulfilment: o.fulfilment,
    fulfilmentError: o.fulfilmentError,
    challengeId: o.challengeId,
    previousChallengeId: o.previousChallengeId,
    checkoutUrl: shownStatus(o) === "pending" ? o.checkoutUrl : null,
    createdAt: o.createdAt,
    paidAt: o.paidAt,
    payments: o.payments.map((p) => ({
      id: p.id,
      paymentIntentId: p.paymentIntentId,
      chargeId: p.chargeId,
      status: p.status,
      amount: money(p.amount, p.currency),
      method: p.cardBrand ? `${p.cardBrand} •••• ${p.cardLast4 ?? ""}` : (p.methodType ?? "—"),
      country: p.cardCountry,
      fingerprint: p.paymentFingerprint,
      fee: p.processorFee !== null ? money(p.processorFee, p.currency) : null,
      failure: p.failureMessage,
      at: p.succeededAt ?? p.createdAt,
    })),
    refunds: o.refunds.map((r) => ({
      id: r.id,
      stripeRefundId: r.stripeRefundId,
      amount: money(r.amount, r.currency),
      status: r.status,
      origin: r.origin,
      reason: r.reason,
      by: r.requestedByLabel,
      failure: r.failureMessage,
      at: r.createdAt,
    })),
    disputes: o.disputes.map((d) => ({
      id: d.id,
      stripeDisputeId: d.stripeDisputeId,
      amount: money(d.amount, d.currency),
      reason: d.reason,
      status: d.processorStatus,
      outcome: d.outcome,
      evidenceDueBy: d.evidenceDueBy,
      openedAt: d.openedAt,
      closedAt: d.closedAt,
    })),
  };
}
export type OrderView = ReturnType<typeof orderView>;

export const staffOrderFilterSchema = z.object({
  status: z
    .enum(orderStatuses)
    .optional()
    .or(z.literal("").transform(() => undefined)),
  q: z
    .string()
    .trim()
    .max(40)
    .optional()
    .transform((v) => v || undefined),
  page: z.coerce.number().int().min(1).max(10_000).optional().default(1),
});

/** Orders and payments of the desks this staff member may see, newest first. */
export async function ordersForStaff(principal: StaffPrincipal, input: unknown, pageSize = 50) {
  requirePermission(principal, "orders.view");
  const f = validate(staffOrderFilterSchema, input);
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const all = await desks.listDesks(db);
    const visible = desksWith(
      principal,
      "orders.view",
      all.map((d) => d.id),
    );
    const rows = await orders.listOrders(db, {
      deskIds: principal.deskIds === null ? null : visible,
      statuses: f.status ? [f.status] : undefined,
      search: f.q,
      take: pageSize + 1,
      skip: (f.page - 1) * pageSize,
    });
    const names = new Map<string, { name: string; email: string }>();
    for (const id of new Set(rows.map((r) => r.traderId))) {
      const t = await traders.findTrader(db, id);
      if (t) names.set(id, { name: t.name, email: t.email });
    }
    const deskName = new Map(all.map((d) => [d.id, d.name]));
    return {
      rows: rows.slice(0, pageSize).map((o) => ({
        ...orderView(o),
        trader: { id: o.traderId, ...(names.get(o.traderId) ?? { name: "?", email: "" }) },
        deskName: deskName.get(o.deskId) ?? "",
      })),
      hasMore: rows.length > pageSize,
      page: f.page,
    };
  });
}

/** One order with its payments, refunds, disputes, trader and challenge, and what staff may do. */
export async function orderForStaff(principal: StaffPrincipal, orderId: unknown) {
  requirePermission(principal, "orders.view");
  const id = validate(z.string().uuid("Unknown order."), orderId, "order");
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const o = await orders.findOrder(db, id);
    if (!o || (principal.deskIds !== null && !principal.deskIds.includes(o.deskId)))
      throw new AppError("NOT_FOUND", "That order does not exist.");
    const trader = await traders.findTrader(db, o.traderId);
    const challenge = o.challengeId ? await challenges.findChallenge(db, o.challengeId) : null;
    const committed = o.refunds
      .filter((r) => !["failed", "canceled"].includes(r.status))
      .reduce((s, r) => s + r.amount, 0n);
    const refundable = ["paid", "partially_refunded"].includes(o.status) ? o.total - committed : 0n;
    return {
      order: orderView(o),
      trader: trader ? { id: trader.id, name: trader.name, email: trader.email } : null,
      challenge: challenge
        ? { id: challenge.id, reference: challenge.reference, status: challenge.status }
        : null,
      refundable: refundable > 0n ? displayMoney(refundable, o.currency) : null,
      canRefund: refundable > 0n && canOnDesk(principal, "orders.refund", o.deskId),
      stripe: { checkoutSessionId: o.stripeCheckoutSessionId, paymentIntentId: o.stripePaymentIntentId },
    };
  });
}

/** The trader's purchase history, and the retakes they may buy. */
export async function traderPurchases(principal: TraderPrincipal) {
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const rows = await orders.listOrders(db, { deskIds: null, traderId: principal.traderId, take: 200 });
    const mine = await challenges.listTraderChallenges(db, principal.traderId);
    const offers = [];
    for (const c of mine.filter((x) => x.status === "failed" || x.status === "reset")) {
      const offer = await resetOfferFor(db, c.id);
      if (offer)
        offers.push({
          challengeId: c.id,
          reference: c.reference,
          programName: c.programVersion.program.name,
          attempt: offer.attempt,
          free: offer.free,
          price: offer.amount !== null && offer.currency ? displayMoney(offer.amount, offer.currency) : null,
          pricePct: offer.pricePct,
        });
    }
    return { orders: rows.filter((o) => o.status !== "expired" || o.paidAt).map(orderView), offers };
  });
}

/** One of the trader's own orders, as a receipt (another trader's order is "not found"). */
export async function traderReceipt(principal: TraderPrincipal, orderId: unknown) {
  const id = validate(z.string().uuid("Unknown order."), orderId, "order");
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const o = await orders.findOrder(db, id);
    if (!o || o.traderId !== principal.traderId)
      throw new AppError("NOT_FOUND", "That order does not exist.");
    const challenge = o.challengeId ? await challenges.findChallenge(db, o.challengeId) : null;
    const desk = await desks.findDesk(db, o.deskId);
    return {
      order: orderView(o),
      desk: desk ? { name: desk.name } : null,
      challenge: challenge
        ? { id: challenge.id, reference: challenge.reference, status: challenge.status }
        : null,
    };
  });
}

/** A retake offer for the trader's own challenge (the retake page). */
export async function traderResetOffer(principal: TraderPrincipal, challengeId: unknown) {
  const id = validate(z.string().uuid("Unknown challenge."), challengeId, "challenge");
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const c = await challenges.findChallenge(db, id);
    if (!c || c.traderId !== principal.traderId)
      throw new AppError("NOT_FOUND", "That challenge does not exist.");
    const offer = await resetOfferFor(db, id);
    return {
      challenge: {
        id: c.id,
        reference: c.reference,
        status: c.status,
        programName: c.programVersion.program.name,
        attempt: c.attempt,
      },
      offer: offer
        ? {
            attempt: offer.attempt,
            free: offer.free,
            pricePct: offer.pricePct,
            price:
              offer.amount !== null && offer.currency ? displayMoney(offer.amount, offer.currency) : null,
          }
        : null,
    };
  });
}
