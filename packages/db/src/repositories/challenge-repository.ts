import type { TenantDb } from "../client";
import type { Prisma } from "../generated/prisma/client";

const challengeInclude = {
  programVersion: { include: { program: true } },
  trader: true,
  tradingAccounts: { orderBy: { phaseIndex: "asc" } },
} as const;

export type ChallengeWithRelations = Prisma.ChallengeGetPayload<{ include: typeof challengeInclude }>;

export function createChallenge(
  db: TenantDb,
  data: {
    reference: string;
    deskId: string;
    traderId: string;
    programVersionId: string;
    lifecycle: Prisma.InputJsonValue;
    status: string;
    phaseIndex: number;
    attempt: number;
    origin: "manual" | "purchase" | "reset";
    previousChallengeId: string | null;
    currency: string;
    accountSize: bigint;
  },
) {
  return db.challenge.create({ data: { tenantId: db.tenantId, ...data } });
}

export function findChallenge(db: TenantDb, challengeId: string) {
  return db.challenge.findUnique({
    where: { tenantId_id: { tenantId: db.tenantId, id: challengeId } },
    include: challengeInclude,
  });
}

export function findChallengeByReference(db: TenantDb, reference: string) {
  return db.challenge.findUnique({
    where: { tenantId_reference: { tenantId: db.tenantId, reference } },
    include: challengeInclude,
  });
}

/**
 * Locks the challenge row for the rest of the unit of work, so two transitions of one challenge
 * (a breach and a staff override arriving together) are applied one after the other. NO KEY UPDATE
 * (the key never changes): rows that only reference the challenge (trades, payments, decisions) can
 * still be inserted meanwhile instead of waiting for the transition to commit.
 */
export async function lockChallenge(db: TenantDb, challengeId: string): Promise<boolean> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT id::text AS id FROM challenges WHERE tenant_id = ${db.tenantId}::uuid AND id = ${challengeId}::uuid FOR NO KEY UPDATE`;
  return rows.length === 1;
}

export function updateChallengeState(
  db: TenantDb,
  challengeId: string,
  data: { lifecycle: Prisma.InputJsonValue; status: string; phaseIndex: number; statusChanged: boolean },
) {
  const now = new Date();
  return db.challenge.update({
    where: { tenantId_id: { tenantId: db.tenantId, id: challengeId } },
    data: {
      lifecycle: data.lifecycle,
      status: data.status,
      phaseIndex: data.phaseIndex,
      updatedAt: now,
      ...(data.statusChanged ? { statusChangedAt: now } : {}),
    },
  });
}

export async function nextChallengeEventSeq(db: TenantDb, challengeId: string): Promise<number> {
  const r = await db.challengeEvent.aggregate({ where: { challengeId }, _max: { seq: true } });
  return (r._max.seq ?? 0) + 1;
}

export function insertChallengeEvent(
  db: TenantDb,
  data: {
    challengeId: string;
    seq: number;
    kind: "lifecycle" | "engine";
    type: string;
    phaseIndex: number;
    tradingAccountId: string | null;
    fromState: string | null;
    toState: string | null;
    cause: Prisma.InputJsonValue;
    details: Prisma.InputJsonValue;
    occurredAt: Date;
  },
) {
  return db.challengeEvent.create({ data: { tenantId: db.tenantId, ...data } });
}

export function listChallengeEvents(db: TenantDb, challengeId: string) {
  return db.challengeEvent.findMany({ where: { challengeId }, orderBy: { seq: "asc" } });
}

export function listTraderChallenges(db: TenantDb, traderId: string) {
  return db.challenge.findMany({
    where: { traderId },
    orderBy: { createdAt: "desc" },
    include: challengeInclude,
  });
}

export function listChallenges(
  db: TenantDb,
  opts: {
    deskIds: readonly string[] | null;
    statuses?: readonly string[] | undefined;
    traderId?: string | undefined;
    take: number;
    skip?: number;
  },
) {
  return db.challenge.findMany({
    where: {
      ...(opts.deskIds === null ? {} : { deskId: { in: [...opts.deskIds] } }),
      ...(opts.statuses?.length ? { status: { in: [...opts.statuses] } } : {}),
      ...(opts.traderId ? { traderId: opts.traderId } : {}),
    },
    orderBy: { createdAt: "desc" },
    take: opts.take,
    skip: opts.skip ?? 0,
    include: challengeInclude,
  });
}

export function createTradingAccount(
  db: TenantDb,
  data: {
    challengeId: string;
    phaseIndex: number;
    platform: "simulator" | "bridge";
    currency: string;
    initialBalance: bigint;
  },
) {
  return db.tradingAccount.create({ data: { tenantId: db.tenantId, ...data } });
}

export function findTradingAccount(db: TenantDb, accountId: string) {
  return db.tradingAccount.findUnique({ where: { tenantId_id: { tenantId: db.tenantId, id: accountId } } });
}

export function findTradingAccountByPhase(db: TenantDb, challengeId: string, phaseIndex: number) {
  return db.tradingAccount.findUnique({
    where: { tenantId_challengeId_phaseIndex: { tenantId: db.tenantId, challengeId, phaseIndex } },
  });
}

export function findTradingAccountByPlatformId(db: TenantDb, platform: string, platformAccountId: string) {
  return db.tradingAccount.findFirst({ where: { platform, platformAccountId } });
}

export function updateTradingAccount(
  db: TenantDb,
  accountId: string,
  data: Partial<{
    platformAccountId: string;
    login: string;
    status: string;
    tradingEnabled: boolean;
    provisionedAt: Date;
    closedAt: Date;
  }>,
) {
  return db.tradingAccount.update({ where: { tenantId_id: { tenantId: db.tenantId, id: accountId } }, data });
}
