import type { TenantDb } from "../client";
import type { Prisma } from "../generated/prisma/client";

// What desks sell: products, add-ons, coupons, and the program variants add-ons produce.

export function listProducts(
  db: TenantDb,
  opts: { deskIds: readonly string[] | null; activeOnly?: boolean },
) {
  return db.product.findMany({
    where: {
      ...(opts.deskIds === null ? {} : { deskId: { in: [...opts.deskIds] } }),
      ...(opts.activeOnly ? { status: "active" } : {}),
    },
    orderBy: [{ deskId: "asc" }, { sortOrder: "asc" }, { price: "asc" }],
  });
}

export function findProduct(db: TenantDb, id: string) {
  return db.product.findUnique({ where: { tenantId_id: { tenantId: db.tenantId, id } } });
}

export function createProduct(
  db: TenantDb,
  data: {
    deskId: string;
    programId: string;
    programVersionId: string;
    name: string;
    description: string;
    accountSize: bigint;
    accountCurrency: string;
    price: bigint;
    currency: string;
    sortOrder: number;
  },
) {
  return db.product.create({ data: { tenantId: db.tenantId, ...data } });
}

export function updateProduct(
  db: TenantDb,
  id: string,
  data: Partial<{
    programVersionId: string;
    name: string;
    description: string;
    accountSize: bigint;
    price: bigint;
    currency: string;
    status: string;
    sortOrder: number;
  }>,
) {
  return db.product.update({
    where: { tenantId_id: { tenantId: db.tenantId, id } },
    data: { ...data, updatedAt: new Date() },
  });
}

export function listAddons(db: TenantDb, opts: { deskIds: readonly string[] | null; activeOnly?: boolean }) {
  return db.addon.findMany({
    where: {
      ...(opts.deskIds === null ? {} : { deskId: { in: [...opts.deskIds] } }),
      ...(opts.activeOnly ? { status: "active" } : {}),
    },
    orderBy: [{ deskId: "asc" }, { sortOrder: "asc" }, { name: "asc" }],
  });
}

export function findAddons(db: TenantDb, ids: readonly string[]) {
  return db.addon.findMany({ where: { id: { in: [...ids] } } });
}

export function findAddon(db: TenantDb, id: string) {
  return db.addon.findUnique({ where: { tenantId_id: { tenantId: db.tenantId, id } } });
}

export function findAddonByCode(db: TenantDb, deskId: string, code: string) {
  return db.addon.findUnique({ where: { tenantId_deskId_code: { tenantId: db.tenantId, deskId, code } } });
}

export function createAddon(
  db: TenantDb,
  data: {
    deskId: string;
    code: string;
    name: string;
    description: string;
    kind: string;
    params: Prisma.InputJsonValue;
    pricePct: string;
    sortOrder: number;
  },
) {
  return db.addon.create({ data: { tenantId: db.tenantId, ...data } });
}

export function updateAddon(
  db: TenantDb,
  id: string,
  data: Partial<{ status: string; name: string; description: string }>,
) {
  return db.addon.update({
    where: { tenantId_id: { tenantId: db.tenantId, id } },
    data: { ...data, updatedAt: new Date() },
  });
}

export function listCoupons(db: TenantDb, deskIds: readonly string[] | null) {
  return db.coupon.findMany({
    where: deskIds === null ? {} : { deskId: { in: [...deskIds] } },
    orderBy: [{ status: "asc" }, { createdAt: "desc" }],
  });
}

export function findCoupon(db: TenantDb, id: string) {
  return db.coupon.findUnique({ where: { tenantId_id: { tenantId: db.tenantId, id } } });
}

export function findCouponByCode(db: TenantDb, deskId: string, code: string) {
  return db.coupon.findUnique({ where: { tenantId_deskId_code: { tenantId: db.tenantId, deskId, code } } });
}

export function createCoupon(
  db: TenantDb,
  data: {
    deskId: string;
    code: string;
    description: string;
    percentOff: string | null;
    amountOff: bigint | null;
    currency: string | null;
    validFrom: Date | null;
    validUntil: Date | null;
    maxRedemptions: number | null;
    maxPerTrader: number | null;
    firstPurchaseOnly: boolean;
    appliesToResets: boolean;
    productIds: string[];
    createdByLabel: string;
  },
) {
  return db.coupon.create({ data: { tenantId: db.tenantId, ...data } });
}

export function updateCoupon(db: TenantDb, id: string, data: Partial<{ status: string }>) {
  return db.coupon.update({
    where: { tenantId_id: { tenantId: db.tenantId, id } },
    data: { ...data, updatedAt: new Date() },
  });
}

/**
 * Serialises checkouts that use one coupon (or create one program variant), so usage limits hold
 * under concurrent checkouts: a transaction-scoped advisory lock on the key.
 */
export async function lockKey(db: TenantDb, key: string): Promise<void> {
  await db.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`${db.tenantId}:${key}`}, 0))`;
}

/**
 * Redemptions of a coupon: paid orders (refunded or disputed ones included) and checkouts still
 * open; expired and failed checkouts give the code back.
 */
export function countCouponRedemptions(db: TenantDb, couponId: string, now: Date, traderId?: string) {
  return db.order.count({
    where: {
      couponId,
      ...(traderId ? { traderId } : {}),
      OR: [
        { status: { in: ["paid", "refunded", "partially_refunded", "disputed", "charged_back"] } },
        { status: "pending", OR: [{ checkoutExpiresAt: null }, { checkoutExpiresAt: { gt: now } }] },
      ],
    },
  });
}

export function countCouponUses(db: TenantDb, couponIds: readonly string[]) {
  return db.order.groupBy({
    by: ["couponId"],
    where: {
      couponId: { in: [...couponIds] },
      status: { in: ["paid", "refunded", "partially_refunded", "disputed", "charged_back"] },
    },
    _count: { _all: true },
  });
}

export function findVariant(db: TenantDb, baseVersionId: string, variantKey: string) {
  return db.programVariant.findUnique({
    where: { tenantId_baseVersionId_variantKey: { tenantId: db.tenantId, baseVersionId, variantKey } },
  });
}

export function createVariant(
  db: TenantDb,
  data: { baseVersionId: string; variantKey: string; variantVersionId: string },
) {
  return db.programVariant.create({ data: { tenantId: db.tenantId, ...data } });
}

/** The attempt created from a challenge by a reset (the challenge whose previous one it is). */
export function findNextAttempt(db: TenantDb, previousChallengeId: string) {
  return db.challenge.findFirst({ where: { previousChallengeId }, orderBy: { createdAt: "asc" } });
}
