import type { TenantDb } from "../client";

export function findTraderByEmail(db: TenantDb, email: string) {
  return db.trader.findUnique({
    where: { tenantId_email: { tenantId: db.tenantId, email } },
    include: { desks: true },
  });
}

export function findTrader(db: TenantDb, traderId: string) {
  return db.trader.findUnique({
    where: { tenantId_id: { tenantId: db.tenantId, id: traderId } },
    include: { desks: true },
  });
}

export function createTrader(
  db: TenantDb,
  data: {
    email: string;
    name: string;
    passwordHash: string | null;
    country: string | null;
    timezone: string;
    dateOfBirth: Date | null;
  },
) {
  return db.trader.create({ data: { tenantId: db.tenantId, ...data } });
}

export function updateTrader(
  db: TenantDb,
  traderId: string,
  data: Partial<{
    name: string;
    passwordHash: string;
    country: string | null;
    timezone: string;
    status: string;
    lastLoginAt: Date;
    dateOfBirth: Date | null;
  }>,
) {
  return db.trader.update({ where: { tenantId_id: { tenantId: db.tenantId, id: traderId } }, data });
}

/** Registers a trader on a desk (idempotent). */
export function registerTraderDesk(db: TenantDb, traderId: string, deskId: string) {
  return db.traderDesk.upsert({
    where: { tenantId_traderId_deskId: { tenantId: db.tenantId, traderId, deskId } },
    create: { tenantId: db.tenantId, traderId, deskId },
    update: {},
  });
}

export function listTraders(
  db: TenantDb,
  opts: { deskIds: readonly string[] | null; search?: string | undefined; take: number; skip?: number },
) {
  return db.trader.findMany({
    where: {
      ...(opts.deskIds === null ? {} : { desks: { some: { deskId: { in: [...opts.deskIds] } } } }),
      ...(opts.search
        ? {
            OR: [
              { email: { contains: opts.search.toLowerCase() } },
              { name: { contains: opts.search, mode: "insensitive" as const } },
            ],
          }
        : {}),
    },
    orderBy: { createdAt: "desc" },
    take: opts.take,
    skip: opts.skip ?? 0,
    include: { desks: true, _count: { select: { challenges: true } } },
  });
}

// --- sessions ---------------------------------------------------------------------------------

export function createTraderSession(
  db: TenantDb,
  data: { traderId: string; tokenHash: string; expiresAt: Date; ip: string | null; userAgent: string | null },
) {
  return db.traderSession.create({ data: { tenantId: db.tenantId, ...data } });
}

export function findTraderSessionByTokenHash(db: TenantDb, tokenHash: string) {
  return db.traderSession.findUnique({
    where: { tokenHash },
    include: { trader: { include: { desks: true } } },
  });
}

export function touchTraderSession(db: TenantDb, sessionId: string, at: Date) {
  return db.traderSession.update({
    where: { tenantId_id: { tenantId: db.tenantId, id: sessionId } },
    data: { lastSeenAt: at },
  });
}

export function revokeTraderSession(db: TenantDb, sessionId: string, reason: string) {
  return db.traderSession.updateMany({
    where: { tenantId: db.tenantId, id: sessionId, revokedAt: null },
    data: { revokedAt: new Date(), revokedReason: reason },
  });
}

export function revokeTraderSessions(db: TenantDb, traderId: string, reason: string) {
  return db.traderSession.updateMany({
    where: { tenantId: db.tenantId, traderId, revokedAt: null },
    data: { revokedAt: new Date(), revokedReason: reason },
  });
}
