import type { TenantDb } from "../client";
import type { Prisma } from "../generated/prisma/client";

// Orders and what the payment processor says about them: payments, refunds, disputes.

const orderInclude = {
  payments: { orderBy: { createdAt: "asc" } },
  refunds: { orderBy: { createdAt: "asc" } },
  disputes: { orderBy: { openedAt: "asc" } },
} as const;

export type OrderWithFacts = Prisma.OrderGetPayload<{ include: typeof orderInclude }>;

export function createOrder(
  db: TenantDb,
  data: {
    reference: string;
    deskId: string;
    traderId: string;
    kind: "challenge" | "reset";
    productId: string | null;
    programVersionId: string;
    lines: Prisma.InputJsonValue;
    couponId: string | null;
    couponCode: string | null;
    subtotal: bigint;
    discount: bigint;
    total: bigint;
    currency: string;
    previousChallengeId: string | null;
    ip: string | null;
    deviceId: string | null;
  },
) {
  return db.order.create({ data: { tenantId: db.tenantId, ...data } });
}

export function findOrder(db: TenantDb, id: string) {
  return db.order.findUnique({
    where: { tenantId_id: { tenantId: db.tenantId, id } },
    include: orderInclude,
  });
}

export function findOrderByReference(db: TenantDb, reference: string) {
  return db.order.findUnique({
    where: { tenantId_reference: { tenantId: db.tenantId, reference } },
    include: orderInclude,
  });
}

export function findOrderByCheckoutSession(db: TenantDb, sessionId: string) {
  return db.order.findFirst({ where: { stripeCheckoutSessionId: sessionId } });
}

export function findOrderByPaymentIntent(db: TenantDb, paymentIntentId: string) {
  return db.order.findFirst({ where: { stripePaymentIntentId: paymentIntentId } });
}

export function findOrdersByChallenge(db: TenantDb, challengeId: string) {
  return db.order.findMany({ where: { challengeId }, include: orderInclude, orderBy: { createdAt: "asc" } });
}

/** Locks the order for the rest of the unit of work: webhook jobs of one order apply one at a time. */
export async function lockOrder(db: TenantDb, id: string): Promise<boolean> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT id::text AS id FROM orders WHERE tenant_id = ${db.tenantId}::uuid AND id = ${id}::uuid FOR UPDATE`;
  return rows.length === 1;
}

export function updateOrder(
  db: TenantDb,
  id: string,
  data: Partial<{
    programVersionId: string;
    status: string;
    amountRefunded: bigint;
    fulfilment: string;
    fulfilmentError: string | null;
    challengeId: string;
    stripeCheckoutSessionId: string;
    stripePaymentIntentId: string;
    checkoutUrl: string | null;
    checkoutExpiresAt: Date | null;
    paidAt: Date;
  }>,
) {
  return db.order.update({
    where: { tenantId_id: { tenantId: db.tenantId, id } },
    data: { ...data, updatedAt: new Date() },
  });
}

export function listOrders(
  db: TenantDb,
  opts: {
    deskIds: readonly string[] | null;
    statuses?: readonly string[] | undefined;
    traderId?: string | undefined;
    search?: string | undefined;
    take: number;
    skip?: number;
  },
) {
  return db.order.findMany({
    where: {
      ...(opts.deskIds === null ? {} : { deskId: { in: [...opts.deskIds] } }),
      ...(opts.statuses?.length ? { status: { in: [...opts.statuses] } } : {}),
      ...(opts.traderId ? { traderId: opts.traderId } : {}),
      ...(opts.search ? { reference: { contains: opts.search.toUpperCase() } } : {}),
    },
    orderBy: { createdAt: "desc" },
    take: opts.take,
    skip: opts.skip ?? 0,
    include: orderInclude,
  });
}

/** The trader's orders for challenges created from this challenge (a reset's re-purchase). */
export function findOrdersForPreviousChallenge(db: TenantDb, previousChallengeId: string) {
  return db.order.findMany({ where: { previousChallengeId }, orderBy: { createdAt: "asc" } });
}

export function countPaidOrders(db: TenantDb, traderId: string) {
  return db.order.count({
    where: {
      traderId,
      status: { in: ["paid", "refunded", "partially_refunded", "disputed", "charged_back"] },
    },
  });
}

// --- payments ---------------------------------------------------------------------------------

export function findPayment(db: TenantDb, paymentIntentId: string) {
  return db.payment.findUnique({
    where: { tenantId_paymentIntentId: { tenantId: db.tenantId, paymentIntentId } },
  });
}

export function upsertPayment(
  db: TenantDb,
  paymentIntentId: string,
  data: {
    orderId: string;
    chargeId: string | null;
    amount: bigint;
    currency: string;
    status: string;
    methodType: string | null;
    cardBrand: string | null;
    cardLast4: string | null;
    cardCountry: string | null;
    paymentFingerprint: string | null;
    processorFee: bigint | null;
    failureMessage: string | null;
    succeededAt: Date | null;
    createdAt: Date;
  },
) {
  const { createdAt, ...update } = data;
  return db.payment.upsert({
    where: { tenantId_paymentIntentId: { tenantId: db.tenantId, paymentIntentId } },
    create: { tenantId: db.tenantId, provider: "stripe", paymentIntentId, ...data },
    update: { ...update, updatedAt: new Date() },
  });
}

/** Payments of other traders' orders with the same processor fingerprints (shared card signal). */
export function paymentsWithFingerprints(db: TenantDb, fingerprints: readonly string[]) {
  return db.payment.findMany({
    where: { paymentFingerprint: { in: [...fingerprints] }, status: "succeeded" },
    include: { order: { select: { traderId: true } } },
    take: 5000,
  });
}

export function listTraderPayments(db: TenantDb, traderId: string) {
  return db.payment.findMany({
    where: { order: { traderId }, paymentFingerprint: { not: null } },
    include: { order: { select: { traderId: true } } },
  });
}

// --- refunds ----------------------------------------------------------------------------------

export function createRefund(
  db: TenantDb,
  data: {
    orderId: string;
    stripeRefundId: string | null;
    amount: bigint;
    currency: string;
    status: string;
    origin: "console" | "processor" | "automatic";
    reason: string | null;
    requestedByLabel: string | null;
    createdAt?: Date;
  },
) {
  return db.refund.create({ data: { tenantId: db.tenantId, ...data } });
}

export function findRefund(db: TenantDb, id: string) {
  return db.refund.findUnique({ where: { tenantId_id: { tenantId: db.tenantId, id } } });
}

export function findRefundByStripeId(db: TenantDb, stripeRefundId: string) {
  return db.refund.findFirst({ where: { stripeRefundId } });
}

export function updateRefund(
  db: TenantDb,
  id: string,
  data: Partial<{ stripeRefundId: string; status: string; amount: bigint; failureMessage: string | null }>,
) {
  return db.refund.update({
    where: { tenantId_id: { tenantId: db.tenantId, id } },
    data: { ...data, updatedAt: new Date() },
  });
}

// --- disputes ---------------------------------------------------------------------------------

export function findDisputeByStripeId(db: TenantDb, stripeDisputeId: string) {
  return db.dispute.findUnique({
    where: { tenantId_stripeDisputeId: { tenantId: db.tenantId, stripeDisputeId } },
  });
}

export function upsertDispute(
  db: TenantDb,
  stripeDisputeId: string,
  data: {
    orderId: string;
    traderId: string;
    chargeId: string | null;
    amount: bigint;
    currency: string;
    reason: string | null;
    processorStatus: string;
    outcome: string;
    evidenceDueBy: Date | null;
    openedAt: Date;
    closedAt: Date | null;
  },
) {
  return db.dispute.upsert({
    where: { tenantId_stripeDisputeId: { tenantId: db.tenantId, stripeDisputeId } },
    create: { tenantId: db.tenantId, stripeDisputeId, ...data },
    update: { ...data, updatedAt: new Date() },
  });
}

export function listTraderDisputes(db: TenantDb, traderId: string) {
  return db.dispute.findMany({ where: { traderId }, orderBy: { openedAt: "asc" } });
}

// --- webhook deliveries -----------------------------------------------------------------------

/**
 * Stores a delivery once per provider id. Returns the row and whether it is new; a repeated
 * delivery only counts up `deliveries`.
 */
export async function recordWebhookDelivery(
  db: TenantDb,
  data: {
    provider: "stripe" | "sumsub";
    externalId: string;
    type: string;
    payload: Prisma.InputJsonValue;
    eventCreatedAt: Date | null;
  },
) {
  const inserted = await db.$queryRaw<{ id: string; inserted: boolean; processed: boolean }[]>`
    INSERT INTO webhook_deliveries (tenant_id, provider, external_id, type, payload, event_created_at)
    VALUES (${db.tenantId}::uuid, ${data.provider}, ${data.externalId}, ${data.type}, ${JSON.stringify(data.payload)}::jsonb, ${data.eventCreatedAt})
    ON CONFLICT (tenant_id, provider, external_id)
      DO UPDATE SET deliveries = webhook_deliveries.deliveries + 1
    RETURNING id::text AS id, (xmax = 0) AS inserted, (processed_at IS NOT NULL) AS processed`;
  return inserted[0]!;
}

export function findWebhookDelivery(db: TenantDb, id: string) {
  return db.webhookDelivery.findUnique({ where: { tenantId_id: { tenantId: db.tenantId, id } } });
}

export function markWebhookProcessed(db: TenantDb, id: string, outcome: string) {
  return db.webhookDelivery.update({
    where: { tenantId_id: { tenantId: db.tenantId, id } },
    data: { processedAt: new Date(), outcome, error: null },
  });
}

export function markWebhookFailed(db: TenantDb, id: string, error: string) {
  return db.webhookDelivery.update({
    where: { tenantId_id: { tenantId: db.tenantId, id } },
    data: { error: error.slice(0, 2000) },
  });
}

export function listWebhookDeliveries(db: TenantDb, opts: { provider?: string; take: number }) {
  return db.webhookDelivery.findMany({
    where: opts.provider ? { provider: opts.provider } : {},
    orderBy: { receivedAt: "desc" },
    take: opts.take,
  });
}
