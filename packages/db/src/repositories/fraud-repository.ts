import type { PlatformDb, TenantDb } from "../client";
import type { Prisma } from "../generated/prisma/client";

// Fraud inputs (where and from which device traders act) and the flags computed from them.

export function recordAccessEvent(
  db: TenantDb,
  data: {
    traderId: string;
    kind: "sign_up" | "sign_in" | "checkout";
    ip: string | null;
    deviceId: string | null;
    userAgent: string | null;
  },
) {
  return db.traderAccessEvent.create({ data: { tenantId: db.tenantId, ...data } });
}

/**
 * The trader's own access events, and every other trader's events from the same IPs or devices:
 * what the shared-identifier signals compare. Bounded: a very crowded IP is capped.
 */
export async function accessEventsAround(db: TenantDb, traderId: string, limit = 5000) {
  const own = await db.traderAccessEvent.findMany({
    where: { traderId },
    orderBy: { occurredAt: "desc" },
    take: limit,
  });
  const ips = [...new Set(own.map((e) => e.ip).filter((v): v is string => !!v))];
  const devices = [...new Set(own.map((e) => e.deviceId).filter((v): v is string => !!v))];
  if (ips.length === 0 && devices.length === 0) return own;
  const others = await db.traderAccessEvent.findMany({
    where: {
      traderId: { not: traderId },
      OR: [
        ...(ips.length ? [{ ip: { in: ips } }] : []),
        ...(devices.length ? [{ deviceId: { in: devices } }] : []),
      ],
    },
    orderBy: { occurredAt: "desc" },
    take: limit,
  });
  return [...own, ...others];
}

export function listAccessEvents(db: TenantDb, traderId: string, take = 50) {
  return db.traderAccessEvent.findMany({ where: { traderId }, orderBy: { occurredAt: "desc" }, take });
}

export function listFlags(
  db: TenantDb,
  opts: { traderId?: string; statuses?: readonly string[]; take: number; skip?: number },
) {
  return db.fraudFlag.findMany({
    where: {
      ...(opts.traderId ? { traderId: opts.traderId } : {}),
      ...(opts.statuses ? { status: { in: [...opts.statuses] } } : {}),
    },
    orderBy: [{ lastDetectedAt: "desc" }],
    take: opts.take,
    skip: opts.skip ?? 0,
  });
}

export function findFlag(db: TenantDb, id: string) {
  return db.fraudFlag.findUnique({ where: { tenantId_id: { tenantId: db.tenantId, id } } });
}

export function findFlagByKind(db: TenantDb, traderId: string, kind: string) {
  return db.fraudFlag.findUnique({
    where: { tenantId_traderId_kind: { tenantId: db.tenantId, traderId, kind } },
  });
}

export function createFlag(
  db: TenantDb,
  data: {
    traderId: string;
    kind: string;
    severity: string;
    reason: string;
    evidence: Prisma.InputJsonValue;
    relatedTraderIds: string[];
    at: Date;
  },
) {
  const { at, ...rest } = data;
  return db.fraudFlag.create({
    data: { tenantId: db.tenantId, ...rest, firstDetectedAt: at, lastDetectedAt: at, updatedAt: at },
  });
}

export function updateFlag(
  db: TenantDb,
  id: string,
  data: Partial<{
    severity: string;
    reason: string;
    evidence: Prisma.InputJsonValue;
    relatedTraderIds: string[];
    status: string;
    lastDetectedAt: Date;
    reviewedByLabel: string | null;
    reviewNote: string | null;
    reviewedAt: Date | null;
  }>,
) {
  return db.fraudFlag.update({
    where: { tenantId_id: { tenantId: db.tenantId, id } },
    data: { ...data, updatedAt: new Date() },
  });
}

export interface TradeWithTrader {
  tradeId: string;
  tradingAccountId: string;
  traderId: string;
  symbol: string;
  side: "buy" | "sell";
  lots: string | null;
  openedAt: Date;
}

/**
 * The trader's trades opened since `since`, and every other trader's trades on the same symbol
 * opened within `windowMs` of one of them: the input of the copy-trading and hedging signals,
 * found with the (tenant, opened_at) index instead of loading the whole firm's trades.
 */
export function tradesNearTrader(
  db: TenantDb,
  traderId: string,
  since: Date,
  windowMs: number,
  limit = 20_000,
) {
  const window = `${Math.max(1, Math.round(windowMs))} milliseconds`;
  return db.$queryRaw<TradeWithTrader[]>`
    WITH mine AS (
      SELECT t.* , c.trader_id FROM trades t JOIN challenges c ON c.tenant_id = t.tenant_id AND c.id = t.challenge_id
      WHERE c.trader_id = ${traderId}::uuid AND t.opened_at >= ${since}
      ORDER BY t.opened_at DESC LIMIT ${limit}
    ), near AS (
      SELECT DISTINCT o.*, oc.trader_id FROM mine m
      JOIN trades o ON o.tenant_id = m.tenant_id AND o.symbol = m.symbol
        AND o.opened_at BETWEEN m.opened_at - ${window}::interval AND m.opened_at + ${window}::interval
      JOIN challenges oc ON oc.tenant_id = o.tenant_id AND oc.id = o.challenge_id AND oc.trader_id <> ${traderId}::uuid
    )
    SELECT id::text AS "tradeId", trading_account_id::text AS "tradingAccountId", trader_id::text AS "traderId",
      symbol, side, lots, opened_at AS "openedAt" FROM mine
    UNION ALL
    SELECT id::text, trading_account_id::text, trader_id::text, symbol, side, lots, opened_at FROM near
    LIMIT ${limit * 4}`;
}

/** Traders of every firm who opened a trade since `since` (platform scope: the periodic fraud scan). */
export function tradersWithTradesSince(db: PlatformDb, since: Date, limit = 20_000) {
  return db.$queryRaw<{ tenantId: string; traderId: string }[]>`
    SELECT DISTINCT t.tenant_id::text AS "tenantId", c.trader_id::text AS "traderId"
    FROM trades t JOIN challenges c ON c.tenant_id = t.tenant_id AND c.id = t.challenge_id
    JOIN tenants n ON n.id = t.tenant_id AND n.status = 'active'
    WHERE t.opened_at >= ${since}
    LIMIT ${limit}`;
}
