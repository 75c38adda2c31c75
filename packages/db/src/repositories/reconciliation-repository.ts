import type { PlatformDb, TenantDb } from "../client";
import type { Prisma } from "../generated/prisma/client";

/** Reconciliation runs with their lines, and parallel-run comparisons. */

export function createRun(
  db: TenantDb,
  data: Omit<Prisma.ReconciliationRunUncheckedCreateInput, "tenantId" | "id" | "createdAt">,
) {
  return db.reconciliationRun.create({ data: { tenantId: db.tenantId, ...data } });
}

/**
 * The scheduler's run of a tenant for one period, created once (the unique index on scheduled
 * periods makes a second scheduler a no-op). Returns the new run's id, or null when it exists.
 */
export async function createScheduledRun(
  db: PlatformDb,
  tenantId: string,
  period: { from: Date; to: Date },
): Promise<string | null> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    INSERT INTO reconciliation_runs (tenant_id, period_from, period_to, trigger, requested_by_label, processor_source, status)
    VALUES (${tenantId}::uuid, ${period.from}, ${period.to}, 'scheduled', 'scheduler', 'stripe', 'queued')
    ON CONFLICT (tenant_id, period_from, period_to) WHERE trigger = 'scheduled' DO NOTHING
    RETURNING id::text AS id`;
  return rows[0]?.id ?? null;
}

/** Tenants the schedulers act for (active firms only). */
export function listActiveTenantIds(db: PlatformDb) {
  return db.tenant.findMany({ where: { status: "active" }, select: { id: true } });
}

export function findRun(db: TenantDb, id: string) {
  return db.reconciliationRun.findUnique({ where: { tenantId_id: { tenantId: db.tenantId, id } } });
}

export function listRuns(db: TenantDb, take: number) {
  return db.reconciliationRun.findMany({
    orderBy: { createdAt: "desc" },
    take,
    select: {
      id: true,
      periodFrom: true,
      periodTo: true,
      trigger: true,
      requestedByLabel: true,
      processorSource: true,
      statementFileName: true,
      status: true,
      matched: true,
      mismatched: true,
      missingInLedger: true,
      missingExternally: true,
      error: true,
      createdAt: true,
      finishedAt: true,
    },
  });
}

export function updateRun(db: TenantDb, id: string, data: Prisma.ReconciliationRunUncheckedUpdateInput) {
  return db.reconciliationRun.update({ where: { tenantId_id: { tenantId: db.tenantId, id } }, data });
}

export type LineInsert = Omit<Prisma.ReconciliationLineCreateManyInput, "tenantId" | "runId">;

export function insertLines(db: TenantDb, runId: string, lines: readonly LineInsert[]) {
  if (lines.length === 0) return Promise.resolve({ count: 0 });
  return db.reconciliationLine.createMany({
    data: lines.map((l) => ({ tenantId: db.tenantId, runId, ...l })),
  });
}

export function listLines(
  db: TenantDb,
  runId: string,
  opts: {
    statuses?: readonly string[] | undefined;
    pair?: string | undefined;
    take?: number;
    skip?: number;
  } = {},
) {
  return db.reconciliationLine.findMany({
    where: {
      runId,
      ...(opts.statuses?.length ? { status: { in: [...opts.statuses] } } : {}),
      ...(opts.pair ? { pair: opts.pair } : {}),
    },
    orderBy: { lineNo: "asc" },
    ...(opts.take ? { take: opts.take } : {}),
    ...(opts.skip ? { skip: opts.skip } : {}),
  });
}

export function findLine(db: TenantDb, runId: string, lineNo: number) {
  return db.reconciliationLine.findUnique({
    where: { tenantId_runId_lineNo: { tenantId: db.tenantId, runId, lineNo } },
  });
}

export function createParallelRun(
  db: TenantDb,
  data: Omit<Prisma.ParallelRunUncheckedCreateInput, "tenantId" | "id" | "createdAt">,
) {
  return db.parallelRun.create({ data: { tenantId: db.tenantId, ...data } });
}

export function findParallelRun(db: TenantDb, id: string) {
  return db.parallelRun.findUnique({ where: { tenantId_id: { tenantId: db.tenantId, id } } });
}

export function listParallelRuns(db: TenantDb, take: number) {
  return db.parallelRun.findMany({
    orderBy: { createdAt: "desc" },
    take,
    select: {
      id: true,
      periodFrom: true,
      periodTo: true,
      sourceLabel: true,
      fileName: true,
      importedRows: true,
      matched: true,
      differing: true,
      onlyTheirs: true,
      onlyOurs: true,
      createdByLabel: true,
      createdAt: true,
    },
  });
}

/** The tenant's trading accounts on the platforms (reconciliation maps platform ids to ours). */
export function listPlatformAccounts(db: TenantDb) {
  return db.tradingAccount.findMany({
    where: { platformAccountId: { not: null } },
    select: { id: true, challengeId: true, platform: true, platformAccountId: true, currency: true },
  });
}

/** Bank wires the bank confirmed as settled in a period (the bank's side, from its imported files). */
export function listSettledBankAttempts(db: TenantDb, period: { from: Date; to: Date }) {
  return db.payoutAttempt.findMany({
    where: { rail: "bank_wire", status: "paid", settledAt: { gte: period.from, lt: period.to } },
    orderBy: { settledAt: "asc" },
  });
}

/** Payouts by id with their status and paid time (the platform side is expected only once paid). */
export function payoutStates(db: TenantDb, ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db.payout.findMany({
    where: { id: { in: [...ids] } },
    select: { id: true, status: true, paidAt: true },
  });
}

export function listScalingStepsBetween(db: TenantDb, period: { from: Date; to: Date }) {
  return db.payoutScalingStep.findMany({ where: { appliedAt: { gte: period.from, lt: period.to } } });
}
